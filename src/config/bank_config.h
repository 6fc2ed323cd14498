// The [money] keys about real accounts (docs/money.md "Real accounts
// (SEPA)") and [money.import_csv]:
// where parties pay, how long an account change waits, and how to read a
// CSV bank statement. Parsed here, apart from config.cpp's table, which
// takes them with one loop.
#ifndef CYBERTROC_CONFIG_BANK_CONFIG_H_
#define CYBERTROC_CONFIG_BANK_CONFIG_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "money/statement_csv.h"

namespace ct::config {

struct BankConfig {
  // The operator's account, shown in every deposit request and written as
  // the debtor of SEPA files. IBAN in electronic form; "" = none, and then
  // deposit requests name no account.
  std::string pay_to_iban;
  std::string pay_to_bic;   // "" = not given (optional for SEPA)
  std::string pay_to_name;  // account holder; required with an IBAN
  // Free text for other ways to pay, shown with the account ("\n" in the
  // file starts a new line).
  std::string deposit_instructions;
  // A party's new payout account applies this long after its signed
  // request (its first one applies at once).
  int account_change_hours = 48;
  money::CsvLayout import_csv;  // [money.import_csv]
};

// "money.pay_to_iban", "money.import_csv.amount"... -> a setter that
// checks the value and stores it; the error message is what follows
// "FILE: key: " ("expected …, got '…'").
using BankSetter =
    std::function<Result<void>(std::string_view value, BankConfig& bank)>;
const std::map<std::string, BankSetter>& BankKeys();

// Rules across keys, once the whole file is read: an IBAN needs the
// account holder's name (the EPC QR code and SEPA files require one).
Result<void> CheckBank(const BankConfig& bank);

// money.pay_to_name as SEPA files write it (money::SepaName: transliterated
// into Latin letters). kConfig naming the key when nothing readable is left
// of it. `check` and `payouts --sepa` both ask here, so that check refuses
// exactly the names the file cannot carry. Not part of CheckBank: deposit
// requests and their QR codes carry the name in UTF-8, as written.
Result<std::string> SepaPayToName(const BankConfig& bank);

}  // namespace ct::config

#endif  // CYBERTROC_CONFIG_BANK_CONFIG_H_
