// Bank statements read for deposits: ISO 20022 camt.053 (BankToCustomer
// Statement, versions 001.02 to 001.08) and CSV exports with configurable
// columns. Pure: the caller opens the file (within its size limit) and
// decides what each credit line means. A whole statement in memory
// (ParseCamt053, ParseCsvStatement) suits small ones; StatementReader reads
// any the limits admit in bounded memory.
#ifndef CYBERTROC_MONEY_STATEMENT_H_
#define CYBERTROC_MONEY_STATEMENT_H_

#include <cstdint>
#include <functional>
#include <istream>
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

// camt.053: every Ntry of every Stmt; an entry that batches several
// transactions (TxDtls with their own amounts) gives one line each.
// kInvalidInput (nothing is taken from the file) when it is not a
// well-formed camt.053, has a DOCTYPE, an amount that is not one, any
// amount or the account in a currency other than `currency`, or an entry
// (or any other text or tag) over core::kMaxStatementEntryBytes.
Result<Statement> ParseCamt053(std::string_view xml, std::string_view currency);

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

// The EndToEndId of payout `id` in the pain.001 file, "CT-PAYOUT-17": the
// bank returns it with the debit on the operator's statement, which is how
// an imported statement marks the payout done.
std::string PayoutReference(int64_t id);
// The payout id in `text` (an EndToEndId, or remittance text holding one,
// in any case, with or without hyphens), or nullopt when there is none or
// more than one.
std::optional<int64_t> FindPayoutReference(std::string_view text);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_STATEMENT_H_
