// The operator's money loop at the command line: `deposits
// import` records a statement's credits as deposits, each line once, and
// leaves what it cannot match; its debits that name a payout mark that
// payout done; bad statements are refused whole; `payouts
// --sepa` and `payouts` show where each payout goes; `check` validates the
// operator's account. The binary runs as the operator would (CliTest).
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace ct::testing {
namespace {

constexpr char kMoney[] =
    "[money]\n"
    "pay_to_iban = FR76 3000 6000 0112 3456 7890 189\n"
    "pay_to_bic = AGRIFRPP\n"
    "pay_to_name = CyberTroc Escrow\n";

// A camt.053.001.02 statement of the operator's account with `entries`.
std::string Camt(const std::string& entries, const std::string& ccy = "EUR") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
         "<BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><IBAN>"
         "FR7630006000011234567890189</IBAN></Id><Ccy>" +
         ccy + "</Ccy></Acct>" + entries +
         "</Stmt></BkToCstmrStmt></Document>\n";
}

std::string Credit(const std::string& amount, const std::string& ref,
                   const std::string& text) {
  return "<Ntry><Amt Ccy=\"EUR\">" + amount +
         "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>"
         "2027-01-31</Dt></BookgDt>" +
         (ref.empty() ? "" : "<AcctSvcrRef>" + ref + "</AcctSvcrRef>") +
         "<NtryDtls><TxDtls><RmtInf><Ustrd>" + text +
         "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
}

// A booked debit of `amount` whose transfer carries `end_to_end` (empty:
// none, as banks write NOTPROVIDED) and remittance `text`.
std::string Debit(const std::string& amount, const std::string& ref,
                  const std::string& end_to_end, const std::string& text) {
  return "<Ntry><Amt Ccy=\"EUR\">" + amount +
         "</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>"
         "2027-02-09</Dt></BookgDt><AcctSvcrRef>" +
         ref + "</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>" +
         (end_to_end.empty() ? "NOTPROVIDED" : end_to_end) +
         "</EndToEndId></Refs><RmtInf><Ustrd>" + text +
         "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
}

// A booked DBIT reversal: the bank takes back a credit whose remittance
// text was `text` (empty `ref`: the bank gives none).
std::string Reversal(const std::string& amount, const std::string& ref,
                     const std::string& text) {
  return "<Ntry><Amt Ccy=\"EUR\">" + amount +
         "</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK"
         "</Sts><BookgDt><Dt>2027-02-03</Dt></BookgDt>" +
         (ref.empty() ? "" : "<AcctSvcrRef>" + ref + "</AcctSvcrRef>") +
         "<NtryDtls><TxDtls><RmtInf><Ustrd>" + text +
         "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
}

class BankFilesTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::ofstream(dir_ / "ct.conf", std::ios::app) << kMoney;
  }

  fs::path Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }

  std::string State(const std::string& id) {
    return First(Cli({"--json", "show", id}).out,
                 R"re("state": "([a-z_]+)")re");
  }

  int Deposits(const std::string& id) {
    return static_cast<int>(
        All(Cli({"--json", "show", id}).out, R"re("kind": "(deposit)")re")
            .size());
  }
};

TEST_F(BankFilesTest, StatementFundsTheDealOnceAndLeavesTheRest) {
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  const std::string mangled =
      "virement " + id.substr(0, 2) + " " + id.substr(3) + " buyer";
  const fs::path file =
      Write("statement.xml",
            Camt(Credit("30.25", "BANK-1", id + "-SELLER") +
                 Credit("60.25", "BANK-2", mangled) +
                 Credit("12.00", "BANK-3", "loyer janvier") +
                 Credit("5.00", "BANK-4", id + "-SELLER " + id + "-BUYER") +
                 Credit("7.00", "BANK-5", "CT-ZZZZZZZZ-BUYER") +
                 "<Ntry><Amt Ccy=\"EUR\">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
                 "<Sts>BOOK</Sts></Ntry>"));
  CliRun dry = Cli({"deposits", "import", file.string(), "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("dry run: 2 recorded"), std::string::npos) << dry.out;
  EXPECT_EQ(State(id), "awaiting_deposits");

  CliRun run = Cli({"--json", "deposits", "import", file.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(All(run.out, R"re("outcome": "(recorded)")re").size(), 2u)
      << run.out;
  EXPECT_EQ(All(run.out, R"re("outcome": "(unmatched)")re").size(), 2u);
  EXPECT_EQ(All(run.out, R"re("outcome": "(ambiguous)")re").size(), 1u);
  EXPECT_NE(run.out.find("no deal CT-ZZZZZZZZ"), std::string::npos);
  EXPECT_NE(run.out.find("no payment reference"), std::string::npos);
  EXPECT_EQ(First(run.out, R"re("debits": (\d+))re"), "1");
  EXPECT_EQ(State(id), "funded");
  // Recorded as `deposit ... --ref` would: the bank's reference.
  CliRun show = Cli({"--json", "show", id});
  EXPECT_NE(show.out.find("buyer 60.25 ref=BANK-2"), std::string::npos)
      << show.out;

  // The same statement again: nothing twice.
  CliRun again = Cli({"deposits", "import", file.string()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("0 recorded, 2 already recorded, 2 unmatched, 1 "
                           "ambiguous"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(Deposits(id), 2);
}

TEST_F(BankFilesTest, DepositTypedByHandIsNotRecordedAgain) {
  const std::string id = OpenSale();
  ASSERT_EQ(Cli({"deposit", id, "seller", "30.25", "--ref", "BANK-9"}).status,
            0);
  const fs::path file =
      Write("s.xml", Camt(Credit("30.25", "BANK-9", id + "-SELLER")));
  CliRun run = Cli({"deposits", "import", file.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("already"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ref BANK-9 is in the ledger"), std::string::npos);
  EXPECT_EQ(Deposits(id), 1);
}

TEST_F(BankFilesTest, CsvWithConfiguredColumns) {
  std::ofstream(dir_ / "ct.conf", std::ios::app)
      << "[money.import_csv]\ndelimiter = ;\nskip_lines = 1\namount =\n"
         "credit = Crédit\ntext = Libellé, Détail\nreference = Réf\n"
         "decimal_mark = ,\n";
  const std::string id = OpenSale();
  const fs::path file = Write("s.csv",
                              "Compte;FR76 3000 6000 0112 3456 7890 189\n"
                              "Date;Libellé;Détail;Réf;Débit;Crédit\n"
                              "31/01/2027;VIR ALICE;" +
                                  id +
                                  "-SELLER;R1;;30,25\n"
                                  "31/01/2027;VIR BOB;\"" +
                                  id +
                                  "\nbuyer\";R2;;60,25\n"
                                  "31/01/2027;FRAIS;;R3;-1,50;\n");
  CliRun run = Cli({"deposits", "import", file.string(), "--format", "csv"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("2 recorded"), std::string::npos) << run.out;
  EXPECT_EQ(State(id), "funded");
  CliRun again = Cli({"deposits", "import", file.string()});  // CSV guessed
  EXPECT_NE(again.out.find("0 recorded, 2 already"), std::string::npos)
      << again.out << again.err;
}

// Regression: a statement must never be half taken. A bad line anywhere,
// another currency, a DTD (entity expansion, external files) or a file
// too large: a clear refusal, exit 2, nothing recorded.
TEST_F(BankFilesTest, BadStatementsAreRefusedWhole) {
  const std::string id = OpenSale();
  const std::string good = Credit("30.25", "B1", id + "-SELLER");
  struct Case {
    std::string name, text, why;
  };
  for (const Case& c : {
           Case{"usd.xml", Camt(good, "USD"), "the account is in USD, not EUR"},
           Case{"amount.xml", Camt(good + Credit("6O.25", "B2", id + "-BUYER")),
                "entry 2: bad amount '6O.25'"},
           Case{"laughs.xml",
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">"
                "<!ENTITY b \"&a;&a;&a;&a;\">]>" +
                    Camt(good).substr(39),
                "DOCTYPE"},
           Case{"xxe.xml",
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM "
                "\"file:///etc/passwd\">]><Document>&x;</Document>",
                "DOCTYPE"},
           Case{"broken.xml", Camt(good).substr(0, 200), "not well-formed"},
           Case{"usd.csv",
                "amount,text,currency\n30.25," + id + "-SELLER,USD\n",
                "amount in USD, not EUR"},
       }) {
    SCOPED_TRACE(c.name);
    if (c.name == "usd.csv")
      std::ofstream(dir_ / "ct.conf", std::ios::app)
          << "[money.import_csv]\ncurrency = currency\n";
    CliRun run = Cli({"deposits", "import", Write(c.name, c.text).string()});
    EXPECT_EQ(run.status, 2) << run.out << run.err;
    EXPECT_NE(run.err.find(c.why), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("nothing recorded"), std::string::npos) << run.err;
    EXPECT_EQ(Deposits(id), 0);
  }
  // Over the size limit: refused before it is read.
  {
    std::ofstream big(dir_ / "big.xml", std::ios::binary);
    const std::string chunk(1 << 20, ' ');
    for (int i = 0; i < 33; ++i) big << chunk;
  }
  CliRun big = Cli({"deposits", "import", (dir_ / "big.xml").string()});
  EXPECT_EQ(big.status, 2);
  EXPECT_NE(big.err.find("big.xml"), std::string::npos) << big.err;
  EXPECT_EQ(Deposits(id), 0);
}

// The transfers of a pain.001 file come back as debits on the operator's
// statement, with the EndToEndId the file gave them (CT-PAYOUT-N): importing
// the statement marks those payouts done, so that none stays "pending" after
// the bank paid it, and none is marked done that the bank did not pay as
// asked.
TEST_F(BankFilesTest, StatementDebitsMarkTheirPayoutsDone) {
  const std::string id = FundedSale();
  ASSERT_EQ(Cli({"tick"}, "2027-02-08T12:00:00Z").status, 0);
  const std::string payouts = Cli({"--json", "payouts"}).out;
  const std::string seller = First(
      payouts,
      R"re("id": (\d+),\s*"deal": "[^"]*",\s*"created": "[^"]*",\s*"payee": "seller")re");
  const std::string buyer = First(
      payouts,
      R"re("id": (\d+),\s*"deal": "[^"]*",\s*"created": "[^"]*",\s*"payee": "buyer")re");
  ASSERT_FALSE(seller.empty() || buyer.empty()) << payouts;
  const fs::path file = Write(
      "debits.xml",
      Camt(Debit("30.00", "BANK-D1", "CT-PAYOUT-" + seller, id + " refund") +
           // The bank paid another amount: left for the operator.
           Debit("59.00", "BANK-D2", "", "ct payout " + buyer) +
           Debit("5.00", "BANK-D3", "CT-PAYOUT-999999", "") +
           // The payee's bank sent a transfer back: a credit that reverses
           // it, with the same end-to-end id. Never "paid out".
           "<Ntry><Amt Ccy=\"EUR\">60.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
           "<RvslInd>true</RvslInd><Sts>BOOK</Sts><AcctSvcrRef>BANK-R1"
           "</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>CT-PAYOUT-" +
           buyer + "</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>" +
           Debit("3.00", "BANK-D4", "", "frais de tenue de compte")));
  CliRun dry = Cli({"deposits", "import", file.string(), "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("1 payouts done, 1 other debits ignored"),
            std::string::npos)
      << dry.out;
  // A dry run marks nothing.
  EXPECT_NE(Cli({"--json", "payouts", "--pending"})
                .out.find("\"id\": " + seller + ","),
            std::string::npos);

  CliRun run = Cli({"--json", "deposits", "import", file.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(All(run.out, R"re("outcome": "(paid-out)")re").size(), 1u)
      << run.out;
  EXPECT_EQ(All(run.out, R"re("outcome": "(unmatched)")re").size(), 3u);
  EXPECT_NE(run.out.find("a reversal naming payout " + buyer),
            std::string::npos);
  EXPECT_NE(run.out.find("payout " + buyer + " is 60.00 EUR, this debit 59.00"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("names payout 999999, which does not exist"),
            std::string::npos);
  EXPECT_EQ(First(run.out, R"re("debits": (\d+))re"), "1");
  const std::string after = Cli({"--json", "payouts"}).out;
  EXPECT_NE(after.find("\"done_ref\": \"BANK-D1\""), std::string::npos)
      << after;
  const std::string pending = Cli({"--json", "payouts", "--pending"}).out;
  EXPECT_EQ(pending.find("\"id\": " + seller + ","), std::string::npos);
  EXPECT_NE(pending.find("\"id\": " + buyer + ","), std::string::npos)
      << pending;

  // Again: the payout is not marked twice, and the report says when it was.
  CliRun again = Cli({"deposits", "import", file.string()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("payout " + seller + " was marked done"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("0 payouts done"), std::string::npos);
}

// A deposit the bank takes back (the payer recalled the transfer, a
// chargeback) comes as a DBIT reversal carrying the deposit's text. The
// deal keeps counting the deposit, so the import records it on the deal,
// once, and holds the payouts to that party; the other party, who paid and
// kept paying, is paid as before.
TEST_F(BankFilesTest, ADepositTakenBackHoldsThatPartysPayouts) {
  const std::string id = FundedSale();
  // Both payees have an account, as a CT 03 mail signed by their bound
  // key would have registered.
  for (const std::string who : {"alice", "bob"}) {
    const std::string email = "'" + who + "@example.test'";
    const std::string sql =
        "INSERT INTO bindings VALUES (" + email + ", 'F" + who +
        "', 0, 'test'); INSERT INTO payout_accounts (email, fingerprint, "
        "iban, bic, name, requested, effective, status, message_ref) VALUES "
        "(" +
        email + ", 'F" + who + "', 'DE89370400440532013000', '', '" + who +
        "', 0, 0, 'active', 'test');";
    ASSERT_EQ(
        std::system(("sqlite3 " + Quote((dir_ / "db" / "ct.db").string()) +
                     " \"" + sql + "\"")
                        .c_str()),
        0);
  }
  const fs::path file =
      Write("reversal.xml",
            Camt(Reversal("60.25", "BANK-RV1", id + "-BUYER") +
                 // Reversals that name no deal, or one that does not exist, are
                 // not ours to record.
                 Debit("9.00", "BANK-D9", "", "retour virement loyer") +
                 Reversal("4.00", "", "CT-ZZZZZZZZ-SELLER")));
  CliRun dry = Cli({"deposits", "import", file.string(), "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("dry run: 1 deposits taken back by the bank"),
            std::string::npos)
      << dry.out;

  CliRun run = Cli({"--json", "deposits", "import", file.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(All(run.out, R"re("outcome": "(reversed)")re").size(), 1u)
      << run.out;
  EXPECT_NE(run.out.find("the bank took back 60.25 of the buyer's deposits "
                         "(funded)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\"action\": \"payouts to the buyer will be held "
                         "when the deal ends"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("a deposit taken back by the bank: no deal "
                         "CT-ZZZZZZZZ"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(First(run.out, R"re("debits": (\d+))re"), "1");
  // On the deal's history for support, without a change of state.
  CliRun show = Cli({"--json", "show", id});
  EXPECT_NE(show.out.find("buyer 60.25 taken back by the bank ref=BANK-RV1"),
            std::string::npos)
      << show.out;
  EXPECT_EQ(State(id), "funded");

  // Once: the same statement again finds it recorded.
  CliRun again = Cli({"deposits", "import", file.string()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("as a reversal of " + id + " buyer"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(again.out.find("taken back by the bank: their"), std::string::npos);

  // Cancelled: both are due their money back. The seller's goes in the
  // file; the buyer's is held, in the file's report and in `payouts`.
  ASSERT_EQ(Cli({"tick"}, "2027-02-08T12:00:00Z").status, 0);
  ASSERT_EQ(State(id), "cancelled");
  CliRun sepa = Cli({"payouts", "--sepa"});
  ASSERT_EQ(sepa.status, 0) << sepa.err;
  EXPECT_NE(sepa.out.find("<Nm>alice</Nm>"), std::string::npos) << sepa.out;
  EXPECT_EQ(sepa.out.find("<Nm>bob</Nm>"), std::string::npos) << sepa.out;
  EXPECT_NE(sepa.err.find("buyer 60.00 EUR): held: the bank took back 60.25 "
                          "EUR of the buyer's deposits (ref BANK-RV1"),
            std::string::npos)
      << sepa.err;
  CliRun payouts = Cli({"--json", "payouts", "--pending"});
  EXPECT_EQ(All(payouts.out, R"re("held": "(held: [^"]+)")re").size(), 1u)
      << payouts.out;
  EXPECT_NE(Cli({"payouts"}).out.find("      held: the bank took back"),
            std::string::npos);

  // Taken back once the payouts are due: the import says it holds them.
  CliRun late = Cli(
      {"deposits", "import",
       Write("late.xml", Camt(Reversal("30.25", "BANK-RV2", id + "-SELLER")))
           .string()});
  EXPECT_NE(late.out.find("1 pending payout to the seller held"),
            std::string::npos)
      << late.out;
  EXPECT_EQ(Cli({"payouts", "--sepa"}).status, 1) << "nothing left to pay";
}

TEST_F(BankFilesTest, SepaNeedsAccounts) {
  const std::string id = FundedSale();
  // Cancelled after funding: the held money goes back to both parties.
  CliRun tick = Cli({"tick"}, "2027-02-08T12:00:00Z");
  ASSERT_EQ(tick.status, 0) << tick.err;
  ASSERT_EQ(State(id), "cancelled");
  CliRun payouts = Cli({"payouts"});
  EXPECT_NE(payouts.out.find("no account registered: ask alice@example.test"),
            std::string::npos)
      << payouts.out;
  CliRun json = Cli({"--json", "payouts"});
  EXPECT_NE(json.out.find("\"account\": null"), std::string::npos) << json.out;
  EXPECT_NE(
      json.out.find(
          "\"account_note\": \"no account registered: ask bob@example.test\""),
      std::string::npos);
  CliRun csv = Cli({"payouts", "--csv"});
  EXPECT_NE(csv.out.find(",iban,bic,account_name,account_note,held\r\n"),
            std::string::npos);
  // Nobody registered an account: nothing to write, each payout named.
  CliRun sepa = Cli({"payouts", "--sepa"});
  EXPECT_EQ(sepa.status, 1);
  EXPECT_EQ(sepa.out, "");
  EXPECT_NE(sepa.err.find("no account registered: ask alice@example.test"),
            std::string::npos)
      << sepa.err;
  EXPECT_NE(sepa.err.find("nothing written"), std::string::npos);
}

TEST_F(BankFilesTest, CheckValidatesTheOperatorsAccount) {
  CliRun ok = Cli({"check"});
  EXPECT_NE(ok.out.find("money: ok (pay to FR76 3000 6000 0112 3456 7890 189, "
                        "CyberTroc Escrow, BIC AGRIFRPP)"),
            std::string::npos)
      << ok.out;
  std::ofstream(dir_ / "ct.conf", std::ios::app)
      << "[money.import_csv]\n";  // harmless
  std::string conf = ReadAll(dir_ / "ct.conf");
  conf.replace(conf.find("7890 189"), 8, "7890 188");  // a typing slip
  std::ofstream(dir_ / "ct.conf", std::ios::trunc) << conf;
  CliRun bad = Cli({"check"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("money.pay_to_iban: 'FR76 3000 6000 0112 3456 7890 "
                         "188' is not a valid IBAN: the check digits do not "
                         "match"),
            std::string::npos)
      << bad.out;
}

}  // namespace
}  // namespace ct::testing
