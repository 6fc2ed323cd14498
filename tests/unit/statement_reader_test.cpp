// Reading a statement in two passes from a stream (StatementReader): the
// lines and keys the whole-statement parsers give, the same refusals before
// any line is handed over, and the limits that keep its memory bounded
// whatever the file's length.
#include "money/statement_reader.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/limits.h"
#include "money/bank_statement.h"
#include "money/camt053.h"
#include "money/statement_csv.h"

namespace ct::money {
namespace {

std::string Camt(const std::string& statements) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
         "<BkToCstmrStmt>" +
         statements + "</BkToCstmrStmt></Document>\n";
}

std::string Entry(const std::string& side, const std::string& text,
                  const std::string& ref = "", const std::string& e2e = "") {
  return "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>" + side +
         "</CdtDbtInd><Sts>BOOK</Sts>" +
         (ref.empty() ? "" : "<AcctSvcrRef>" + ref + "</AcctSvcrRef>") +
         "<NtryDtls><TxDtls>" +
         (e2e.empty() ? ""
                      : "<Refs><EndToEndId>" + e2e + "</EndToEndId></Refs>") +
         "<RmtInf><Ustrd>" + text +
         "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
}

struct Read {
  Result<void> checked;
  std::vector<StatementLine> looked, lines;
};

Read ReadAll(const std::string& text, const std::string& format,
             const CsvLayout& layout = {}) {
  std::istringstream in(text);
  StatementReader reader(in, format, layout, "EUR");
  Read r;
  r.checked =
      reader.Check([&](const StatementLine& l) { r.looked.push_back(l); });
  if (!r.checked) return r;
  auto each = reader.ForEach([&](const StatementLine& l) -> Result<void> {
    r.lines.push_back(l);
    return {};
  });
  EXPECT_TRUE(each) << each.error().message;
  return r;
}

// Keys as ParseCamt053 gives them, for every line an import may record
// (by rank among identical lines, with the account that a later statement
// of the file names); lines that name nothing get none.
TEST(StatementReaderTest, KeysAreThoseOfTheWholeStatementParsers) {
  const std::string names = Entry("CRDT", "CT-7K3QX9A2-BUYER");
  const std::string xml = Camt(
      "<Stmt>" + names + Entry("CRDT", "loyer") + names + "</Stmt>" +
      "<Stmt><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>" +
      names + Entry("CRDT", "loyer", "BANK-1") +
      // The same content, once naming a payout by its end-to-end id only.
      Entry("DBIT", "virement") + Entry("DBIT", "virement", "", "CT-PAYOUT-7") +
      "</Stmt>");
  auto whole = ParseCamt053(xml, "EUR");
  ASSERT_TRUE(whole) << whole.error().message;
  Read r = ReadAll(xml, "camt053");
  ASSERT_TRUE(r.checked) << r.checked.error().message;
  ASSERT_EQ(r.lines.size(), whole->lines.size());
  ASSERT_EQ(r.looked.size(), whole->lines.size());
  for (size_t i = 0; i < r.lines.size(); ++i) {
    SCOPED_TRACE(i);
    const StatementLine& want = whole->lines[i];
    EXPECT_EQ(r.lines[i].position, want.position);
    EXPECT_EQ(r.lines[i].text, want.text);
    EXPECT_EQ(r.looked[i].key, "") << "keys come with the second pass";
    // A line that names nothing has a key only when it is identical to
    // one that does: then it counts in the ranks, as before.
    if (NamesReference(want) || !want.reference.empty() ||
        !r.lines[i].key.empty()) {
      EXPECT_EQ(r.lines[i].key, want.key);
    }
  }
  EXPECT_EQ(r.lines[1].key, "") << "names nothing";
  EXPECT_TRUE(r.lines[3].key.ends_with("#3")) << r.lines[3].key;
  EXPECT_EQ(r.lines[4].key, "FR7630006000011234567890189:BANK-1");
  EXPECT_TRUE(r.lines[5].key.ends_with("#1")) << r.lines[5].key;
  EXPECT_TRUE(r.lines[6].key.ends_with("#2")) << r.lines[6].key;

  const std::string csv =
      "amount,text\n5.00,CT-7K3QX9A2-A\n5.00,x\n5.00,CT-7K3QX9A2-A\n";
  auto whole_csv = ParseCsvStatement(csv, {}, "EUR");
  ASSERT_TRUE(whole_csv);
  Read c = ReadAll(csv, "csv");
  ASSERT_TRUE(c.checked);
  ASSERT_EQ(c.lines.size(), 3u);
  EXPECT_EQ(c.lines[0].key, whole_csv->lines[0].key);
  EXPECT_EQ(c.lines[1].key, "");
  EXPECT_EQ(c.lines[2].key, whole_csv->lines[2].key);
}

TEST(StatementReaderTest, RefusesWhatTheParsersRefuse) {
  const std::string good = Entry("CRDT", "CT-7K3QX9A2-BUYER", "B1");
  for (const std::string& xml :
       {std::string("not xml at all"), Camt("<Stmt>" + good),
        Camt("<Stmt>" + Entry("CRDT", std::string(2100, 'y')) +
             Entry("CRED", "x") + "</Stmt>"),
        Camt("<Stmt>" + good + "</Stmt>") + "<!-- <!ENTITY -->",
        std::string("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
                    "pain.001.001.03\"/>"),
        Camt("")}) {
    SCOPED_TRACE(xml.substr(0, 200));
    auto whole = ParseCamt053(xml, "EUR");
    ASSERT_FALSE(whole);
    Read r = ReadAll(xml, "camt053");
    ASSERT_FALSE(r.checked);
    EXPECT_EQ(r.checked.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(r.checked.error().message, whole.error().message);
  }
  const std::string csv = "amount,text\n5.00," + std::string(2100, 'y') +
                          "\n5.0.0,x\n5.00,\"open\n";
  Read r = ReadAll(csv, "csv");
  ASSERT_FALSE(r.checked);
  EXPECT_EQ(r.checked.error().message,
            ParseCsvStatement(csv, {}, "EUR").error().message);

  std::istringstream in(Camt("<Stmt>" + good + "</Stmt>"));
  StatementReader unchecked(in, "camt053", {}, "EUR");
  EXPECT_FALSE(unchecked.ForEach(
      [](const StatementLine&) -> Result<void> { return {}; }));
}

// libxml2 reads the file a chunk at a time: a declaration cut in two by a
// chunk's end is refused all the same.
TEST(StatementReaderTest, DeclarationAcrossChunksIsRefused) {
  const size_t before = Camt("").find("</BkToCstmrStmt>") + 10;
  for (size_t at = 3980; at < 4120; ++at) {
    const std::string xml = Camt("<Stmt><!--" + std::string(at - before, 'x') +
                                 "<!ENTITY --></Stmt>");
    ASSERT_EQ(xml.find("<!ENTITY"), at);
    auto s = ParseCamt053(xml, "EUR");
    ASSERT_FALSE(s) << at;
    EXPECT_NE(s.error().message.find("DOCTYPE or ENTITY"), std::string::npos)
        << at << ": " << s.error().message;
  }
}

TEST(StatementReaderTest, LimitsAreNamed) {
  struct Case {
    std::string text, format, why;
  };
  std::string lines = "amount,text\n";
  for (size_t i = 0; i <= core::kMaxStatementLines; ++i) lines += "1,a\n";
  std::string naming = "amount,text\n";
  for (size_t i = 0; i <= core::kMaxStatementReferenceLines; ++i)
    naming += "1,CT-7K3QX9A2-A\n";
  const std::string big_entry =
      "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
      "<AddtlNtryInf>" +
      // The reader reads ahead: the limit is kept to a few KiB.
      std::string(core::kMaxStatementEntryBytes + 65536, 'y') +
      "</AddtlNtryInf></Ntry>";
  for (const Case& c : {
           Case{lines, "csv", "more than 1000000 lines"},
           Case{naming, "csv",
                "more than 100000 lines name a payment reference or a payout"},
           Case{"amount,text\n1," + std::string(70000, 'a') + "\n", "csv",
                "CSV line 2: longer than 64 KiB"},
           Case{Camt("<Stmt>" + big_entry + "</Stmt>"), "camt053",
                "<Ntry> of line 2 is larger than 1 MiB"},
           Case{Camt("<Stmt><Id>" +
                     std::string(core::kMaxStatementEntryBytes + 65536, 'i') +
                     "</Id></Stmt>"),
                "camt053", "a text or tag after line 2 is larger than 1 MiB"},
       }) {
    SCOPED_TRACE(c.why);
    Read r = ReadAll(c.text, c.format);
    ASSERT_FALSE(r.checked);
    EXPECT_EQ(r.checked.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(r.checked.error().message.find(c.why), std::string::npos)
        << r.checked.error().message;
    EXPECT_LE(r.looked.size(), core::kMaxStatementLines);
  }
}

}  // namespace
}  // namespace ct::money
