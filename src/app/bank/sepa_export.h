// The pending payouts written as a SEPA credit transfer file
// (pain.001.001.03) for the operator's bank.
#ifndef CYBERTROC_APP_BANK_SEPA_EXPORT_H_
#define CYBERTROC_APP_BANK_SEPA_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "app/bank/sepa_export.h"
#include "app/base/context.h"
#include "store/records.h"

namespace ct::app {

// Why pending payout `p` must not be transferred yet: the bank took back
// a deposit of its payee in that deal (ImportStatement); "" when nothing
// holds it. The operator settles it with the parties, pays by hand and
// records it with `payout-done`.
Result<std::string> PayoutHold(Context& ctx, const store::PayoutRecord& p);

// The pending payouts that have an account and no hold, as
// pain.001.001.03, names transliterated into its character set; a payee
// name that keeps nothing readable gives way to the address (noted). A
// payout that cannot be written is left out; the others are written.
struct SepaExport {
  std::string xml;                    // "" when no payout could go in it
  std::vector<int64_t> included;      // payout ids, in the file's order
  std::vector<std::string> left_out;  // one line per payout left out, why
  std::vector<std::string> notes;     // included, but worth a look
};
// kConfig without money.pay_to_iban / pay_to_name, with a pay_to_name the
// file cannot write (config::SepaPayToName, as `check`), or outside the
// euro; kInternal when ICU cannot transliterate.
Result<SepaExport> ExportSepa(Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BANK_SEPA_EXPORT_H_
