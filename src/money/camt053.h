// Bank statements in ISO 20022 camt.053 (BankToCustomerStatement, versions
// 001.02 to 001.08), read with libxml2 (money/xml.h).
#ifndef CYBERTROC_MONEY_CAMT053_H_
#define CYBERTROC_MONEY_CAMT053_H_

#include <istream>
#include <string>
#include <string_view>

#include "core/error.h"
#include "money/bank_statement.h"

namespace ct::money {

// camt.053: every Ntry of every Stmt; an entry that batches several
// transactions (TxDtls with their own amounts) gives one line each.
// kInvalidInput (nothing is taken from the file) when it is not a
// well-formed camt.053, has a DOCTYPE, an amount that is not one, any
// amount or the account in a currency other than `currency`, or an entry
// (or any other text or tag) over core::kMaxStatementEntryBytes.
Result<Statement> ParseCamt053(std::string_view xml, std::string_view currency);

namespace internal {

// Reads `in` to its end (ParseCamt053 says what it refuses), handing each line
// to `sink` in file order, and returns the account the file names ("" when
// none). Once the file is found bad the sink sees no more lines, but the rest
// is still read: an error of the file as a whole (not XML, a NUL byte) is the
// one reported.
Result<std::string> ReadCamt053(std::istream& in, std::string_view currency,
                                const LineSink& sink);

}  // namespace internal
}  // namespace ct::money

#endif  // CYBERTROC_MONEY_CAMT053_H_
