// The [money] account keys and [money.import_csv] (config/bank_config.cpp):
// defaults, values as operators write them, and every bad value refused
// with the file and the key named.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"

namespace ct::config {
namespace {

namespace fs = std::filesystem;

class ConfigMoneyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "config_money.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<Config> LoadText(const std::string& text) {
    const std::string path = (dir_ / "cybertroc.conf").string();
    std::ofstream(path) << text;
    return Load(path, false);
  }

  fs::path dir_;
};

TEST_F(ConfigMoneyTest, Defaults) {
  auto c = LoadText("");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->bank.pay_to_iban, "");
  EXPECT_EQ(c->bank.account_change_hours, 48);
  EXPECT_EQ(c->bank.import_csv.delimiter, ',');
  EXPECT_EQ(c->bank.import_csv.amount, "amount");
  EXPECT_EQ(c->bank.import_csv.text, "text");
  EXPECT_TRUE(c->bank.import_csv.header);
}

TEST_F(ConfigMoneyTest, AccountAndCsvLayout) {
  auto c = LoadText(
      "[money]\n"
      "currency = EUR\n"
      "pay_to_iban = fr76 3000 6000 0112 3456 7890 189\n"
      "pay_to_bic = agrifrpp\n"
      "pay_to_name = CyberTroc Séquestre\n"
      "deposit_instructions = Cash: 3 rue X, Lyon.\\nCheques: not taken.\n"
      "account_change_hours = 72\n"
      "[money.import_csv]\n"
      "delimiter = ;\n"
      "skip_lines = 2\n"
      "header = true\n"
      "amount =\n"
      "credit = Crédit\n"
      "text = Libellé, Détail\n"
      "reference = Référence\n"
      "date = Date\n"
      "decimal_mark = ,\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->bank.pay_to_iban, "FR7630006000011234567890189");
  EXPECT_EQ(c->bank.pay_to_bic, "AGRIFRPP");
  EXPECT_EQ(c->bank.pay_to_name, "CyberTroc Séquestre");
  EXPECT_EQ(c->bank.deposit_instructions,
            "Cash: 3 rue X, Lyon.\nCheques: not taken.");
  EXPECT_EQ(c->bank.account_change_hours, 72);
  const auto& l = c->bank.import_csv;
  EXPECT_EQ(l.delimiter, ';');
  EXPECT_EQ(l.skip_lines, 2);
  EXPECT_EQ(l.amount, "");
  EXPECT_EQ(l.credit, "Crédit");
  EXPECT_EQ(l.text, "Libellé, Détail");
  EXPECT_EQ(l.reference, "Référence");
  EXPECT_EQ(l.decimal_mark, ',');
}

TEST_F(ConfigMoneyTest, BadValuesNameTheKey) {
  struct Case {
    std::string text;
    const char* message;
  };
  for (const Case& c : {
           Case{"[money]\npay_to_iban = FR7630006000011234567890188\n"
                "pay_to_name = X\n",
                "money.pay_to_iban: 'FR7630006000011234567890188' is not a "
                "valid IBAN: the check digits do not match"},
           Case{"[money]\npay_to_iban = FR7630006000011234567890189\n",
                "money.pay_to_name: the account holder's name is required"},
           Case{"[money]\npay_to_bic = AGRIFRP\n",
                "money.pay_to_bic: 'AGRIFRP' is not a valid BIC"},
           Case{"[money]\npay_to_bic = AGRIFRPP\n",
                "money.pay_to_bic: set money.pay_to_iban as well"},
           Case{"[money]\npay_to_name = " + std::string(71, 'x') + "\n",
                "money.pay_to_name: pay_to_name: at most 70"},
           Case{"[money]\naccount_change_hours = -1\n",
                "money.account_change_hours: expected a whole number"},
           Case{"[money.import_csv]\ndelimiter = :\n",
                "money.import_csv.delimiter: expected , ; | or tab"},
           Case{"[money.import_csv]\ndecimal_mark = x\n",
                "money.import_csv.decimal_mark: expected . or ,"},
           Case{"[money.import_csv]\ncolumn = 3\n",
                "money.import_csv.column: unknown key"},
       }) {
    SCOPED_TRACE(c.text);
    auto config = LoadText(c.text);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().kind, ErrorKind::kConfig);
    EXPECT_NE(config.error().message.find(c.message), std::string::npos)
        << config.error().message;
    EXPECT_NE(config.error().message.find("cybertroc.conf"), std::string::npos);
  }
}

// A pay_to_name in any script is read as written (deposit requests and QR
// codes carry it in UTF-8); SEPA files write it transliterated, and one
// that keeps no letter or digit is a configuration mistake `check` and
// `payouts --sepa` report alike.
TEST_F(ConfigMoneyTest, PayToNameAsSepaFilesWriteIt) {
  BankConfig bank;
  bank.pay_to_name = "Δ株";
  EXPECT_EQ(SepaPayToName(bank), "D zhu");
  bank.pay_to_name = "🙂🎉";
  auto emoji = SepaPayToName(bank);
  ASSERT_FALSE(emoji);
  EXPECT_EQ(emoji.error().kind, ErrorKind::kConfig);
  EXPECT_TRUE(emoji.error().message.starts_with(
      "money.pay_to_name: nothing of '🙂🎉' can be written"))
      << emoji.error().message;
  auto config = LoadText(
      "[money]\npay_to_iban = FR7630006000011234567890189\n"
      "pay_to_name = 🙂🎉\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->bank.pay_to_name, "🙂🎉");
}

}  // namespace
}  // namespace ct::config
