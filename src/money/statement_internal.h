// Shared by the statement parsers (internal to money/).
#ifndef CYBERTROC_MONEY_STATEMENT_INTERNAL_H_
#define CYBERTROC_MONEY_STATEMENT_INTERNAL_H_

#include <functional>
#include <istream>
#include <map>
#include <string>
#include <string_view>

#include "money/statement.h"

namespace ct::money::internal {

// `text` on one line: control characters and runs of blanks become one
// space, ends trimmed.
std::string OneLine(std::string_view text);

// Receives each line of a statement as it is read, without its key; an
// error ends the reading at once and is what the reader returns.
using LineSink = std::function<Result<void>(StatementLine&)>;

// Reads `in` to its end (ParseCamt053 and ParseCsvStatement say what they
// refuse), handing each line to `sink` in file order, and returns the
// account the file names ("" when none). Once the file is found bad the
// sink sees no more lines, but the rest is still read: an error of the
// file as a whole (not XML, a NUL byte) is the one reported.
Result<std::string> ReadCamt053(std::istream& in, std::string_view currency,
                                const LineSink& sink);
Result<std::string> ReadCsv(std::istream& in, const CsvLayout& layout,
                            std::string_view currency, const LineSink& sink);

// Checks a line's texts: valid UTF-8, the reference at most
// core::kMaxReferenceChars, the text at most kMaxLineTextChars.
// kInvalidInput naming the line.
inline constexpr size_t kMaxLineTextChars = 2000;
Result<void> CheckLine(std::string_view format, const StatementLine& line);

// The key of a line with a bank reference, of `account`'s statement.
std::string BankKey(std::string_view account, const StatementLine& line);
// The digest of what a line without one says (its key is
// "sha256:DIGEST#RANK", RANK counting identical lines from 1).
std::string ContentDigest(std::string_view account, const StatementLine& line);

// CheckLine()s every line and sets its `key` (see StatementLine::key).
Result<void> Finish(Statement& statement);

}  // namespace ct::money::internal

#endif  // CYBERTROC_MONEY_STATEMENT_INTERNAL_H_
