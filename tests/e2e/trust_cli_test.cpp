// Issue 11 at the command line, without mail: reputation facts of funded
// deals (a missed deadline counts against the party who had to act), the
// operator's key link, the moderators list, and the refusals of bad input.
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace ct::testing {
namespace {

constexpr char kFprOld[] = "0123456789ABCDEF0123456789ABCDEF01234567";
constexpr char kFprNew[] = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

// A funded sale whose seller never ships: the deadline passes, the deal is
// cancelled, and the seller has missed a deadline; the buyer has not.
TEST_F(CliTest, MissedShipDeadlineCountsAgainstTheSellerOnly) {
  const std::string id = FundedSale();
  const std::string later = "2027-02-08T12:00:00Z";
  ASSERT_EQ(Cli({"tick"}, later).status, 0);

  CliRun seller = Cli({"reputation", "alice@example.test", "--json"}, later);
  ASSERT_EQ(seller.status, 0) << seller.err;
  EXPECT_EQ(First(seller.out, R"re("funded": (\d+))re"), "1");
  EXPECT_EQ(First(seller.out, R"re("defaults": (\d+))re"), "1");
  EXPECT_EQ(First(seller.out, R"re("since": "([^"]*)")re"), "2027-01");
  EXPECT_EQ(First(seller.out, R"re("line": "([^"]*)")re"),
            "alice@example.test: 0 deals completed, 0 returned, 0 disputes, "
            "1 deadline missed; 0 +, 0 \u2212; since 2027-01");
  CliRun buyer = Cli({"--json", "reputation", "bob@example.test"}, later);
  EXPECT_EQ(First(buyer.out, R"re("funded": (\d+))re"), "1");
  EXPECT_EQ(First(buyer.out, R"re("defaults": (\d+))re"), "0");

  // An offer never funded counts for nobody.
  OpenSale("carol@example.test");
  CliRun carol = Cli({"reputation", "carol@example.test"}, later);
  ASSERT_EQ(carol.status, 0) << carol.err;
  EXPECT_EQ(carol.out.substr(0, carol.out.find('\n')),
            "carol@example.test: no funded deal yet");
}

TEST_F(CliTest, ReputationLinkAndBadInput) {
  CliRun link = Cli({"reputation", "link", kFprOld, kFprNew});
  ASSERT_EQ(link.status, 0) << link.err;
  CliRun json = Cli({"--json", "reputation", kFprNew});
  ASSERT_EQ(json.status, 0) << json.err;
  // "who", then the keys counted: the new one and the old one linked in.
  EXPECT_EQ(All(json.out, R"re("([0-9A-F]{40})")re"),
            (std::vector<std::string>{kFprNew, kFprNew, kFprOld}));
  // The reverse link would count a key twice.
  EXPECT_EQ(Cli({"reputation", "link", kFprNew, kFprOld}).status, 2);
  EXPECT_EQ(Cli({"reputation", "not-an-address"}).status, 2);
  EXPECT_EQ(Cli({"reputation"}).status, 2);
}

TEST_F(CliTest, ModeratorsNeedAnImportedKeyThatCarriesTheAddress) {
  CliRun add = Cli({"moderators", "add", "mod@example.test", kFprOld});
  EXPECT_EQ(add.status, 2) << add.out;
  EXPECT_NE(add.err.find("keys import it first"), std::string::npos) << add.err;
  EXPECT_EQ(
      Cli({"moderators", "add", "mod@example.test", kFprOld, "--fee", "150%"})
          .status,
      2);
  CliRun list = Cli({"moderators", "list"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(list.out, "no moderator yet\n");
  EXPECT_EQ(Cli({"moderators", "remove", "mod@example.test"}).status, 2);
}

}  // namespace
}  // namespace ct::testing
