// Reading camt.053 bank statements (001.02 and 001.08), finding payment
// references in remittance text, and refusing hostile or foreign files.
#include "money/camt053.h"

#include <gtest/gtest.h>

#include "money/bank_statement.h"

namespace ct::money {
namespace {

// A statement as banks export it (camt.053.001.02): four entries.
const char kStatement02[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>STMT-2027-01-31</MsgId><CreDtTm>2027-01-31T18:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>2027-01-31-001</Id>
   <Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Ntry>
    <Amt Ccy="EUR">60.25</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2027-01-31</Dt></BookgDt><ValDt><Dt>2027-01-31</Dt></ValDt>
    <AcctSvcrRef>BANK-REF-0001</AcctSvcrRef>
    <BkTxCd><Prtry><Cd>VIR</Cd></Prtry></BkTxCd>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
     <RltdPties><Dbtr><Nm>Bob Martin</Nm></Dbtr></RltdPties>
     <RmtInf><Ustrd>CT-7K3QX9A2-BUYER</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2027-01-31</Dt></BookgDt>
    <AcctSvcrRef>BANK-REF-0002</AcctSvcrRef>
    <AddtlNtryInf>FRAIS TENUE DE COMPTE</AddtlNtryInf>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">30.25</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
    <BookgDt><Dt>2027-01-31</Dt></BookgDt>
    <AddtlNtryInf>VIR SEPA ALICE ct 7k3qx9a2 seller</AddtlNtryInf>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">40.40</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2027-01-31</Dt></BookgDt>
    <AcctSvcrRef>BANK-REF-0004</AcctSvcrRef>
    <NtryDtls>
     <TxDtls><Refs><AcctSvcrRef>TX-1</AcctSvcrRef><EndToEndId>CT-PAYOUT-7</EndToEndId></Refs>
      <AmtDtls><TxAmt><Amt Ccy="EUR">20.20</Amt></TxAmt></AmtDtls>
      <RmtInf><Ustrd>Echange CT-9ZZZZZZZ-A</Ustrd></RmtInf></TxDtls>
     <TxDtls>
      <AmtDtls><TxAmt><Amt Ccy="EUR">20.20</Amt></TxAmt></AmtDtls>
      <RmtInf><Strd><CdtrRefInf><Ref>CT9ZZZZZZZB</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
    </NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
)";

TEST(Camt053Test, ReadsEntriesOfVersion02) {
  auto s = ParseCamt053(kStatement02, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->format, "camt053");
  EXPECT_EQ(s->account, "FR7630006000011234567890189");
  ASSERT_EQ(s->lines.size(), 5u);
  const auto& buyer = s->lines[0];
  EXPECT_TRUE(buyer.credit);
  EXPECT_TRUE(buyer.booked);
  EXPECT_EQ(buyer.amount.ToString(), "60.25");
  EXPECT_EQ(buyer.reference, "BANK-REF-0001");
  EXPECT_EQ(buyer.key, "FR7630006000011234567890189:BANK-REF-0001");
  EXPECT_EQ(buyer.date, "2027-01-31");
  EXPECT_EQ(buyer.text, "CT-7K3QX9A2-BUYER");
  EXPECT_EQ(buyer.debtor, "Bob Martin");
  EXPECT_EQ(buyer.position, 1);
  EXPECT_EQ(buyer.end_to_end_id, "");  // NOTPROVIDED
  EXPECT_FALSE(s->lines[1].credit);    // a debit
  EXPECT_FALSE(s->lines[1].reversal);
  EXPECT_EQ(s->lines[1].text, "FRAIS TENUE DE COMPTE");
  const auto& pending = s->lines[2];
  EXPECT_TRUE(pending.credit);
  EXPECT_FALSE(pending.booked);
  EXPECT_EQ(pending.reference, "");
  EXPECT_TRUE(pending.key.starts_with("sha256:")) << pending.key;
  EXPECT_TRUE(pending.key.ends_with("#1")) << pending.key;
  // A batch booking: one line per transaction, each with its amount.
  EXPECT_EQ(s->lines[3].amount.ToString(), "20.20");
  EXPECT_EQ(s->lines[3].reference, "TX-1");
  EXPECT_EQ(s->lines[3].end_to_end_id, "CT-PAYOUT-7");
  EXPECT_EQ(s->lines[4].end_to_end_id, "");
  EXPECT_EQ(s->lines[3].text, "Echange CT-9ZZZZZZZ-A");
  EXPECT_EQ(s->lines[4].reference, "BANK-REF-0004/2");
  EXPECT_EQ(s->lines[4].text, "CT9ZZZZZZZB");
  EXPECT_EQ(s->lines[4].position, 4);
}

TEST(Camt053Test, ReadsVersion08) {
  const char xml[] = R"(<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<Stmt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">20.20</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><DtTm>2027-02-01T09:30:00+01:00</DtTm></BookgDt><NtryRef>E-77</NtryRef>
<NtryDtls><TxDtls><Amt Ccy="EUR">20.20</Amt>
<RltdPties><Dbtr><Pty><Nm>Alice</Nm></Pty></Dbtr></RltdPties>
<RmtInf><Ustrd>CT-7K3QX9A2-A</Ustrd><Ustrd>merci</Ustrd></RmtInf></TxDtls></NtryDtls>
</Ntry></Stmt></BkToCstmrStmt></Document>)";
  auto s = ParseCamt053(xml, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 1u);
  EXPECT_TRUE(s->lines[0].booked);
  EXPECT_EQ(s->lines[0].date, "2027-02-01");
  EXPECT_EQ(s->lines[0].reference, "E-77");
  EXPECT_EQ(s->lines[0].debtor, "Alice");
  EXPECT_EQ(s->lines[0].text, "CT-7K3QX9A2-A merci");
}

TEST(Camt053Test, IdenticalLinesWithoutReferenceKeepTheirRank) {
  const std::string entry =
      "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
      "<Sts>BOOK</Sts><AddtlNtryInf>CT-7K3QX9A2-BUYER</AddtlNtryInf></Ntry>";
  const std::string xml =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
      "<BkToCstmrStmt><Stmt>" +
      entry + entry + "</Stmt></BkToCstmrStmt></Document>";
  auto s = ParseCamt053(xml, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_NE(s->lines[0].key, s->lines[1].key);
  EXPECT_EQ(s->lines[0].key.substr(0, 40), s->lines[1].key.substr(0, 40));
  // The same file read again gives the same keys.
  auto again = ParseCamt053(xml, "EUR");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->lines[1].key, s->lines[1].key);
}

// RvslInd undoes an earlier entry: a DBIT reversal takes back a credit (a
// deposit recalled or charged back), a CRDT one brings back a debit (a
// transfer returned by the payee's bank). Neither is a payer's credit, and
// the import must tell them apart.
TEST(Camt053Test, ReversalsSayWhichSideTheyUndo) {
  auto entry = [](const char* side, bool reversal) {
    return std::string("<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>") + side +
           "</CdtDbtInd>" + (reversal ? "<RvslInd>true</RvslInd>" : "") +
           "<Sts>BOOK</Sts><AddtlNtryInf>CT-7K3QX9A2-BUYER</AddtlNtryInf>"
           "</Ntry>";
  };
  const std::string xml =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
      "<BkToCstmrStmt><Stmt>" +
      entry("CRDT", false) + entry("DBIT", true) + entry("CRDT", true) +
      "</Stmt></BkToCstmrStmt></Document>";
  auto s = ParseCamt053(xml, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 3u);
  EXPECT_TRUE(s->lines[0].credit);
  EXPECT_TRUE(s->lines[0].booked_as_credit);
  EXPECT_FALSE(s->lines[0].reversal);
  EXPECT_FALSE(s->lines[1].credit) << "a credit taken back";
  EXPECT_FALSE(s->lines[1].booked_as_credit);
  EXPECT_TRUE(s->lines[1].reversal);
  EXPECT_FALSE(s->lines[2].credit) << "money back is no payer's deposit";
  EXPECT_TRUE(s->lines[2].booked_as_credit);
  EXPECT_TRUE(s->lines[2].reversal);
  // Without a bank reference, each keeps a key of its own.
  EXPECT_NE(s->lines[0].key, s->lines[1].key);
  EXPECT_NE(s->lines[1].key, s->lines[2].key);
}

TEST(Camt053Test, ForeignCurrencyIsRefused) {
  std::string usd = kStatement02;
  usd.replace(usd.find("<Ccy>EUR</Ccy>"), 14, "<Ccy>USD</Ccy>");
  auto s = ParseCamt053(usd, "EUR");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("in USD, not EUR"), std::string::npos)
      << s.error().message;
  std::string entry = kStatement02;
  entry.replace(entry.find("Ccy=\"EUR\">60.25"), 15, "Ccy=\"CHF\">60.25");
  s = ParseCamt053(entry, "EUR");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("entry 1: amount in CHF, not EUR"),
            std::string::npos)
      << s.error().message;
}

TEST(Camt053Test, HostileXmlIsRefused) {
  const char* laughs = R"(<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<AddtlNtryInf>&c;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>)";
  const char* external = R"(<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>)";
  for (const char* xml : {laughs, external}) {
    auto s = ParseCamt053(xml, "EUR");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(s.error().message.find("DOCTYPE"), std::string::npos)
        << s.error().message;
  }
}

TEST(Camt053Test, MalformedFilesAreRefusedWithTheReason) {
  struct Case {
    std::string xml;
    const char* why;
  };
  std::string bad_amount = kStatement02;
  bad_amount.replace(bad_amount.find(">60.25<"), 7, ">60,25<");
  std::string bad_side = kStatement02;
  bad_side.replace(bad_side.find("CRDT"), 4, "CRED");
  for (const Case& c : {
           Case{"not xml at all", "not well-formed XML (line 1"},
           Case{"<Document><Unclosed></Document>", "not well-formed"},
           Case{"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001."
                "001.03\"/>",
                "not a camt.053 Document"},
           Case{"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053."
                "001.02\"><BkToCstmrStmt/></Document>",
                "no Stmt"},
           Case{bad_amount, "entry 1: bad amount '60,25'"},
           Case{bad_side, "entry 1: CdtDbtInd"},
       }) {
    SCOPED_TRACE(c.why);
    auto s = ParseCamt053(c.xml, "EUR");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(s.error().message.find(c.why), std::string::npos)
        << s.error().message;
  }
}

TEST(PaymentReferenceTest, FoundAsBanksMangleThem) {
  using Refs = std::vector<PaymentReference>;
  struct Case {
    const char* text;
    Refs want;
  };
  const PaymentReference buyer{"CT-7K3QX9A2", "buyer"};
  for (const Case& c : {
           Case{"CT-7K3QX9A2-BUYER", {buyer}},
           Case{"virement ct 7k3qx9a2 buyer merci", {buyer}},
           Case{"VIR SEPA CT7K3QX9A2BUYER", {buyer}},
           Case{"/ROC/CT-7K3QX9A2-BUYER/", {buyer}},
           Case{"CT-7K3QX9AZ-BUYER", {{"CT-7K3QX9AZ", "buyer"}}},
           Case{"ct-7k3qx9ao-a", {{"CT-7K3QX9A0", "a"}}},  // O reads 0
           Case{"CT-7K3QX9A2-BUYER CT-7K3QX9A2 BUYER", {buyer}},
           Case{"CT-7K3QX9A2-SELLER and CT-7K3QX9A2-BUYER",
                {{"CT-7K3QX9A2", "seller"}, buyer}},
           Case{"CT-7K3QX9A2", {{"CT-7K3QX9A2", ""}}},
           Case{"ACT-7K3QX9A2-BUYER", {}},  // inside a word
           Case{"CT-7K3QX9A2-BUYER2", {}},  // not a role word
           Case{"CT-7K3QX9A23-BUYER", {}},  // nine characters
           Case{"CT-7K3QX9U2-BUYER", {}},   // U is not Crockford
           Case{"loyer janvier", {}},
       }) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(FindPaymentReferences(c.text), c.want);
  }
}

// The EndToEndId our pain.001 gives a payout, found again on the debit:
// exactly, as banks re-case or re-space it, and never by accident.
TEST(PayoutReferenceTest, FoundOnlyWhenItNamesOnePayout) {
  EXPECT_EQ(PayoutReference(17), "CT-PAYOUT-17");
  for (const char* text : {"CT-PAYOUT-17", "ct payout 17", "CTPAYOUT17",
                           "VIR SEPA CT-PAYOUT-17 CT-7K3QX9A2 refund",
                           "CT-PAYOUT-17 / CT-PAYOUT-17"}) {
    EXPECT_EQ(FindPayoutReference(text), std::optional<int64_t>(17)) << text;
  }
  for (const char* text :
       {"", "PAYOUT 17", "XCT-PAYOUT-17", "CT-PAYOUT-17A", "CT-PAYOUT-0",
        "CT-PAYOUT-", "CT-PAYOUT-17 CT-PAYOUT-18", "CT-7K3QX9A2-BUYER",
        "CT-PAYOUT-1234567890123456789"}) {
    EXPECT_EQ(FindPayoutReference(text), std::nullopt) << text;
  }
}

TEST(StatementAmountTest, Formats) {
  struct Case {
    const char* text;
    char mark;
    int64_t minor;
    bool negative;
  };
  for (const Case& c : {
           Case{"60.25", '.', 6025, false},
           Case{"60.250", '.', 6025, false},
           Case{"1234.5", '.', 123450, false},
           Case{"+7", '.', 700, false},
           Case{"-12.00", '.', 1200, true},
           Case{"1,234.56", '.', 123456, false},
           Case{"1 234,56", ',', 123456, false},
           Case{"1.234,56", ',', 123456, false},
           Case{"1\xC2\xA0"
                "234,56",
                ',', 123456, false},
           Case{"-0,5", ',', 50, true},
       }) {
    SCOPED_TRACE(c.text);
    bool negative = false;
    auto m = ParseStatementAmount(c.text, c.mark, &negative);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->minor(), c.minor);
    EXPECT_EQ(negative, c.negative);
  }
  for (auto [text, mark] :
       {std::pair{"12,50", '.'}, std::pair{"1234.56", ','},
        std::pair{"60.251", '.'}, std::pair{"", '.'}, std::pair{"12.", '.'},
        std::pair{"1e3", '.'}, std::pair{"1234567890123", '.'},
        std::pair{"12,3456.00", '.'}}) {
    SCOPED_TRACE(text);
    bool negative = false;
    EXPECT_FALSE(ParseStatementAmount(text, mark, &negative));
  }
}

}  // namespace
}  // namespace ct::money
