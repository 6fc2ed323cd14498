// The operator's bank files (issue 13): a statement's credits recorded as
// deposits, and the pending payouts written as a SEPA credit transfer file.
#ifndef CYBERTROC_APP_BANK_FILES_H_
#define CYBERTROC_APP_BANK_FILES_H_

#include <string>
#include <vector>

#include "app/context.h"
#include "money/statement.h"

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
  };
  Outcome outcome = Outcome::kUnmatched;
  money::StatementLine line;
  std::string deal_id;  // kRecorded, kAlready, kRefused
  std::string role;
  std::string detail;  // why, for the operator
};

struct ImportReport {
  std::vector<ImportedLine> lines;  // every credit, in file order
  int debits = 0;                   // debits and zero lines, not used
};

// Records every booked credit whose remittance text names exactly one
// deal's payment reference (CT-XXXXXXXX-ROLE) as a deposit of that role,
// as `cybertroc deposit` would, with the bank's reference as --ref; each
// line at most once, whatever the number of imports (its key, and a
// deposit of the same deal already carrying that reference, say it was
// recorded). Each deposit commits alone. `dry_run` writes nothing.
Result<ImportReport> ImportStatement(Context& ctx,
                                     const money::Statement& statement,
                                     bool dry_run);

// The pending payouts that have an account, as pain.001.001.03.
struct SepaExport {
  std::string xml;                    // "" when no payout could go in it
  std::vector<int64_t> included;      // payout ids, in the file's order
  std::vector<std::string> left_out;  // one line per payout left out, why
  std::vector<std::string> notes;     // included, but worth a look
};
// kConfig without money.pay_to_iban / pay_to_name or outside the euro.
Result<SepaExport> ExportSepa(Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BANK_FILES_H_
