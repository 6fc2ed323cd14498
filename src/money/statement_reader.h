// Bank statements of any length the limits admit, read from a stream in
// bounded memory; and which of their lines an import may record.
#ifndef CYBERTROC_MONEY_STATEMENT_READER_H_
#define CYBERTROC_MONEY_STATEMENT_READER_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/error.h"
#include "money/bank_statement.h"
#include "money/statement_csv.h"

namespace ct::money {

// A statement read from a stream in two passes, so that memory stays
// bounded whatever its length: Check() reads it whole and refuses a bad one
// (as the Parse functions do) before anything is taken from it, then
// ForEach() reads it again and hands over each line, keyed. Limits
// (core/limits.h): kMaxStatementLines lines, kMaxStatementReferenceLines
// lines that NamesReference(), kMaxStatementRecordBytes per CSV record,
// kMaxStatementEntryBytes per camt.053 entry.
class StatementReader {
 public:
  // `format` is "camt053" or "csv" (`layout` is then used). `in` is read
  // from its start at each pass (so must be seekable) and outlives this.
  StatementReader(std::istream& in, std::string format, CsvLayout layout,
                  std::string currency);

  // The first pass. kInvalidInput with the reason (naming the line) for a
  // bad statement or one over the limits, kIo when `in` cannot be read.
  // `look`, when given, sees every line (without its key) in file order.
  Result<void> Check(const std::function<void(const StatementLine&)>& look);

  // The second pass, after Check() succeeded: each line in file order,
  // with its key. Stops at `use`'s first error and returns it; kIo (or
  // kInvalidInput when the file changed since Check()) for `in`'s.
  Result<void> ForEach(
      const std::function<Result<void>(const StatementLine&)>& use);

  // The account the file names: known after Check().
  const std::string& account() const { return account_; }

 private:
  Result<std::string> Pass(const std::function<Result<void>(StatementLine&)>&);

  std::istream& in_;
  std::string format_;
  CsvLayout layout_;
  std::string currency_;
  std::string account_;
  bool checked_ = false;
  // The lines that name a reference without carrying a bank reference, by
  // a short hash of what their digest covers (sorted): only these, and
  // lines identical to them, need their rank counted.
  std::vector<uint64_t> unreferenced_;
};

// Whether `line` names a payment reference or a payout (a line that an
// import may record), by its text or its end-to-end id.
bool NamesReference(const StatementLine& line);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_STATEMENT_READER_H_
