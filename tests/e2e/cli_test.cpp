// The built binary end to end: a temp dir with its own config and database,
// the clock pinned with CYBERTROC_NOW, the source tree's rules and templates.
// `check` and the refusal of operator mistakes: cli_check_test.cpp.
#include <algorithm>
#include <cctype>

#include "cli_fixture.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

TEST_F(CliTest, OpenDepositShowAsInTheSpec) {
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  CliRun seller = Cli({"deposit", id, "seller", "30.25"});
  ASSERT_EQ(seller.status, 0) << seller.err;
  CliRun buyer = Cli({"deposit", id, "buyer", "60.25"});
  ASSERT_EQ(buyer.status, 0) << buyer.err;

  CliRun show = Cli({"--json", "show", id});
  ASSERT_EQ(show.status, 0) << show.err;
  const Json deal = ParseJson(show.out);
  ASSERT_TRUE(deal.is_object()) << show.out;
  EXPECT_EQ(deal.value("id", ""), id);
  EXPECT_EQ(deal.value("case", ""), "sale");
  EXPECT_EQ(deal.value("state", ""), "funded");
  EXPECT_EQ(deal.value("held", ""), "90.00");
  EXPECT_EQ(deal.value("deadline", ""), "2027-02-07T12:00:00Z");
  EXPECT_EQ(JsonFields(deal.at("parties"), "role"),
            (std::vector<std::string>{"seller", "buyer"}));
  EXPECT_TRUE(std::ranges::any_of(deal.at("parties"), [](const Json& party) {
    return party.contains("fingerprint") && party["fingerprint"].is_null();
  })) << show.out;
  EXPECT_EQ(JsonFields(deal.at("events"), "code"),
            (std::vector<std::string>{"10", "11", "21", "21"}));
  EXPECT_EQ(deal.at("payouts"), Json::array());

  CliRun human = Cli({"show", id});
  ASSERT_EQ(human.status, 0) << human.err;
  std::istringstream lines(human.out);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(Columns(line), 80u) << line;
  }
  EXPECT_NE(human.out.find("alice@example.test"), std::string::npos);
  EXPECT_NE(human.out.find("funded"), std::string::npos);
}

TEST_F(CliTest, ExitCodes) {
  CliRun unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_TRUE(unknown.err.starts_with("cybertroc: ")) << unknown.err;
  EXPECT_EQ(Cli({"--bogus", "list"}).status, 2);
  EXPECT_EQ(Cli({"list", "--bogus"}).status, 2);
  EXPECT_EQ(Cli({"show", "CT-00000000"}).status, 2);
  EXPECT_EQ(Cli({"show", "not-an-id"}).status, 2);
  EXPECT_EQ(
      Cli({"--config", (dir_ / "missing.conf").string(), "list"}, kT0, false)
          .status,
      2);
  EXPECT_EQ(Cli({"--help"}).status, 0);
  EXPECT_EQ(Cli({"deposit", "--help"}).status, 0);

  const std::string id = OpenSale();
  EXPECT_EQ(Cli({"deposit", id, "buyer", "12.345"}).status, 2);
  EXPECT_EQ(Cli({"deposit", id, "buyer", "-5"}).status, 2);
  EXPECT_EQ(Cli({"deposit", id, "nobody", "5.00"}).status, 2);
  EXPECT_EQ(Cli({"deposit", id, "buyer"}).status, 2);
  EXPECT_EQ(Cli({"open", "sale", "--seller", "a@example.test", "--buyer",
                 "b@example.test", "--item", "CD"})
                .status,
            2);  // no price
  EXPECT_EQ(Cli({"open", "lease"}).status, 2);

  // Cancelled by the offer's deposit deadline: a closed deal refuses money.
  CliRun tick = Cli({"tick"}, "2027-02-10T12:00:00Z");
  ASSERT_EQ(tick.status, 0) << tick.err;
  CliRun refused =
      Cli({"deposit", id, "buyer", "5.00"}, "2027-02-10T12:00:00Z");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("refused"), std::string::npos) << refused.err;
  CliRun show = Cli({"--json", "show", id}, "2027-02-10T12:00:00Z");
  const Json deal = ParseJson(show.out);
  ASSERT_TRUE(deal.is_object()) << show.out;
  EXPECT_TRUE(std::ranges::any_of(deal.at("events"), [](const Json& event) {
    return event.value("refused", false);
  })) << show.out;
}

// Boost 1.74 fills its error messages by replacing "%placeholder%" until none
// is left: a word that contains the placeholder looped forever (found by the
// config fuzzer). The word is refused with a usage error at once; the
// timeout makes a regression fail within seconds instead of growing the
// message for ever (no `ulimit -v`: AddressSanitizer's shadow memory needs
// the address space).
TEST_F(CliTest, AWordHoldingBoostsPlaceholderIsRefused) {
  extra_env_ = "timeout -s KILL 10 env";
  for (const std::string word :
       {"--x%canonical_option%", "--%option%", "--a=%original_token%"}) {
    CliRun run = Cli({"list", word});
    EXPECT_EQ(run.status, 2) << word << ": " << run.err;
    EXPECT_NE(run.err.find("unrecognised option"), std::string::npos)
        << run.err;
  }
  extra_env_.clear();
}

TEST_F(CliTest, ListFilters) {
  const std::string funded = FundedSale();
  const std::string waiting = OpenSale("carol@example.test");
  CliRun all = Cli({"list"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_NE(all.out.find(funded), std::string::npos);
  EXPECT_NE(all.out.find(waiting), std::string::npos);

  CliRun by_state = Cli({"--json", "list", "--state", "funded"});
  ASSERT_EQ(by_state.status, 0) << by_state.err;
  EXPECT_EQ(JsonFields(ParseJson(by_state.out), "id"),
            std::vector<std::string>{funded});
  EXPECT_TRUE(by_state.out.starts_with("["));

  CliRun by_party = Cli({"--json", "list", "--party", "carol@example.test"});
  EXPECT_EQ(JsonFields(ParseJson(by_party.out), "id"),
            std::vector<std::string>{waiting});

  EXPECT_EQ(Cli({"list", "--state", "nonsense"}).status, 2);
  EXPECT_EQ(ParseJson(Cli({"--json", "list", "--overdue"}).out), Json::array());
  CliRun overdue = Cli({"--json", "list", "--overdue"}, "2027-02-08T00:00:00Z");
  EXPECT_EQ(JsonFields(ParseJson(overdue.out), "id").size(), 2u);
}

// Paging: --limit N deals per page, --after the last id of the previous
// page; stdout keeps one line (one array element) per deal and stderr says
// where the next page starts.
TEST_F(CliTest, ListPages) {
  std::vector<std::string> opened;
  for (int i = 0; i < 5; ++i) {
    opened.push_back(OpenSale("buyer" + std::to_string(i) + "@example.test"));
  }
  const std::string id_re = "(CT-[0-9A-Z]{8})";
  CliRun all = Cli({"list", "--limit", "0"});
  ASSERT_EQ(all.status, 0) << all.err;
  const std::vector<std::string> order = All(all.out, id_re);
  ASSERT_EQ(order.size(), 5u);
  // Opened in the same second: the id orders them.
  std::sort(opened.begin(), opened.end());
  EXPECT_EQ(order, opened);
  EXPECT_EQ(Cli({"list"}).out, all.out);  // the default page holds 100
  EXPECT_EQ(all.err, "");

  CliRun first = Cli({"list", "--limit", "2"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(All(first.out, id_re),
            (std::vector<std::string>{order[0], order[1]}));
  EXPECT_EQ(first.err,
            "list: 2 shown, more follow: --after " + order[1] + "\n");
  CliRun second = Cli({"list", "--limit", "2", "--after", order[1]});
  EXPECT_EQ(All(second.out, id_re),
            (std::vector<std::string>{order[2], order[3]}));
  EXPECT_NE(second.err.find("--after " + order[3]), std::string::npos);
  // The id as a person may type it: in lower case.
  std::string typed = order[3];
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  CliRun last = Cli({"--json", "list", "--limit", "2", "--after", typed});
  ASSERT_EQ(last.status, 0) << last.err;
  EXPECT_TRUE(last.out.starts_with("[")) << last.out;
  EXPECT_EQ(JsonFields(ParseJson(last.out), "id"),
            std::vector<std::string>{order[4]});
  EXPECT_EQ(last.err, "");  // a short page is the last one
  EXPECT_EQ(ParseJson(Cli({"--json", "list", "--after", order[4]}).out),
            Json::array());

  // Filters combine with paging: alice sells all five.
  CliRun party =
      Cli({"--json", "list", "--party", "ALICE@example.test", "--state",
           "awaiting_deposits", "--limit", "4", "--after", order[0]});
  EXPECT_EQ(JsonFields(ParseJson(party.out), "id"),
            (std::vector<std::string>{order[1], order[2], order[3], order[4]}));
  EXPECT_EQ(party.err, "");  // exactly 4: nothing more follows

  EXPECT_EQ(Cli({"list", "--after", "CT-00000000"}).status, 2);  // unknown
  EXPECT_EQ(Cli({"list", "--after", "nonsense"}).status, 2);
  EXPECT_EQ(Cli({"list", "--limit", "-1"}).status, 2);
  EXPECT_EQ(Cli({"list", "--limit", "ten"}).status, 2);
}

TEST_F(CliTest, TickCancelsAnUnshippedSaleAndPaysBack) {
  const std::string id = FundedSale();
  // One day before the ship deadline: one reminder, exactly once.
  CliRun remind = Cli({"--json", "tick"}, "2027-02-06T13:00:00Z");
  ASSERT_EQ(remind.status, 0) << remind.err;
  EXPECT_EQ(JsonInt(remind.out, "reminders"), 1) << remind.out;
  CliRun again = Cli({"--json", "tick"}, "2027-02-06T13:00:00Z");
  EXPECT_EQ(JsonInt(again.out, "reminders"), 0) << again.out;

  const std::string later = "2027-02-08T12:00:00Z";
  CliRun fire = Cli({"--json", "tick"}, later);
  ASSERT_EQ(fire.status, 0) << fire.err;
  EXPECT_EQ(JsonInt(fire.out, "timeouts"), 1) << fire.out;
  EXPECT_EQ(JsonInt(Cli({"--json", "tick"}, later).out, "timeouts"), 0);

  CliRun show = Cli({"--json", "show", id}, later);
  EXPECT_EQ(JsonString(show.out, "state"), "cancelled");
  EXPECT_EQ(JsonString(show.out, "held"), "0.00");

  // Deposits minus the commission taken at funding (0.25 each).
  CliRun pending = Cli({"--json", "payouts", "--pending"}, later);
  ASSERT_EQ(pending.status, 0) << pending.err;
  const Json payouts = ParseJson(pending.out);
  auto amounts = JsonFields(payouts, "amount");
  std::sort(amounts.begin(), amounts.end());
  EXPECT_EQ(amounts, (std::vector<std::string>{"30.00", "60.00"}));
  const auto ids = JsonFields(payouts, "id");
  ASSERT_EQ(ids.size(), 2u);

  CliRun csv = Cli({"payouts", "--csv"}, later);
  ASSERT_EQ(csv.status, 0);
  EXPECT_TRUE(csv.out.starts_with("id,deal,created,payee,email,amount,"))
      << csv.out;
  EXPECT_EQ(All(csv.out, "(" + id + ")").size(), 2u);

  EXPECT_EQ(Cli({"payout-done", ids[0]}, later).status, 2);  // no --ref
  for (const auto& p : ids) {
    CliRun done = Cli({"payout-done", p, "--ref", "SEPA-" + p}, later);
    EXPECT_EQ(done.status, 0) << done.err;
  }
  EXPECT_EQ(Cli({"payout-done", ids[0], "--ref", "again"}, later).status, 1);
  EXPECT_EQ(Cli({"payout-done", "999", "--ref", "x"}, later).status, 2);
  EXPECT_EQ(ParseJson(Cli({"--json", "payouts", "--pending"}, later).out),
            Json::array());
  EXPECT_NE(Cli({"payouts"}, later).out.find("SEPA-"), std::string::npos);
}

TEST_F(CliTest, ResolveOnlyWhenDisputedOrExpired) {
  const std::string id = FundedSale();
  CliRun refused = Cli({"resolve", id, "seller=30.00", "buyer=60.00"});
  EXPECT_EQ(refused.status, 1) << refused.err;
  EXPECT_EQ(Cli({"resolve", id, "nobody=90.00"}).status, 2);
  EXPECT_EQ(Cli({"resolve", id, "seller30"}).status, 2);
  EXPECT_EQ(Cli({"resolve", id}).status, 2);
}

TEST_F(CliTest, OpenExchange) {
  CliRun open = Cli({"open", "exchange", "--a", "ann@example.test", "--b",
                     "ben@example.test", "--give", "Kind of Blue (CD)",
                     "--take", "A Love Supreme (CD)", "--value", "20,00",
                     "--delivery", "hand", "--lang", "fr"});
  ASSERT_EQ(open.status, 0) << open.err;
  const std::string id = First(open.out, "(CT-[0-9A-Z]{8})");
  ASSERT_FALSE(id.empty()) << open.out;
  CliRun show = Cli({"--json", "show", id});
  EXPECT_EQ(JsonString(show.out, "case"), "exchange");
  EXPECT_EQ(JsonString(show.out, "state"), "awaiting_deposits");
  EXPECT_EQ(JsonString(show.out, "delivery"), "hand");
}

}  // namespace
