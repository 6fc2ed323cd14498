// Bank statements in CSV, as banks export them, with configurable columns.
#ifndef CYBERTROC_MONEY_STATEMENT_CSV_H_
#define CYBERTROC_MONEY_STATEMENT_CSV_H_

#include <istream>
#include <string>
#include <string_view>

#include "core/error.h"
#include "money/bank_statement.h"

namespace ct::money {

// Where the columns of a CSV statement are. A column is a header name
// (case and blanks ignored) or a 1-based number.
struct CsvLayout {
  char delimiter = ',';
  int skip_lines = 0;  // lines before the header (account details...)
  bool header = true;  // the first line names the columns
  std::string amount = "amount";  // signed; negative = debit
  std::string credit;             // or: credits only, empty cell = not a credit
  std::string text = "text";      // one or more, comma-separated, joined
  std::string reference;          // "" = none: lines keyed by content
  std::string date;               // "" = none
  std::string currency;           // "" = every line is in `currency`
  char decimal_mark = '.';
};

// A CSV statement (RFC 4180 quoting, UTF-8, LF or CRLF). kInvalidInput,
// naming the line, for a malformed file, an unknown column, a bad amount, a
// line in another currency than `currency` or a record over
// core::kMaxStatementRecordBytes: nothing is taken.
Result<Statement> ParseCsvStatement(std::string_view csv, const CsvLayout& l,
                                    std::string_view currency);

namespace internal {

// Reads `in` to its end as ReadCamt053 does (money/camt053.h), for a CSV
// statement laid out as `layout` says (ParseCsvStatement says what it
// refuses).
Result<std::string> ReadCsv(std::istream& in, const CsvLayout& layout,
                            std::string_view currency, const LineSink& sink);

}  // namespace internal
}  // namespace ct::money

#endif  // CYBERTROC_MONEY_STATEMENT_CSV_H_
