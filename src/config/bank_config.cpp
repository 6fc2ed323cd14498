#include "config/bank_config.h"

#include <charconv>

#include "core/limits.h"
#include "money/iban.h"
#include "money/pain001.h"

namespace ct::config {
namespace {

constexpr size_t kMaxNameChars = 70;  // EPC QR code and SEPA names
constexpr size_t kMaxInstructionsChars = 1000;
constexpr size_t kMaxColumnChars = 200;

std::unexpected<Error> Expected(std::string_view what, std::string_view got) {
  return Fail(ErrorKind::kConfig, "expected " + std::string(what) + ", got '" +
                                      core::Excerpt(got, 60) + "'");
}

Result<void> Iban(std::string_view v, BankConfig& b) {
  if (v.empty()) {
    b.pay_to_iban.clear();
    return {};
  }
  auto iban = money::ParseIban(v);
  if (!iban) return Fail(ErrorKind::kConfig, iban.error().message);
  b.pay_to_iban = iban->electronic();
  return {};
}

Result<void> Bic(std::string_view v, BankConfig& b) {
  if (v.empty()) {
    b.pay_to_bic.clear();
    return {};
  }
  auto bic = money::ParseBic(v);
  if (!bic) return Fail(ErrorKind::kConfig, bic.error().message);
  b.pay_to_bic = *bic;
  return {};
}

Result<void> Name(std::string_view v, BankConfig& b) {
  if (auto ok = core::CheckFreeText("pay_to_name", v, kMaxNameChars); !ok)
    return Fail(ErrorKind::kConfig, ok.error().message);
  b.pay_to_name = std::string(v);
  return {};
}

// "\n" (backslash, n) in the one-line INI value starts a new line.
Result<void> Instructions(std::string_view v, BankConfig& b) {
  if (auto ok =
          core::CheckFreeText("deposit_instructions", v, kMaxInstructionsChars);
      !ok)
    return Fail(ErrorKind::kConfig, ok.error().message);
  std::string text(v);
  for (size_t at; (at = text.find("\\n")) != std::string::npos;)
    text.replace(at, 2, "\n");
  b.deposit_instructions = text;
  return {};
}

Result<int> Whole(std::string_view v, int min, int max) {
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < min ||
      n > max)
    return Expected("a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max),
                    v);
  return n;
}

Result<void> Delimiter(std::string_view v, BankConfig& b) {
  if (v == "tab") v = "\t";
  if (v != "," && v != ";" && v != "\t" && v != "|")
    return Expected(", ; | or tab", v);
  b.import_csv.delimiter = v[0];
  return {};
}

Result<void> Mark(std::string_view v, BankConfig& b) {
  if (v != "." && v != ",") return Expected(". or ,", v);
  b.import_csv.decimal_mark = v[0];
  return {};
}

Result<void> Header(std::string_view v, BankConfig& b) {
  if (v == "true" || v == "yes" || v == "1")
    b.import_csv.header = true;
  else if (v == "false" || v == "no" || v == "0")
    b.import_csv.header = false;
  else
    return Expected("true or false", v);
  return {};
}

// A column: a header name or a 1-based number, as money::CsvLayout reads.
BankSetter Column(std::string money::CsvLayout::*field) {
  return [field](std::string_view v, BankConfig& b) -> Result<void> {
    if (auto ok = core::CheckFreeText("column", v, kMaxColumnChars); !ok)
      return Fail(ErrorKind::kConfig, ok.error().message);
    b.import_csv.*field = std::string(v);
    return {};
  };
}

}  // namespace

const std::map<std::string, BankSetter>& BankKeys() {
  using L = money::CsvLayout;
  static const auto* const keys = new std::map<std::string, BankSetter>{
      {"money.pay_to_iban", Iban},
      {"money.pay_to_bic", Bic},
      {"money.pay_to_name", Name},
      {"money.deposit_instructions", Instructions},
      {"money.account_change_hours",
       [](std::string_view v, BankConfig& b) -> Result<void> {
         auto hours = Whole(v, 0, 24 * 366);
         CT_TRY(hours);
         b.account_change_hours = *hours;
         return {};
       }},
      {"money.import_csv.delimiter", Delimiter},
      {"money.import_csv.decimal_mark", Mark},
      {"money.import_csv.header", Header},
      {"money.import_csv.skip_lines",
       [](std::string_view v, BankConfig& b) -> Result<void> {
         auto lines = Whole(v, 0, 1000);
         CT_TRY(lines);
         b.import_csv.skip_lines = *lines;
         return {};
       }},
      {"money.import_csv.amount", Column(&L::amount)},
      {"money.import_csv.credit", Column(&L::credit)},
      {"money.import_csv.text", Column(&L::text)},
      {"money.import_csv.reference", Column(&L::reference)},
      {"money.import_csv.date", Column(&L::date)},
      {"money.import_csv.currency", Column(&L::currency)},
  };
  return *keys;
}

Result<void> CheckBank(const BankConfig& bank) {
  if (!bank.pay_to_iban.empty() && bank.pay_to_name.empty())
    return Fail(ErrorKind::kConfig,
                "money.pay_to_name: the account holder's name is required "
                "with money.pay_to_iban (QR codes and SEPA files carry it)");
  if (bank.pay_to_iban.empty() && !bank.pay_to_bic.empty())
    return Fail(ErrorKind::kConfig,
                "money.pay_to_bic: set money.pay_to_iban as well");
  return {};
}

Result<std::string> SepaPayToName(const BankConfig& bank) {
  auto name = money::SepaName(bank.pay_to_name);
  if (!name && name.error().kind == ErrorKind::kInvalidInput)
    return Fail(ErrorKind::kConfig,
                "money.pay_to_name: " + name.error().message +
                    "; write the account holder's name as the bank has it");
  return name;
}

}  // namespace ct::config
