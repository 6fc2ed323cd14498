#include "corpus_expect.h"

#include <gtest/gtest.h>

#include <set>

#include "corpus_toml.h"

namespace corpus {

namespace {

std::string WithDeal(const std::string& text) {
  return ReplaceAll(text, "{{DEAL}}", D());
}

std::vector<std::string> WithDeal(std::vector<std::string> texts) {
  for (auto& t : texts) t = WithDeal(t);
  return texts;
}

// "alice:unsigned" -> "alice@example.test:unsigned".
std::vector<std::string> Replies(const std::vector<std::string>& short_form) {
  std::vector<std::string> out;
  for (const auto& r : short_form) {
    const size_t colon = r.find(':');
    out.push_back(colon == std::string::npos
                      ? r
                      : Address(r.substr(0, colon)) + r.substr(colon));
  }
  return out;
}

void LoadDeal(const Fields& f, Expect& want, std::string& error) {
  const std::string deal = f.Str("deal", "unchanged");
  if (deal == "one_event") {
    want.deal = DealCheck::kOneEvent;
  } else if (deal == "changed") {
    want.deal = DealCheck::kChanged;
  } else if (deal != "unchanged") {
    f.Fail("deal must be unchanged, one_event or changed");
  }
  if (const toml::table* event = f.Table("event")) {
    const Fields e(*event, "expect.event", error, {"code", "actor"});
    want.event_code = e.Required("code");
    want.event_actor = e.Required("actor");
  } else if (want.deal != DealCheck::kUnchanged) {
    f.Fail("deal = \"" + deal + "\" needs an [event]");
  }
  if (const toml::table* after = f.Table("after")) {
    const Fields a(*after, "expect.after", error,
                   {"state", "held", "deposited"});
    for (const char* key : {"state", "held"})
      if (auto v = a.Optional(key)) want.after[key] = *v;
    if (const toml::table* deposited = a.Table("deposited"))
      for (const auto& [role, amount] : *deposited)
        want.deposited[std::string(role.str())] =
            amount.value_or(std::string("?"));
    if (want.deal != DealCheck::kChanged)
      f.Fail("[after] goes with deal = \"changed\"");
  }
}

void LoadStatus(const Fields& f, Expect& want, std::string& error) {
  if (f.Has("status") == f.Has("either")) f.Fail("give status or either");
  if (f.Has("status"))
    want.either.push_back({f.Str("status"), f.Str("outcome")});
  for (const toml::table* t : f.Tables("either")) {
    const Fields one(*t, "expect.either", error, {"status", "outcome"});
    want.either.push_back({one.Required("status"), one.Str("outcome")});
  }
}

}  // namespace

std::optional<Expect> LoadExpect(const std::string& name) {
  const fs::path file = kCorpusDir / name / "expect.toml";
  std::string error;
  auto table = ParseToml(file.string(), error);
  Expect want;
  if (table) {
    const Fields f(
        *table, "expect", error,
        {"status", "outcome", "either", "replies", "replies_to_include",
         "reply_kinds_never", "reply_body_has", "reply_body_lacks",
         "reply_subject_lacks", "refusal_explains", "deal", "event", "after",
         "max_seconds", "stored_under_bytes"});
    LoadStatus(f, want, error);
    if (f.Has("replies")) want.replies = Replies(f.Strings("replies"));
    for (const auto& who : f.Strings("replies_to_include"))
      want.replies_to_include.push_back(Address(who));
    want.reply_kinds_never = f.Strings("reply_kinds_never");
    want.reply_body_has = WithDeal(f.Strings("reply_body_has"));
    want.reply_body_lacks = WithDeal(f.Strings("reply_body_lacks"));
    want.reply_subject_lacks = WithDeal(f.Strings("reply_subject_lacks"));
    want.refusal_explains = f.Bool("refusal_explains", false);
    LoadDeal(f, want, error);
    want.max_seconds = f.Number("max_seconds", 20);
    if (f.Has("stored_under_bytes"))
      want.stored_under_bytes = f.Int("stored_under_bytes", 0);
  }
  if (!error.empty()) {
    ADD_FAILURE() << file.string() << ": " << error;
    return std::nullopt;
  }
  return want;
}

}  // namespace corpus
