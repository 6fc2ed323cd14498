// The SEPA credit transfer file a bank accepts for upload: ISO 20022
// pain.001.001.03 (CustomerCreditTransferInitiation), as the EPC
// implementation guidelines profile it: one payment information block,
// service level SEPA, charges SLEV, one transaction per payout. Pure.
#ifndef CYBERTROC_MONEY_PAIN001_H_
#define CYBERTROC_MONEY_PAIN001_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/money.h"
#include "core/time.h"
#include "money/iban.h"

namespace ct::money {

struct SepaParty {
  std::string name;  // account holder
  Iban iban;
  std::string bic;  // "" = not provided (allowed in SEPA since 2016)
};

struct SepaTransfer {
  std::string end_to_end_id;  // travels to the payee's statement (35 max)
  SepaParty creditor;
  core::Money amount;      // > 0
  std::string remittance;  // unstructured, 140 max
};

struct SepaBatch {
  std::string message_id;  // unique per file: banks refuse a repeated one
  core::Time created{};
  std::string execution_date;           // YYYY-MM-DD
  SepaParty debtor;                     // the escrow operator's account
  std::vector<SepaTransfer> transfers;  // at least one
};

// The pain.001.001.03 document, UTF-8. Text fields are reduced to the SEPA
// character set (SepaText) and cut to their sizes. kInvalidInput for an
// empty batch, or a debtor or transfer that CheckSepaTransfer / SepaName
// refuse; kInternal when the text cannot be transliterated at all.
Result<std::string> WritePain001(const SepaBatch& batch);

// `text` in the character set every SEPA bank must accept (EPC "Latin"
// set: a-z A-Z 0-9 / - ? : ( ) . , ' + and space): first transliterated
// into Latin letters ("Дмитрий" -> "Dmitrij", "Zoé" -> "Zoe", see
// ToLatinAscii), then anything else becomes a space; blanks collapse; at
// most `max_chars` characters. kInternal when ICU cannot transliterate.
Result<std::string> SepaText(std::string_view text, size_t max_chars);

// `name` (of an account holder) as a SEPA file writes it: SepaText, 70
// characters. kInvalidInput, saying so in plain words, when it keeps no
// letter or digit (emoji, symbols only): a bank pays no one called "-".
// Registration, `check` and the file all ask here, so that they agree.
Result<std::string> SepaName(std::string_view name);

// Whether `transfer` can go in a file: a positive amount and a payee name
// SepaName keeps. kInvalidInput saying why; the batch is written without
// it (WritePain001 refuses a whole batch for one bad transfer).
Result<void> CheckSepaTransfer(const SepaTransfer& transfer);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_PAIN001_H_
