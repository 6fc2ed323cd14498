// A statement read twice from a stream: checked whole, then handed over
// line by line with the keys the whole-statement parsers would give.
#include "money/statement_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/limits.h"
#include "money/bank_statement.h"
#include "money/camt053.h"
#include "money/statement_csv.h"

namespace ct::money {
namespace {

// What a line's content digest covers but the account, which the first
// pass learns only at its end; short, as only a hint that the digest is
// worth computing (a collision costs one digest, never a wrong key).
uint64_t ContentHash(const StatementLine& line) {
  return std::hash<std::string>{}(
      fmt::format("{}|{}|{}|{}", line.date, line.credit, line.amount.ToString(),
                  line.text));
}

}  // namespace

bool NamesReference(const StatementLine& line) {
  return !FindPaymentReferences(line.text).empty() ||
         FindPayoutReference(line.end_to_end_id) ||
         FindPayoutReference(line.text);
}

StatementReader::StatementReader(std::istream& in, std::string format,
                                 CsvLayout layout, std::string currency)
    : in_(in),
      format_(std::move(format)),
      layout_(std::move(layout)),
      currency_(std::move(currency)) {}

Result<std::string> StatementReader::Pass(const internal::LineSink& sink) {
  in_.clear();
  in_.seekg(0);
  if (!in_)
    return Fail(ErrorKind::kIo, "cannot read the statement from its start");
  if (format_ == "camt053") return internal::ReadCamt053(in_, currency_, sink);
  if (format_ == "csv") return internal::ReadCsv(in_, layout_, currency_, sink);
  return Fail(ErrorKind::kUsage,
              "no statement format '" + core::Excerpt(format_) + "'");
}

Result<void> StatementReader::Check(
    const std::function<void(const StatementLine&)>& look) {
  checked_ = false;
  unreferenced_.clear();
  size_t lines = 0, naming = 0;
  // Said only when the file has no other error, as Finish() would.
  std::optional<Error> text_error;
  auto account = Pass([&](StatementLine& line) -> Result<void> {
    if (++lines > core::kMaxStatementLines)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("more than {} lines, the most cybertroc reads "
                              "of one statement: split it by date",
                              core::kMaxStatementLines));
    if (auto ok = internal::CheckLine(format_, line); !ok && !text_error)
      text_error = std::move(ok.error());
    if (NamesReference(line)) {
      if (++naming > core::kMaxStatementReferenceLines)
        return Fail(ErrorKind::kInvalidInput,
                    fmt::format("more than {} lines name a payment reference "
                                "or a payout, the most cybertroc imports "
                                "from one statement: split it by date",
                                core::kMaxStatementReferenceLines));
      if (line.reference.empty()) unreferenced_.push_back(ContentHash(line));
    }
    if (look) look(line);
    return {};
  });
  CT_TRY(account);
  if (text_error) return std::unexpected(*text_error);
  std::sort(unreferenced_.begin(), unreferenced_.end());
  unreferenced_.erase(std::unique(unreferenced_.begin(), unreferenced_.end()),
                      unreferenced_.end());
  account_ = std::move(*account);
  checked_ = true;
  return {};
}

Result<void> StatementReader::ForEach(
    const std::function<Result<void>(const StatementLine&)>& use) {
  if (!checked_)
    return Fail(ErrorKind::kInternal, "statement read before it was checked");
  // Two identical lines are two payments: the n-th of them keeps its rank,
  // so that importing the file again finds each one recorded. A line that
  // names nothing is never recorded and gets no key, but every line
  // identical to one that names a reference counts, whether it names one
  // or not (a camt.053 end-to-end id is not in the digest): the ranks are
  // those the whole-statement parsers give.
  std::unordered_map<std::string, int> ranks;
  bool used_failed = false;
  auto account = Pass([&](StatementLine& line) -> Result<void> {
    line.key.clear();
    if (!line.reference.empty()) {
      line.key = internal::BankKey(account_, line);
    } else if (std::binary_search(unreferenced_.begin(), unreferenced_.end(),
                                  ContentHash(line))) {
      const std::string digest = internal::ContentDigest(account_, line);
      line.key = fmt::format("sha256:{}#{}", digest, ++ranks[digest]);
    }
    auto used = use(line);
    used_failed = !used;
    return used;
  });
  if (!account && !used_failed && account.error().kind != ErrorKind::kIo)
    return Fail(ErrorKind::kInvalidInput,
                "the statement changed while it was imported: " +
                    account.error().message);
  CT_TRY(account);
  if (*account != account_)
    return Fail(ErrorKind::kInvalidInput,
                "the statement changed while it was imported");
  return {};
}

}  // namespace ct::money
