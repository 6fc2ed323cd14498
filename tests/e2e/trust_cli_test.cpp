// Trust at the command line, without mail: reputation facts of funded
// deals (a missed deadline counts against the party who had to act), the
// operator's key link, the moderators list, and the refusals of bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

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
  // A bare number would read as a fixed amount elsewhere.
  CliRun bare =
      Cli({"moderators", "add", "mod@example.test", kFprOld, "--fee", "1.50"});
  EXPECT_EQ(bare.status, 2);
  EXPECT_NE(bare.err.find("a fixed amount is not possible"), std::string::npos)
      << bare.err;
  EXPECT_EQ(
      Cli({"moderators", "add", "mod@example.test", kFprOld, "--fee", "150%"})
          .status,
      2);
  CliRun list = Cli({"moderators", "list"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(list.out, "no moderator yet\n");
  EXPECT_EQ(Cli({"moderators", "remove", "mod@example.test"}).status, 2);
}

// `open` takes every term an offer by mail may carry: a moderator
// from the operator's list (fee from the list), a referrer, and a digital
// delivery with its digest; each is checked as the mail path checks it.
TEST_F(CliTest, OpenTakesTheTrustTermsOfAnOffer) {
  const std::vector<std::string> sale = {"open",     "sale",
                                         "--seller", "alice@example.test",
                                         "--buyer",  "bob@example.test",
                                         "--item",   "Kind of Blue",
                                         "--price",  "25.00"};
  auto open = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = sale;
    args.insert(args.begin(), "--json");
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  };
  CliRun unlisted = open({"--moderator", "mod@example.test"});
  EXPECT_EQ(unlisted.status, 2);
  EXPECT_NE(unlisted.err.find("is not one of the operator's moderators"),
            std::string::npos)
      << unlisted.err;
  CliRun party = open({"--referrer", "bob@example.test"});
  EXPECT_EQ(party.status, 2);
  EXPECT_NE(party.err.find("referrer: bob@example.test is the buyer"),
            std::string::npos)
      << party.err;
  CliRun no_digest = open({"--delivery", "digital"});
  EXPECT_EQ(no_digest.status, 2);
  EXPECT_NE(no_digest.err.find("digital needs sha256"), std::string::npos)
      << no_digest.err;

  // A moderator's key, made here (a throwaway home), imported and listed.
  const fs::path home = dir_ / "mod-gpg";
  fs::create_directories(home);
  fs::permissions(home, fs::perms::owner_all);
  const std::string gpg = "gpg --homedir " + Quote(home.string()) +
                          " --batch --quiet --pinentry-mode loopback "
                          "--passphrase ''";
  ASSERT_EQ(std::system((gpg + " --quick-gen-key 'Mod <mod@example.test>' "
                               "ed25519 sign never 2>/dev/null")
                            .c_str()),
            0);
  ASSERT_EQ(std::system((gpg + " --armor --export mod@example.test > " +
                         Quote((dir_ / "mod.asc").string()))
                            .c_str()),
            0);
  std::system(
      ("gpgconf --homedir " + Quote(home.string()) + " --kill all 2>/dev/null")
          .c_str());
  CliRun imported = Cli({"keys", "import", (dir_ / "mod.asc").string()});
  ASSERT_EQ(imported.status, 0) << imported.err;
  const std::string fpr = First(imported.out, "imported ([0-9A-F]{40})");
  ASSERT_FALSE(fpr.empty());
  CliRun add =
      Cli({"moderators", "add", "mod@example.test", fpr, "--fee", "4%"});
  ASSERT_EQ(add.status, 0) << add.err;

  const std::string digest(64, 'c');
  CliRun opened =
      open({"--moderator", "MOD@example.test", "--referrer", "ref@example.test",
            "--delivery", "digital", "--sha256", digest});
  ASSERT_EQ(opened.status, 0) << opened.err;
  const std::string id = First(opened.out, R"re("id": "([^"]+)")re");
  const std::string shown = Cli({"--json", "show", id}).out;
  // 4% of the price is 1.00, but the fee comes from the commission
  // (moderation.fee_from): at most its 0.50.
  EXPECT_EQ(
      First(shown, R"re("email": "mod@example.test",\s*"fee": "([^"]*)")re"),
      "0.50")
      << shown;
  EXPECT_NE(shown.find("\"email\": \"ref@example.test\""), std::string::npos);
  EXPECT_NE(shown.find("\"sha256\": \"" + digest + "\""), std::string::npos);
}

// Found by an outside probe: `moderators add` took the escrow's and the
// operator's addresses, which offers then refused to name. The one rule
// (core::OutsideAddress) refuses them however spelt, on every command that
// takes such an address. Keys carrying both addresses are imported first:
// without the rule, the adds would pass.
TEST_F(CliTest, TheEscrowAndTheOperatorAreNeitherModeratorsNorParties) {
  const fs::path home = dir_ / "own-gpg";
  fs::create_directories(home);
  fs::permissions(home, fs::perms::owner_all);
  const std::string gpg = "gpg --homedir " + Quote(home.string()) +
                          " --batch --quiet --pinentry-mode loopback "
                          "--passphrase ''";
  std::map<std::string, std::string> fpr;
  for (const std::string address :
       {"escrow@example.org", "operator@example.test"}) {
    const fs::path file = dir_ / (address + ".asc");
    ASSERT_EQ(std::system((gpg + " --quick-gen-key 'Own <" + address +
                           ">' ed25519 sign never 2>/dev/null && " + gpg +
                           " --armor --export " + address + " > " +
                           Quote(file.string()))
                              .c_str()),
              0);
    CliRun imported = Cli({"keys", "import", file.string()});
    ASSERT_EQ(imported.status, 0) << imported.err;
    fpr[address] = First(imported.out, "imported ([0-9A-F]{40})");
    ASSERT_FALSE(fpr[address].empty()) << imported.out;
  }
  std::system(
      ("gpgconf --homedir " + Quote(home.string()) + " --kill all 2>/dev/null")
          .c_str());

  const std::string escrow =
      "is the escrow's own address (outbox.from) and cannot be a moderator";
  const std::string op =
      "is the operator's address (outbox.operator) and cannot be a moderator";
  const std::pair<std::string, std::string> kAdds[] = {
      {"escrow@example.org", escrow},     {"Escrow@Example.ORG.", escrow},
      {"\"escrow\"@example.org", escrow}, {"escrow+mod@example.org", escrow},
      {"operator@example.test", op},      {"OPERATOR@example.test.", op},
      {"\"operator\"@Example.test", op},
  };
  for (const auto& [spelt, why] : kAdds) {
    const std::string& key = why == escrow ? fpr["escrow@example.org"]
                                           : fpr["operator@example.test"];
    CliRun add = Cli({"moderators", "add", spelt, key});
    EXPECT_EQ(add.status, 2) << spelt << ": " << add.out;
    EXPECT_NE(add.err.find("cybertroc: moderators add: "), std::string::npos)
        << add.err;
    EXPECT_NE(add.err.find(why), std::string::npos) << spelt << ": " << add.err;
  }
  CliRun literal = Cli(
      {"moderators", "add", "escrow@[127.0.0.1]", fpr["escrow@example.org"]});
  EXPECT_EQ(literal.status, 2);
  EXPECT_NE(literal.err.find("address literals ('[127.0.0.1]')"),
            std::string::npos)
      << literal.err;
  EXPECT_EQ(Cli({"moderators", "list"}).out, "no moderator yet\n");

  // `open`: the same rule for the parties, the referrer and the moderator.
  const std::vector<std::string> sale = {
      "open",   "sale", "--seller", "alice@example.test",
      "--item", "CD",   "--price",  "5"};
  auto open = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = sale;
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  };
  const std::pair<std::vector<std::string>, std::string> kOpens[] = {
      {{"--buyer", "escrow@example.org."},
       "cybertroc: --buyer: escrow@example.org is the escrow's own address "
       "(outbox.from) and cannot be a party of a deal\n"},
      {{"--buyer", "\"ESCROW\"@example.org"},
       "cybertroc: --buyer: escrow@example.org is the escrow's own address "
       "(outbox.from) and cannot be a party of a deal\n"},
      {{"--buyer", "escrow@[127.0.0.1]"},
       "cybertroc: --buyer: 'escrow@[127.0.0.1]' is not an e-mail address: "
       "address literals ('[127.0.0.1]') are not supported\n"},
      {{"--buyer", "bob@example.test", "--referrer", "Operator@example.test."},
       "cybertroc: --referrer: operator@example.test is the operator's "
       "address (outbox.operator) and cannot be a referrer\n"},
      {{"--buyer", "bob@example.test", "--moderator", "escrow@example.org."},
       "cybertroc: --moderator: escrow@example.org is the escrow's own "
       "address (outbox.from) and cannot be a moderator\n"},
  };
  for (const auto& [extra, err] : kOpens) {
    CliRun opened = open(extra);
    EXPECT_EQ(opened.status, 2) << extra.back();
    EXPECT_EQ(opened.err, err);
  }
  EXPECT_EQ(ParseJson(Cli({"--json", "list"}).out), Json::array());
  // Any spelling of a party is stored canonical.
  CliRun spelt = open({"--buyer", "\"Bob\"@Example.test."});
  ASSERT_EQ(spelt.status, 0) << spelt.err;
  CliRun listed = Cli({"--json", "list", "--party", "bob@example.test"});
  EXPECT_EQ(ParseJson(listed.out).size(), 1u) << listed.out;
}

}  // namespace
}  // namespace ct::testing
