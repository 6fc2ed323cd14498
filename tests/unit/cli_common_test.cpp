// The helpers the subcommand files share (cli/common.h): their texts and
// output are what the operator and scripts read, so they are pinned here.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/common.h"

namespace ct::cli {
namespace {

// Parses `args` as a subcommand with the ACTION [ARG...] form.
Result<Action> ActionOf(const Args& args, std::string_view fallback = "") {
  Syntax syntax("keys import FILE | keys list | keys bind EMAIL FPR");
  AddActionArguments(syntax);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  if (!parsed) return std::unexpected(parsed.error());
  return TakeAction(vm, syntax, {{"import", 1}, {"bind", 2}, {"list", 0}},
                    fallback);
}

TEST(CliCommonTest, TakeActionReadsTheActionAndItsArguments) {
  auto bind = ActionOf({"bind", "a@example.test", "ABCD"});
  ASSERT_TRUE(bind) << bind.error().message;
  EXPECT_EQ(bind->name, "bind");
  EXPECT_EQ(bind->args, (std::vector<std::string>{"a@example.test", "ABCD"}));
  auto list = ActionOf({"list"});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->name, "list");
  EXPECT_TRUE(list->args.empty());
}

TEST(CliCommonTest, TakeActionWithoutAnActionIsMissingOrTheFallback) {
  auto missing = ActionOf({});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(missing.error().message,
            "missing action (usage: keys import FILE | keys list | keys bind "
            "EMAIL FPR)");
  auto fallback = ActionOf({}, "list");
  ASSERT_TRUE(fallback) << fallback.error().message;
  EXPECT_EQ(fallback->name, "list");
}

TEST(CliCommonTest, TakeActionRefusesOtherFormsWithTheUsage) {
  const std::string usage =
      "usage: cybertroc keys import FILE | keys list | keys bind EMAIL FPR";
  // An unknown action, a wrong number of arguments, and an action given
  // as "" (which is not a missing one, even with a fallback).
  for (const auto& [args, fallback] :
       std::vector<std::pair<Args, std::string>>{{{"sign"}, ""},
                                                 {{"import"}, ""},
                                                 {{"list", "x"}, ""},
                                                 {{"bind", "a"}, ""},
                                                 {{""}, ""},
                                                 {{""}, "list"}}) {
    auto action = ActionOf(args, fallback);
    ASSERT_FALSE(action) << ::testing::PrintToString(args);
    EXPECT_EQ(action.error().kind, ErrorKind::kUsage);
    EXPECT_EQ(action.error().message, usage);
  }
}

// What `body` writes to std::cout.
template <typename F>
std::string Printed(F body) {
  std::ostringstream out;
  std::streambuf* saved = std::cout.rdbuf(out.rdbuf());
  body();
  std::cout.rdbuf(saved);
  return out.str();
}

TEST(CliCommonTest, PrintRowsPrintsLinesOrOneJsonArray) {
  const std::vector<std::string> rows = {"a", "b"};
  auto to_json = [](const std::string& row) {
    return util::Json::Object().Set("name", row);
  };
  auto to_text = [](const std::string& row) { return "row " + row; };
  EXPECT_EQ(Printed([&] { PrintRows(false, rows, to_json, to_text, "none"); }),
            "row a\nrow b\n");
  EXPECT_EQ(
      Printed([&] { PrintRows(true, rows, to_json, to_text, "none"); }),
      util::Json::Array().Push(to_json("a")).Push(to_json("b")).Dump() + "\n");
  const std::vector<std::string> empty;
  EXPECT_EQ(Printed([&] { PrintRows(false, empty, to_json, to_text, "none"); }),
            "none\n");
  EXPECT_EQ(Printed([&] { PrintRows(false, empty, to_json, to_text); }), "");
  EXPECT_EQ(Printed([&] { PrintRows(true, empty, to_json, to_text, "none"); }),
            "[]\n");
}

TEST(CliCommonTest, PayoutJsonNamesItsDealOnlyWhenAsked) {
  store::PayoutRecord p;
  p.id = 7;
  p.deal_id = "CT-7K3QX9A2";
  p.created = *core::ParseIsoTime("2027-01-31T12:00:00Z");
  p.payee_role = "seller";
  p.payee_email = "alice@example.test";
  p.amount = core::Money::FromMinor(9025);
  p.currency = "EUR";
  p.reason = "completed";
  const std::string tail =
      "  \"payee\": \"seller\",\n"
      "  \"email\": \"alice@example.test\",\n"
      "  \"amount\": \"90.25\",\n"
      "  \"currency\": \"EUR\",\n"
      "  \"reason\": \"completed\",\n"
      "  \"status\": \"pending\",\n"
      "  \"done_ref\": \"\",\n"
      "  \"done_at\": null\n"
      "}";
  EXPECT_EQ(PayoutJson(p, /*with_deal=*/false).Dump(),
            "{\n  \"id\": 7,\n" + tail);
  EXPECT_EQ(PayoutJson(p, /*with_deal=*/true).Dump(),
            "{\n  \"id\": 7,\n  \"deal\": \"CT-7K3QX9A2\",\n"
            "  \"created\": \"2027-01-31T12:00:00Z\",\n" +
                tail);
  p.done_at = *core::ParseIsoTime("2027-02-01T08:30:00Z");
  EXPECT_EQ(TimeOrNull(p.done_at).Dump(), "\"2027-02-01T08:30:00Z\"");
}

TEST(CliCommonTest, EmptyTextsAndTimesAreNull) {
  EXPECT_TRUE(TextOrNull("").IsNull());
  EXPECT_EQ(TextOrNull("x").Dump(), "\"x\"");
  EXPECT_TRUE(TimeOrNull(std::nullopt).IsNull());
}

}  // namespace
}  // namespace ct::cli
