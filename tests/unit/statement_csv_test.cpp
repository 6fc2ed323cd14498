// CSV bank statements with configurable columns ([money.import_csv]).
#include "money/statement_csv.h"

#include <gtest/gtest.h>

namespace ct::money {
namespace {

TEST(StatementCsvTest, DefaultLayout) {
  const char csv[] =
      "date,amount,text,reference\r\n"
      "2027-01-31,60.25,CT-7K3QX9A2-BUYER,R1\r\n"
      "2027-01-31,-12.00,frais,R2\r\n"
      "2027-01-31,30.25,\"Alice, \"\"vendeuse\"\" CT-7K3QX9A2-SELLER\",R3\r\n"
      "\r\n";
  CsvLayout layout;
  layout.reference = "reference";
  layout.date = "date";
  auto s = ParseCsvStatement(csv, layout, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 3u);
  EXPECT_EQ(s->format, "csv");
  EXPECT_TRUE(s->lines[0].credit);
  EXPECT_TRUE(s->lines[0].booked_as_credit);
  EXPECT_EQ(s->lines[0].amount.ToString(), "60.25");
  EXPECT_EQ(s->lines[0].key, "R1");
  EXPECT_EQ(s->lines[0].date, "2027-01-31");
  EXPECT_EQ(s->lines[0].position, 2);
  EXPECT_FALSE(s->lines[1].credit);
  EXPECT_FALSE(s->lines[1].booked_as_credit);
  EXPECT_EQ(s->lines[2].text, "Alice, \"vendeuse\" CT-7K3QX9A2-SELLER");
}

TEST(StatementCsvTest, FrenchBankLayout) {
  // Account details above the header, ';', decimal comma, separate credit
  // and debit columns, the label split over two columns, a quoted line
  // break.
  const char csv[] =
      "Compte courant;FR76 3000 6000 0112 3456 7890 189\n"
      "Solde au 31/01/2027;1 234,56\n"
      "Date opération;Libellé;Détail;Débit;Crédit\n"
      "31/01/2027;VIR SEPA BOB;\"ct-7k3qx9a2\nbuyer\";;60,25\n"
      "31/01/2027;PRLV EDF;;-45,10;\n"
      "31/01/2027;VIR SEPA BOB;CT-7K3QX9A2-BUYER;;1 060,25\n";
  CsvLayout layout;
  layout.delimiter = ';';
  layout.skip_lines = 2;
  layout.amount = "";
  layout.credit = "crédit";
  layout.text = "Libellé, Détail";
  layout.date = "Date opération";
  layout.decimal_mark = ',';
  auto s = ParseCsvStatement(csv, layout, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 3u);
  EXPECT_TRUE(s->lines[0].credit);
  EXPECT_EQ(s->lines[0].text, "VIR SEPA BOB ct-7k3qx9a2 buyer");
  EXPECT_EQ(s->lines[0].position, 4);
  EXPECT_FALSE(s->lines[1].credit);  // empty credit cell
  EXPECT_EQ(s->lines[2].amount.ToString(), "1060.25");
  EXPECT_EQ(s->lines[2].position, 7);
  EXPECT_TRUE(s->lines[0].key.starts_with("sha256:"));
  EXPECT_NE(s->lines[0].key, s->lines[2].key);
}

TEST(StatementCsvTest, NumberedColumnsWithoutHeader) {
  CsvLayout layout;
  layout.header = false;
  layout.amount = "2";
  layout.text = "3";
  auto s = ParseCsvStatement("x,5.00,CT-7K3QX9A2-B\n", layout, "EUR");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->lines.size(), 1u);
  EXPECT_EQ(s->lines[0].text, "CT-7K3QX9A2-B");
  layout.amount = "Montant";
  auto named = ParseCsvStatement("x,5.00,t\n", layout, "EUR");
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("columns are numbers"),
            std::string::npos);
}

TEST(StatementCsvTest, BadFilesAreRefusedNamingTheLine) {
  CsvLayout layout;
  layout.currency = "ccy";
  struct Case {
    std::string csv;
    const char* why;
  };
  for (const Case& c : {
           Case{"amount,text,ccy\n5.00,x,USD\n",
                "CSV line 2: amount in USD, not EUR"},
           Case{"amount,text,ccy\n5.0.0,x,EUR\n", "CSV line 2: bad amount"},
           Case{"amount,text,ccy\n5.00,\"open,EUR\n", "not closed"},
           Case{"montant,text,ccy\n5.00,x,EUR\n",
                "money.import_csv.amount = amount: no such column (the "
                "header has: montant, text, ccy)"},
           Case{"amount,text,ccy\n5.00,caf\xE9,EUR\n", "iconv"},
           Case{std::string("amount,text,ccy\n5.00,a\0b,EUR\n", 29), "NUL"},
           Case{"", "no header line"},
       }) {
    SCOPED_TRACE(c.why);
    auto s = ParseCsvStatement(c.csv, layout, "EUR");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(s.error().message.find(c.why), std::string::npos)
        << s.error().message;
  }
}

}  // namespace
}  // namespace ct::money
