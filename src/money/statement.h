// Bank statements read for deposits: ISO 20022 camt.053 (BankToCustomer
// Statement, versions 001.02 to 001.08) and CSV exports with configurable
// columns. Pure: the caller reads the file (within its size limit) and
// decides what each credit line means.
#ifndef CYBERTROC_MONEY_STATEMENT_H_
#define CYBERTROC_MONEY_STATEMENT_H_

#include <cstdint>
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
// well-formed camt.053, has a DOCTYPE, an amount that is not one, or any
// amount or the account in a currency other than `currency`.
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
// naming the line, for a malformed file, an unknown column, a bad amount or
// a line in another currency than `currency`: nothing is taken.
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
