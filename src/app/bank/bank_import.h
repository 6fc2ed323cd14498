// A bank statement read: its credits recorded as deposits, its debits that
// carry a payout's reference marking that payout done.
#ifndef CYBERTROC_APP_BANK_BANK_IMPORT_H_
#define CYBERTROC_APP_BANK_BANK_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "app/bank/bank_import.h"
#include "app/base/context.h"
#include "money/bank_statement.h"
#include "money/statement_reader.h"

namespace ct::app {

// What became of one statement line.
struct ImportedLine {
  enum class Outcome {
    kRecorded,   // recorded as a deposit now (or would be, dry run)
    kAlready,    // recorded before: by an earlier import or by hand
    kUnmatched,  // no usable payment reference: left for the operator
    kAmbiguous,  // several deals or roles named: left for the operator
    kRefused,    // the deal refuses the deposit (not awaiting it...)
    kPending,    // not booked yet: import it again once booked
    kPaidOut,    // a debit: the payout it names is marked done now
    kReversed,   // a deposit the bank took back, recorded on its deal now
  };
  Outcome outcome = Outcome::kUnmatched;
  money::StatementLine line;
  std::string deal_id;    // kRecorded, kAlready, kRefused, kPaidOut, kReversed
  std::string role;       // the depositor, or the payee of a payout
  int64_t payout_id = 0;  // a debit naming a payout (CT-PAYOUT-N)
  std::string detail;     // why, for the operator
  std::string action;     // what the operator must do now, or ""
};

// Whether ImportStatement reports `line` (a credit, a debit naming a
// payout, a reversal naming a deal); the others (fees, transfers of the
// operator's own, zero lines) are only counted, as ImportReport::debits.
bool ReportsLine(const money::StatementLine& line);

struct ImportReport {
  int lines = 0;   // reported, each as an ImportedLine
  int debits = 0;  // the lines !ReportsLine(): not used
};

// Receives each reported line as soon as it is dealt with.
using ImportedLineSink = std::function<void(const ImportedLine&)>;

// Records every booked credit whose remittance text names exactly one
// deal's payment reference (CT-XXXXXXXX-ROLE) as a deposit of that role,
// as `cybertroc deposit` would, with the bank's reference as --ref; each
// line at most once, whatever the number of imports (its key, and a
// deposit of the same deal already carrying that reference, say it was
// recorded). Each deposit commits alone.
// A booked debit whose end-to-end id or text names one payout
// (money::PayoutReference, as the pain.001 export writes it) marks that
// payout done with the bank's reference, as `payout-done` would, when the
// amounts agree; a payout done before is reported, a disagreeing amount is
// left for the operator.
// A booked DBIT reversal whose text names one deal's payment reference is a
// deposit the bank took back (the payer recalled it, a chargeback): it is
// recorded on the deal once (an event the history shows, no change of
// state), and the payouts to that role are held from `payouts --sepa`
// until the operator settles it by hand. `dry_run` writes nothing.
// REQUIRES: statement.Check() succeeded (nothing is recorded from a
// statement before it is known good). Each line ReportsLine() goes to
// `report`, in file order, as soon as it is dealt with: nothing of the
// statement is held, whatever its length.
Result<ImportReport> ImportStatement(Context& ctx,
                                     money::StatementReader& statement,
                                     bool dry_run,
                                     const ImportedLineSink& report);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BANK_BANK_IMPORT_H_
