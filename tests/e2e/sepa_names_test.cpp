// Names of any script in the SEPA file. Regression: one party whose name
// was Cyrillic ("Дмитрий Иванов") reduced to nothing in the SEPA character
// set, and from then on `payouts --sepa` wrote no file at all ("transfer
// CT-PAYOUT-1 has no name", exit 2); a pay_to_name such as "Δ株" passed
// `check` and blocked every file the same way. Now names are transliterated
// into Latin letters, a name that keeps nothing readable gives way to the
// address, a payout that cannot be written at all is left out and named
// while the others are written, and `check` refuses exactly the
// pay_to_name the file cannot write. The binary runs as the operator would
// (CliTest); the file is checked with xmllint.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_fixture.h"

namespace ct::testing {
namespace {

constexpr char kT1[] = "2027-02-08T12:00:00Z";  // the sales' deadline passed

class SepaNamesTest : public CliTest {
 protected:
  void Money(const std::string& pay_to_name) {
    std::ofstream(dir_ / "ct.conf", std::ios::app)
        << "[money]\npay_to_iban = FR76 3000 6000 0112 3456 7890 189\n"
        << "pay_to_bic = AGRIFRPP\npay_to_name = " << pay_to_name << "\n";
  }

  void SetPayToName(const std::string& pay_to_name) {
    std::string conf = ReadAll(dir_ / "ct.conf");
    const size_t at = conf.find("pay_to_name = ");
    ASSERT_NE(at, std::string::npos);
    conf.replace(at, conf.find('\n', at) - at, "pay_to_name = " + pay_to_name);
    std::ofstream(dir_ / "ct.conf", std::ios::trunc) << conf;
  }

  // EMAIL's payout account, held by NAME, as a CT 03 mail signed by its
  // bound key would have registered it (and did, for a name that keeps
  // nothing readable, before such names were refused).
  void Account(const std::string& email, const std::string& name) {
    const fs::path sql = dir_ / "account.sql";
    std::ofstream(sql, std::ios::trunc)
        << "INSERT INTO bindings VALUES ('" << email
        << "', 'F', 0, 'test');\n"
           "INSERT INTO payout_accounts (email, fingerprint, iban, bic, "
           "name, requested, effective, status, message_ref) VALUES ('"
        << email << "', 'F', 'DE89370400440532013000', '', '" << name
        << "', 0, 0, 'active', 'test');\n";
    ASSERT_EQ(
        std::system(("sqlite3 " + Quote((dir_ / "db" / "ct.db").string()) +
                     " < " + Quote(sql.string()))
                        .c_str()),
        0);
  }

  // A sale between alice and BUYER, both deposits in: once the deadline
  // passes (kT1), it is cancelled and both are paid back.
  void FundSale(const std::string& buyer) {
    const std::string id = OpenSale(buyer);
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(Cli({"deposit", id, "seller", "30.25"}).status, 0);
    ASSERT_EQ(Cli({"deposit", id, "buyer", "60.25"}).status, 0);
  }

  // The file in dir_, and xmllint's answer to XPath `expr` over it.
  std::string XPath(const std::string& xml, const std::string& expr) {
    const fs::path file = dir_ / "batch.xml";
    std::ofstream(file, std::ios::trunc) << xml;
    const std::string command =
        "xmllint --xpath \"" + expr + "\" " + Quote(file.string());
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    char buf[4096];
    for (size_t n; pipe && (n = fread(buf, 1, sizeof buf, pipe)) > 0;)
      out.append(buf, n);
    if (pipe) pclose(pipe);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  static int WellFormed(const std::string& xml, const fs::path& file) {
    std::ofstream(file, std::ios::trunc) << xml;
    return std::system(("xmllint --noout " + Quote(file.string())).c_str());
  }
};

std::string Names(const std::string& name) {
  return "count(//*[local-name()='Cdtr']/*[local-name()='Nm'][.='" + name +
         "'])";
}

TEST_F(SepaNamesTest, EveryPayeeThatCanBeWrittenIsPaid) {
  Money("Δ株");
  FundSale("bob@example.test");
  FundSale("carol@example.test");
  FundSale("🙂@🙂.🙂");  // an address with nothing readable either
  Account("alice@example.test", "Alice Martin");
  Account("bob@example.test", "Дмитрий Иванов");
  Account("carol@example.test", "🙂🎉");
  Account("🙂@🙂.🙂", "🙂");
  ASSERT_EQ(Cli({"tick"}, kT1).status, 0);

  CliRun sepa = Cli({"payouts", "--sepa"}, kT1);
  ASSERT_EQ(sepa.status, 0) << sepa.err;
  ASSERT_EQ(WellFormed(sepa.out, dir_ / "check.xml"), 0) << sepa.out;
  EXPECT_TRUE(std::all_of(sepa.out.begin(), sepa.out.end(),
                          [](char c) { return (c & 0x80) == 0; }))
      << "every name in the SEPA set\n"
      << sepa.out;
  // Alice three times, bob, and carol under her address.
  EXPECT_EQ(XPath(sepa.out,
                  "string(//*[local-name()='GrpHdr']/"
                  "*[local-name()='NbOfTxs'])"),
            "5");
  EXPECT_EQ(XPath(sepa.out, Names("Alice Martin")), "3");
  EXPECT_EQ(XPath(sepa.out, Names("Dmitrij Ivanov")), "1");
  EXPECT_EQ(XPath(sepa.out, Names("carol example.test")), "1");
  EXPECT_EQ(XPath(sepa.out,
                  "string(//*[local-name()='InitgPty']/"
                  "*[local-name()='Nm'])"),
            "D zhu");
  EXPECT_NE(
      sepa.err.find("the account holder's name '🙂🎉' keeps no letter "
                    "or digit in a SEPA transfer; the file names "
                    "carol@example.test instead"),
      std::string::npos)
      << sepa.err;
  const std::string left_out =
      First(sepa.err,
            "left out: payout (\\d+) \\(CT-[0-9A-Z]{8}, buyer "
            "60.00 EUR\\): neither the account holder's name "
            "'🙂' nor the address keeps a letter or digit");
  ASSERT_FALSE(left_out.empty()) << sepa.err;
  EXPECT_NE(sepa.err.find("pay by hand and `payout-done " + left_out),
            std::string::npos)
      << sepa.err;
  EXPECT_NE(sepa.err.find("5 transfers written"), std::string::npos);
  // Still pending, for the operator to pay by hand.
  EXPECT_NE(Cli({"--json", "payouts", "--pending"}, kT1)
                .out.find("\"id\": " + left_out + ","),
            std::string::npos);
}

// `check` and `payouts --sepa` ask the same question of pay_to_name: what
// one refuses, the other cannot write, and what one accepts, the other
// writes transliterated.
TEST_F(SepaNamesTest, CheckRefusesExactlyThePayToNameTheFileCannotWrite) {
  Money("🙂🎉");
  FundSale("bob@example.test");
  Account("alice@example.test", "Alice Martin");
  ASSERT_EQ(Cli({"tick"}, kT1).status, 0);
  const std::string why =
      "money.pay_to_name: nothing of '🙂🎉' can be written in a SEPA "
      "transfer: no letter or digit is left once it is written in Latin "
      "letters";
  CliRun check = Cli({"check"}, kT1);
  EXPECT_EQ(check.status, 2);  // a configuration mistake
  EXPECT_NE(check.out.find("money: FAILED: " + why), std::string::npos)
      << check.out;
  CliRun sepa = Cli({"payouts", "--sepa"}, kT1);
  EXPECT_EQ(sepa.status, 2) << sepa.err;
  EXPECT_EQ(sepa.out, "");
  EXPECT_NE(sepa.err.find("payouts --sepa: " + why), std::string::npos)
      << sepa.err;

  ASSERT_NO_FATAL_FAILURE(SetPayToName("Δ株"));
  check = Cli({"check"}, kT1);
  EXPECT_NE(check.out.find("money: ok (pay to FR76 3000 6000 0112 3456 7890 "
                           "189, Δ株 (in SEPA files: D zhu), BIC AGRIFRPP)"),
            std::string::npos)
      << check.out;
  sepa = Cli({"payouts", "--sepa"}, kT1);
  ASSERT_EQ(sepa.status, 0) << sepa.err;
  ASSERT_EQ(WellFormed(sepa.out, dir_ / "check.xml"), 0) << sepa.out;
  EXPECT_EQ(XPath(sepa.out,
                  "string(//*[local-name()='Dbtr']/"
                  "*[local-name()='Nm'])"),
            "D zhu");
}

}  // namespace
}  // namespace ct::testing
