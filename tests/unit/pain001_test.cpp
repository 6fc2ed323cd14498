// pain.001.001.03 as a bank reads it: the file is checked with xmllint
// (Debian libxml2-utils), well-formedness first, then every element the
// EPC SEPA credit transfer guidelines require, in schema order, by XPath.
#include "money/pain001.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ct::money {
namespace {

namespace fs = std::filesystem;

Iban MustIban(const char* text) {
  auto iban = ParseIban(text);
  EXPECT_TRUE(iban) << text;
  return *iban;
}

SepaBatch Batch() {
  SepaBatch b{.message_id = "CT20270131120000A1B2",
              .created = core::ParseIsoTime("2027-01-31T12:00:00Z").value(),
              .execution_date = "2027-01-31",
              .debtor = {"CyberTroc Escrow",
                         MustIban("FR7630006000011234567890189"), "AGRIFRPP"},
              .transfers = {}};
  b.transfers.push_back({"41",
                         {"Zoé Dupont-Ærø & Co",
                          MustIban("DE89370400440532013000"), "COBADEFFXXX"},
                         core::Money::FromMinor(3000),
                         "CT-7K3QX9A2 payment"});
  b.transfers.push_back(
      {"42",
       {"bob@example.test", MustIban("GB82WEST12345698765432"), ""},
       core::Money::FromMinor(6025),
       "CT-7K3QX9A2 bond refund"});
  return b;
}

class Pain001Test : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/ct-pain-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes the document and checks that xmllint finds it well-formed.
  void Write(const std::string& xml) {
    file_ = dir_ / "batch.xml";
    std::ofstream(file_) << xml;
    EXPECT_EQ(Shell("xmllint --noout '" + file_.string() + "' 2>&1; echo $?"),
              "0\n");
  }

  // XPath 1.0 over the document, elements by local name; xmllint ends
  // its answer with a newline, which goes.
  std::string XPath(const std::string& expr) {
    std::string out =
        Shell("xmllint --xpath \"" + expr + "\" '" + file_.string() + "' 2>&1");
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  static std::string Shell(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    pclose(pipe);
    return out;
  }

  // The local names of the element children of `path`, in order.
  std::vector<std::string> ChildNames(const std::string& path) {
    std::vector<std::string> names;
    for (int i = 1;; ++i) {
      std::string name =
          XPath("local-name(" + path + "/*[" + std::to_string(i) + "])");
      if (name.empty() || name.find("XPath") != std::string::npos) break;
      names.push_back(name);
    }
    return names;
  }

  fs::path dir_, file_;
};

// Local-name steps: the document has a default namespace.
std::string P(std::initializer_list<const char*> steps) {
  std::string path;
  for (const char* s : steps)
    path += "/*[local-name()='" + std::string(s) + "']";
  return path;
}

TEST_F(Pain001Test, RequiredElementsInSchemaOrder) {
  auto xml = WritePain001(Batch());
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_TRUE(xml->starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  ASSERT_NO_FATAL_FAILURE(Write(*xml));
  EXPECT_EQ(XPath("namespace-uri(/*)"),
            "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03");
  const std::string init = P({"Document", "CstmrCdtTrfInitn"});
  EXPECT_EQ(ChildNames(init), (std::vector<std::string>{"GrpHdr", "PmtInf"}));
  EXPECT_EQ(ChildNames(init + P({"GrpHdr"})),
            (std::vector<std::string>{"MsgId", "CreDtTm", "NbOfTxs", "CtrlSum",
                                      "InitgPty"}));
  const std::string pmt = init + P({"PmtInf"});
  EXPECT_EQ(ChildNames(pmt),
            (std::vector<std::string>{"PmtInfId", "PmtMtd", "NbOfTxs",
                                      "CtrlSum", "PmtTpInf", "ReqdExctnDt",
                                      "Dbtr", "DbtrAcct", "DbtrAgt", "ChrgBr",
                                      "CdtTrfTxInf", "CdtTrfTxInf"}));
  EXPECT_EQ(ChildNames(pmt + P({"CdtTrfTxInf"}) + "[1]"),
            (std::vector<std::string>{"PmtId", "Amt", "CdtrAgt", "Cdtr",
                                      "CdtrAcct", "RmtInf"}));
  // No BIC: the agent is left out (allowed for SEPA since 2016).
  EXPECT_EQ(
      ChildNames(pmt + P({"CdtTrfTxInf"}) + "[2]"),
      (std::vector<std::string>{"PmtId", "Amt", "Cdtr", "CdtrAcct", "RmtInf"}));
}

TEST_F(Pain001Test, Values) {
  auto xml = WritePain001(Batch());
  ASSERT_TRUE(xml);
  ASSERT_NO_FATAL_FAILURE(Write(*xml));
  const std::string hdr = P({"Document", "CstmrCdtTrfInitn", "GrpHdr"});
  const std::string pmt = P({"Document", "CstmrCdtTrfInitn", "PmtInf"});
  EXPECT_EQ(XPath("string(" + hdr + P({"MsgId"}) + ")"),
            "CT20270131120000A1B2");
  EXPECT_EQ(XPath("string(" + hdr + P({"CreDtTm"}) + ")"),
            "2027-01-31T12:00:00");
  EXPECT_EQ(XPath("string(" + hdr + P({"NbOfTxs"}) + ")"), "2");
  EXPECT_EQ(XPath("string(" + hdr + P({"CtrlSum"}) + ")"), "90.25");
  EXPECT_EQ(XPath("string(" + pmt + P({"PmtMtd"}) + ")"), "TRF");
  EXPECT_EQ(XPath("string(" + pmt + P({"CtrlSum"}) + ")"), "90.25");
  EXPECT_EQ(XPath("string(" + pmt + P({"PmtTpInf", "SvcLvl", "Cd"}) + ")"),
            "SEPA");
  EXPECT_EQ(XPath("string(" + pmt + P({"ChrgBr"}) + ")"), "SLEV");
  EXPECT_EQ(XPath("string(" + pmt + P({"DbtrAcct", "Id", "IBAN"}) + ")"),
            "FR7630006000011234567890189");
  EXPECT_EQ(XPath("string(" + pmt + P({"DbtrAgt", "FinInstnId", "BIC"}) + ")"),
            "AGRIFRPP");
  const std::string tx1 = pmt + P({"CdtTrfTxInf"}) + "[1]";
  const std::string tx2 = pmt + P({"CdtTrfTxInf"}) + "[2]";
  EXPECT_EQ(XPath("string(" + tx1 + P({"PmtId", "EndToEndId"}) + ")"), "41");
  EXPECT_EQ(XPath("string(" + tx2 + P({"PmtId", "EndToEndId"}) + ")"), "42");
  EXPECT_EQ(XPath("string(" + tx1 + P({"Amt", "InstdAmt"}) + ")"), "30.00");
  EXPECT_EQ(XPath("string(" + tx1 + P({"Amt", "InstdAmt"}) + "/@Ccy)"), "EUR");
  EXPECT_EQ(XPath("string(" + tx2 + P({"Amt", "InstdAmt"}) + ")"), "60.25");
  // Names in the SEPA character set: accents gone, '&' and '@' blanks.
  EXPECT_EQ(XPath("string(" + tx1 + P({"Cdtr", "Nm"}) + ")"),
            "Zoe Dupont-AEro Co");
  EXPECT_EQ(XPath("string(" + tx2 + P({"Cdtr", "Nm"}) + ")"),
            "bob example.test");
  EXPECT_EQ(XPath("string(" + tx1 + P({"CdtrAgt", "FinInstnId", "BIC"}) + ")"),
            "COBADEFFXXX");
  EXPECT_EQ(XPath("string(" + tx2 + P({"CdtrAcct", "Id", "IBAN"}) + ")"),
            "GB82WEST12345698765432");
  EXPECT_EQ(XPath("string(" + tx2 + P({"RmtInf", "Ustrd"}) + ")"),
            "CT-7K3QX9A2 bond refund");
}

TEST_F(Pain001Test, DebtorWithoutBicSaysNotProvided) {
  SepaBatch b = Batch();
  b.debtor.bic.clear();
  auto xml = WritePain001(b);
  ASSERT_TRUE(xml);
  ASSERT_NO_FATAL_FAILURE(Write(*xml));
  EXPECT_EQ(XPath("string(" +
                  P({"Document", "CstmrCdtTrfInitn", "PmtInf", "DbtrAgt",
                     "FinInstnId", "Othr", "Id"}) +
                  ")"),
            "NOTPROVIDED");
}

TEST(Pain001BadInputTest, EmptyOrBrokenBatchesAreRefused) {
  SepaBatch b = Batch();
  b.transfers.clear();
  EXPECT_FALSE(WritePain001(b));
  b = Batch();
  b.transfers[1].amount = {};
  EXPECT_FALSE(WritePain001(b));
  b = Batch();
  b.debtor.name = "🙂🎉";  // nothing left in the SEPA set
  EXPECT_FALSE(WritePain001(b));
  b = Batch();
  b.transfers[0].creditor.name = "★";
  auto one_bad = WritePain001(b);
  ASSERT_FALSE(one_bad);
  EXPECT_NE(one_bad.error().message.find("transfer 41: nothing of '★'"),
            std::string::npos)
      << one_bad.error().message;
}

// Regression: a name in another script reduced to nothing and stopped the
// whole file ("transfer CT-PAYOUT-1 has no name"). It is transliterated.
TEST_F(Pain001Test, NamesInOtherScriptsAreTransliterated) {
  SepaBatch b = Batch();
  b.debtor.name = "Δ株";
  b.transfers[0].creditor.name = "Дмитрий Иванов";
  b.transfers[1].creditor.name = "日本";
  ASSERT_TRUE(CheckSepaTransfer(b.transfers[0]));
  auto xml = WritePain001(b);
  ASSERT_TRUE(xml) << xml.error().message;
  ASSERT_NO_FATAL_FAILURE(Write(*xml));
  const std::string pmt = P({"Document", "CstmrCdtTrfInitn", "PmtInf"});
  EXPECT_EQ(
      XPath("string(" +
            P({"Document", "CstmrCdtTrfInitn", "GrpHdr", "InitgPty", "Nm"}) +
            ")"),
      "D zhu");
  EXPECT_EQ(XPath("string(" + pmt + P({"Dbtr", "Nm"}) + ")"), "D zhu");
  EXPECT_EQ(XPath("string(" + pmt + P({"CdtTrfTxInf"}) + "[1]" +
                  P({"Cdtr", "Nm"}) + ")"),
            "Dmitrij Ivanov");
  EXPECT_EQ(XPath("string(" + pmt + P({"CdtTrfTxInf"}) + "[2]" +
                  P({"Cdtr", "Nm"}) + ")"),
            "ri ben");
}

TEST(CheckSepaTransferTest, SaysWhyATransferCannotBeWritten) {
  SepaTransfer t = Batch().transfers[0];
  EXPECT_TRUE(CheckSepaTransfer(t));
  t.creditor.name = "🙂";
  auto nameless = CheckSepaTransfer(t);
  ASSERT_FALSE(nameless);
  EXPECT_EQ(nameless.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(nameless.error().message.find("no letter or digit"),
            std::string::npos);
  t = Batch().transfers[0];
  t.amount = {};
  auto zero = CheckSepaTransfer(t);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "the amount is not positive");
}

TEST(SepaTextTest, Transliterates) {
  EXPECT_EQ(SepaText("Zoé Dupont", 70), "Zoe Dupont");
  EXPECT_EQ(SepaText("Œuvre Straße Łódź", 70), "OEuvre Strasse Lodz");
  EXPECT_EQ(SepaText("a@b_c  #d", 70), "a b c d");
  EXPECT_EQ(SepaText("  x  ", 70), "x");
  EXPECT_EQ(SepaText("abcdef", 3), "abc");
  EXPECT_EQ(SepaText("\xFF\xFE broken", 70), "broken");
}

}  // namespace
}  // namespace ct::money
