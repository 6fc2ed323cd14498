// Real accounts (docs/money.md "Real accounts (SEPA)") end to end, through
// the real mail system (as e2e_mail_test):
// parties register where they are paid by signed mail (CT 03) and are
// answered at their address; the buyer's deposit request names the
// operator's account, the amount and the reference, with an EPC QR code a
// scanner reads back; a camt.053 statement funds the deal (`deposits
// import`, twice: nothing twice); the deal completes; the operator's payout
// instructions and `payouts --sepa` carry the seller's account and
// amounts, and name the buyer, who has no account yet, on stderr; once the
// buyer registers one, the SEPA file pays him too.
#include <gtest/gtest.h>

#include <ctime>

#include "mail_suite.h"

namespace {

using namespace cttest;

constexpr char kEscrowIban[] = "FR7630006000011234567890189";

class BankMailTest : public MailSuite<BankMailTest> {
 public:
  static constexpr const char* kWorldLabel = "bank";

 protected:
  void SetUp() override {
    MailSuite::SetUp();
    if (Stopped()) return;
    mail_subject_ = "cybertroc test";  // sign.sh's own
    Configure(
        "[money]\npay_to_iban = FR76 3000 6000 0112 3456 7890 189\n"
        "pay_to_bic = AGRIFRPP\npay_to_name = CyberTroc Escrow\n");
  }

  // A `run` that applies `applied` and refuses nothing; its mail delivered.
  void Run(int applied) { RunAndDeliver(applied, 0, 0); }

  // USER's mail whose subject holds `marker`, opened, verified, decrypted.
  std::vector<Received> MailOf(const std::string& user,
                               const std::string& marker) {
    return EscrowMailOf(user, marker, /*encrypted=*/false);
  }

  // XPath 1.0 over `xml` (elements by local name), xmllint's answer.
  std::string XPath(const std::string& xml, const std::string& expr) {
    const fs::path file = work_ / "batch.xml";
    WriteFile(file, xml);
    std::string out =
        Shell("xmllint --xpath \"" + expr + "\" " + Quote(file)).out;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
};

std::string Tx(const std::string& step) {
  return "//*[local-name()='CdtTrfTxInf']" + step;
}

TEST_F(BankMailTest, FromStatementToBankFile) {
  Mail("alice",
       "CT 03 DE89 3704 0044 0532 0130 00\nbic: COBADEFFXXX\n"
       "name: Alice Martin\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const auto registered = MailOf("alice", "Payout account registered");
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].subject,
            "Payout account registered: DE89 **** **** 3000");
  EXPECT_TRUE(registered[0].encrypted);

  Mail("alice",
       "CT 10 SALE\nbuyer: bob@example.test\nitem: Kind of Blue, CD\n"
       "price: 25,00 EUR\nshipping: 5.00\nlang: en\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const auto ids = JsonFields(ParseJson(Ct({"--json", "list"}).out), "id");
  ASSERT_EQ(ids.size(), 1u);
  const std::string id = ids[0];
  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  ASSERT_EQ(State(id), "awaiting_deposits");

  // The buyer's deposit request: account, amount still due, reference,
  // and the EPC QR code of that transfer.
  const auto bob_mail = MailOf("bob", "[" + id + "]");
  const Received* request = WithText(bob_mail, "Pay by bank transfer");
  ASSERT_NE(request, nullptr);
  for (const std::string& line : std::vector<std::string>{
           "    IBAN:           FR76 3000 6000 0112 3456 7890 189",
           "    BIC:            AGRIFRPP",
           "    Account holder: CyberTroc Escrow",
           "    Amount:         60.25 EUR",
           "    Reference:      " + id + "-BUYER"})
    EXPECT_NE(request->text.find(line + "\n"), std::string::npos)
        << line << "\n"
        << request->text;
  ASSERT_EQ(request->attachments.size(), 1u);
  const Entity& qr = request->attachments[0];
  EXPECT_EQ(qr.Get("Content-Type"), "image/png; name=\"epc-qr.png\"");
  WriteFile(work_ / "qr.png", Base64Decode(qr.body));
  EXPECT_EQ(
      Shell("zbarimg --quiet --raw " + Quote(work_ / "qr.png") + " 2>/dev/null")
          .out,
      std::string("BCD\n002\n1\nSCT\nAGRIFRPP\nCyberTroc Escrow\n") +
          kEscrowIban + "\nEUR60.25\n\n\n" + id + "-BUYER\n");

  // The bank statement: both deposits, one reference as a bank mangles it.
  const std::string entry =
      "<Ntry><Amt Ccy=\"EUR\">{A}</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
      "<Sts>BOOK</Sts><BookgDt><Dt>2027-01-31</Dt></BookgDt>"
      "<AcctSvcrRef>{R}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>{T}"
      "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
  auto fill = [&](std::string a, std::string r, std::string t) {
    std::string e = entry;
    e.replace(e.find("{A}"), 3, a);
    e.replace(e.find("{R}"), 3, r);
    e.replace(e.find("{T}"), 3, t);
    return e;
  };
  WriteFile(
      work_ / "statement.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\""
      "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
      "<Stmt><Acct><Id><IBAN>" +
          std::string(kEscrowIban) + "</IBAN></Id><Ccy>EUR</Ccy></Acct>" +
          fill("30.25", "STMT-001", "VIR ALICE " + id + "-SELLER") +
          fill("60.25", "STMT-002", "ct " + id.substr(3) + " buyer merci") +
          "</Stmt></BkToCstmrStmt></Document>");
  for (int pass = 0; pass < 2; ++pass) {
    Cmd import = Ct({"deposits", "import", (work_ / "statement.xml").string()});
    ASSERT_EQ(import.status, 0) << import.All();
    EXPECT_NE(import.out.find(pass == 0 ? "2 recorded, 0 already"
                                        : "0 recorded, 2 already"),
              std::string::npos)
        << import.out;
  }
  ASSERT_EQ(State(id), "funded");
  ASSERT_NO_FATAL_FAILURE(Run(0));  // sends the funded notices

  Mail("alice", id + " 40 Colissimo 6A123\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", id + " 61\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  ASSERT_EQ(State(id), "completed");

  // The operator's instructions say where each payout goes.
  const auto operator_mail = MailOf("operator", "[" + id + "]");
  const Received* instructions =
      WithText(operator_mail, "Please make the following");
  ASSERT_NE(instructions, nullptr);
  EXPECT_NE(instructions->text.find(
                "  seller <alice@example.test>  30.00 EUR  reason: payment of "
                "the price\n      to account DE89 3704 0044 0532 0130 00, BIC "
                "COBADEFFXXX, Alice Martin\n"),
            std::string::npos)
      << instructions->text;
  EXPECT_NE(instructions->text.find(
                "  buyer <bob@example.test>  30.00 EUR  reason: bond refund\n"
                "      no account registered: ask bob@example.test\n"),
            std::string::npos);
  // No party sees another's account.
  for (const std::string user : {"alice", "bob"})
    for (const Received& m : MailOf(user, "[" + id + "]"))
      EXPECT_EQ(m.text.find("3704 0044"), std::string::npos) << m.subject;

  Cmd sepa = Ct({"payouts", "--sepa"});
  ASSERT_EQ(sepa.status, 0) << sepa.All();
  EXPECT_EQ(XPath(sepa.out, "count(" + Tx("") + ")"), "2");
  for (int i : {1, 2}) {
    const std::string tx = Tx("[" + std::to_string(i) + "]");
    EXPECT_EQ(XPath(sepa.out, "string(" + tx +
                                  "//*[local-name()='CdtrAcct']//*[local-"
                                  "name()='IBAN'])"),
              "DE89370400440532013000");
    EXPECT_EQ(XPath(sepa.out, "string(" + tx + "//*[local-name()='InstdAmt'])"),
              "30.00");
    EXPECT_EQ(XPath(sepa.out, "string(" + tx +
                                  "/*[local-name()='Cdtr']/*[local-name()="
                                  "'Nm'])"),
              "Alice Martin");
  }
  EXPECT_EQ(XPath(sepa.out,
                  "string(//*[local-name()='DbtrAcct']//*[local-"
                  "name()='IBAN'])"),
            kEscrowIban);
  const auto seller_ids = AllMatches(
      Ct({"--json", "payouts"}).out,
      R"re("id": (\d+),\s*"deal": "[^"]*",\s*"created": "[^"]*",\s*"payee": "seller")re");
  ASSERT_EQ(seller_ids.size(), 2u);
  EXPECT_EQ(XPath(sepa.out,
                  "string(" + Tx("[1]") + "//*[local-name()='EndToEndId'])"),
            "CT-PAYOUT-" + seller_ids[0]);
  EXPECT_NE(sepa.err.find("left out: payout"), std::string::npos);
  EXPECT_NE(sepa.err.find("buyer 30.00 EUR): no account registered: ask "
                          "bob@example.test"),
            std::string::npos)
      << sepa.err;

  // Bob registers his account: his first, so it applies at once.
  Mail("bob", "CT 03 GB82 WEST 1234 5698 7654 32\nname: Bob Durand\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Cmd again = Ct({"payouts", "--sepa"});
  ASSERT_EQ(again.status, 0) << again.All();
  EXPECT_EQ(XPath(again.out, "count(" + Tx("") + ")"), "3");
  EXPECT_EQ(XPath(again.out, "string(" + Tx("[3]") +
                                 "//*[local-name()='CdtrAcct']//*[local-name()"
                                 "='IBAN'])"),
            "GB82WEST12345698765432");
  EXPECT_EQ(again.err.find("left out"), std::string::npos) << again.err;
}

}  // namespace
