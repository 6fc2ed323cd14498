// Shared by the statement parsers (internal to money/).
#ifndef CYBERTROC_MONEY_STATEMENT_INTERNAL_H_
#define CYBERTROC_MONEY_STATEMENT_INTERNAL_H_

#include <map>
#include <string>
#include <string_view>

#include "money/statement.h"

namespace ct::money::internal {

// `text` on one line: control characters and runs of blanks become one
// space, ends trimmed.
std::string OneLine(std::string_view text);

// Checks every line's texts (valid UTF-8, the reference at most
// core::kMaxReferenceChars, the text at most kMaxLineTextChars) and sets
// its `key` (see StatementLine::key). kInvalidInput naming the line.
inline constexpr size_t kMaxLineTextChars = 2000;
Result<void> Finish(Statement& statement);

}  // namespace ct::money::internal

#endif  // CYBERTROC_MONEY_STATEMENT_INTERNAL_H_
