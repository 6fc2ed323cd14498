// Bank statements read for deposits: the lines of a statement, and the
// references found in them. The formats are read by money/camt053.h
// (ISO 20022 camt.053) and money/statement_csv.h (CSV exports), a whole
// statement in memory, which suits small ones; money/statement_reader.h
// reads any the limits admit in bounded memory. Pure: the caller opens the
// file (within its size limit) and decides what each credit line means.
#ifndef CYBERTROC_MONEY_BANK_STATEMENT_H_
#define CYBERTROC_MONEY_BANK_STATEMENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/money.h"

namespace ct::money {

// One movement on the operator's account.
struct StatementLine {
  int position = 0;     // 1-based entry (camt) or line (CSV) number
  bool credit = false;  // money in; a debit may be one of our payouts
  bool booked = true;   // camt status BOOK; pending entries may vanish
  // camt RvslInd: this entry undoes an earlier one (a credit that reverses
  // a debit is a transfer returned to us); counted as neither side's own.
  bool reversal = false;
  // The side the bank booked, reversal or not: money in (CRDT) or out
  // (DBIT). A DBIT reversal is a credit taken back: a deposit's payer
  // recalled it, or the bank returned it (a chargeback).
  bool booked_as_credit = false;
  core::Money amount;     // > 0
  std::string reference;  // the bank's own reference for the entry
  // Identifies the line across imports: the bank reference (with the
  // account when known), or, when the bank gives none, a digest of the
  // line's content and its rank among identical lines of the file.
  // StatementReader keys only the lines an import may record (those that
  // NamesReference(), and lines identical to one): "" for the others.
  std::string key;
  std::string date;    // booking date YYYY-MM-DD, or as the CSV has it
  std::string text;    // remittance information and notes, on one line
  std::string debtor;  // who paid, when the bank says
  // camt.053 Refs/EndToEndId: on a debit, the id our pain.001 gave the
  // transfer (PayoutReference); "" when the bank gives none.
  std::string end_to_end_id;
};

struct Statement {
  std::string format;   // "camt053" or "csv"
  std::string account;  // the account's IBAN, when the file names it
  std::vector<StatementLine> lines;
};

// An amount as statements write it: optional sign, digits grouped by
// blanks or the other mark in threes, `decimal_mark`, decimals (beyond the
// cent only zeros). Sets *negative.
Result<core::Money> ParseStatementAmount(std::string_view text,
                                         char decimal_mark, bool* negative);

// A payment reference found in remittance text: "CT-7K3QX9A2-BUYER", also
// as banks mangle it (any case, blanks or no hyphens, Crockford
// look-alikes: "ct 7k3qx9a2 buyer", "CT7K3QX9A2BUYER").
struct PaymentReference {
  std::string deal_id;  // "CT-7K3QX9A2"
  std::string role;     // lower case; may be a word that is no role
  friend bool operator==(const PaymentReference&,
                         const PaymentReference&) = default;
  friend auto operator<=>(const PaymentReference&,
                          const PaymentReference&) = default;
};
// Every distinct reference in `text`, in order of appearance.
std::vector<PaymentReference> FindPaymentReferences(std::string_view text);

// The EndToEndId of payout `id` in the pain.001 file, "CT-PAYOUT-17": the
// bank returns it with the debit on the operator's statement, which is how
// an imported statement marks the payout done.
std::string PayoutReference(int64_t id);
// The payout id in `text` (an EndToEndId, or remittance text holding one,
// in any case, with or without hyphens), or nullopt when there is none or
// more than one.
std::optional<int64_t> FindPayoutReference(std::string_view text);

// Internal to money/: what the statement readers (camt053.cpp,
// statement_csv.cpp, statement_reader.cpp) share.
namespace internal {

// Receives each line of a statement as it is read, without its key; an
// error ends the reading at once and is what the reader returns.
using LineSink = std::function<Result<void>(StatementLine&)>;

// `text` on one line: control characters and runs of blanks become one
// space, ends trimmed.
std::string OneLine(std::string_view text);

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

}  // namespace internal
}  // namespace ct::money

#endif  // CYBERTROC_MONEY_BANK_STATEMENT_H_
