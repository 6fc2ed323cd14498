// deposits import FILE [--format camt053|csv] [--dry-run]: the credits of
// a bank statement recorded as deposits, and the debits that name a payout
// marking it done (app/bank/bank_import.h).
#include <fmt/format.h>

#include <iostream>
#include <istream>
#include <map>

#include "app/bank/bank_import.h"
#include "cli/common.h"
#include "core/limits.h"
#include "util/read_file.h"

namespace ct::cli {
namespace {

using Outcome = app::ImportedLine::Outcome;

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kRecorded:
      return "recorded";
    case Outcome::kAlready:
      return "already";
    case Outcome::kUnmatched:
      return "unmatched";
    case Outcome::kAmbiguous:
      return "ambiguous";
    case Outcome::kRefused:
      return "refused";
    case Outcome::kPending:
      return "pending";
    case Outcome::kPaidOut:
      return "paid-out";
    case Outcome::kReversed:
      return "reversed";
  }
  return "unmatched";
}

// camt.053 when the file is XML, CSV otherwise, unless --format says.
Result<std::string> StatementFormat(std::istream& in, std::string format) {
  if (format.empty()) {
    // The first byte that is not a blank (nor a byte of a UTF-8 BOM).
    constexpr std::string_view kBlank = " \t\r\n\xEF\xBB\xBF";
    int c = in.get();
    while (c != EOF && kBlank.find(static_cast<char>(c)) != kBlank.npos)
      c = in.get();
    format = c == '<' ? "camt053" : "csv";
  }
  if (format == "camt053" || format == "csv") return format;
  return Fail(ErrorKind::kUsage,
              "deposits import: --format is camt053 or csv, not '" +
                  core::Excerpt(format) + "'");
}

util::Json LineJson(const app::ImportedLine& l) {
  return util::Json::Object()
      .Set("outcome", OutcomeName(l.outcome))
      .Set("credit", l.line.credit)
      .Set("reversal", l.line.reversal)
      .Set("position", l.line.position)
      .Set("amount", l.line.amount.ToString())
      .Set("date", l.line.date)
      .Set("reference", l.line.reference)
      .Set("text", l.line.text)
      .Set("deal", l.deal_id)
      .Set("role", l.role)
      .Set("payout", l.payout_id)
      .Set("detail", l.detail)
      .Set("action", l.action);
}

// `json` (a Dump()) indented as an element of the report's "lines" array:
// the report is written as the import goes, never held whole. Every line
// break is Dump()'s own (strings escape theirs).
std::string Nested(const std::string& json) {
  std::string out;
  for (char c : json)
    out += c == '\n' ? std::string("\n    ") : std::string(1, c);
  return out;
}

// Prints the report as the import goes, a line (or a JSON element) per
// line reported, then the counts; `debits` (known from the first pass)
// comes first in JSON, as when the report was one object.
class ReportPrinter {
 public:
  ReportPrinter(const Globals& globals, bool dry_run, int debits)
      : json_(globals.json), dry_run_(dry_run) {
    if (json_)
      std::cout << "{\n  \"dry_run\": " << (dry_run ? "true" : "false")
                << ",\n  \"debits\": " << debits << ",\n  \"lines\": [";
  }

  void Line(const app::ImportedLine& l) {
    ++counts_[l.outcome];
    if (json_) {
      std::cout << (lines_++ == 0 ? "\n    " : ",\n    ")
                << Nested(LineJson(l).Dump());
      return;
    }
    const std::string who =
        l.deal_id.empty() ? "" : fmt::format(" {} {}", l.deal_id, l.role);
    // Money out shows as a negative amount, as on the statement.
    const std::string amount =
        (l.line.booked_as_credit ? "" : "-") + l.line.amount.ToString();
    std::cout << Fit(fmt::format(
                         "{:<10} line {:>4} {:>10}{}{}: {}",
                         OutcomeName(l.outcome), l.line.position, amount, who,
                         l.line.reference.empty() ? ""
                                                  : " ref " + l.line.reference,
                         l.detail.empty() ? l.line.text : l.detail),
                     160)
              << '\n';
    if (l.outcome == Outcome::kUnmatched || l.outcome == Outcome::kAmbiguous)
      std::cout << Fit("           text: " + l.line.text, 160) << '\n';
    if (!l.action.empty())
      std::cout << Fit("           now: " + l.action, 160) << '\n';
  }

  void Finish(const app::ImportReport& report) {
    if (json_) {
      std::cout << (lines_ == 0 ? "]\n}\n" : "\n  ]\n}\n");
      return;
    }
    const char* dry = dry_run_ ? "dry run: " : "";
    std::cout << fmt::format(
        "{}{} recorded, {} already recorded, {} unmatched, {} ambiguous, {} "
        "refused, {} pending, {} payouts done, {} other debits ignored\n",
        dry, counts_[Outcome::kRecorded], counts_[Outcome::kAlready],
        counts_[Outcome::kUnmatched], counts_[Outcome::kAmbiguous],
        counts_[Outcome::kRefused], counts_[Outcome::kPending],
        counts_[Outcome::kPaidOut], report.debits);
    // Rare and costly: said apart, so that it is not lost among the counts.
    if (counts_[Outcome::kReversed] > 0)
      std::cout << fmt::format(
          "{}{} deposits taken back by the bank: their payees' payouts are "
          "held (cybertroc payouts)\n",
          dry, counts_[Outcome::kReversed]);
  }

 private:
  const bool json_, dry_run_;
  int lines_ = 0;
  std::map<Outcome, int> counts_;
};

}  // namespace

Result<void> RunDeposits(const Globals& globals, const Args& args) {
  Syntax syntax("deposits import FILE [--format camt053|csv] [--dry-run]");
  syntax.options.add_options()(
      "format", po::value<std::string>()->value_name("F"),
      "camt053 or csv (default: camt053 when the file is XML)")(
      "dry-run", "say what would be recorded, record nothing");
  syntax.hidden.add_options()("action", po::value<std::string>())(
      "file", po::value<std::string>());
  syntax.positional.add("action", 1).add("file", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto action = Required(vm, "action", syntax.usage);
  CT_TRY(action);
  if (*action != "import") return WrongUsage(syntax);
  auto file = Required(vm, "file", syntax.usage);
  CT_TRY(file);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto in =
      util::OpenFileLimited(*file, core::kMaxStatementFileBytes, "statement");
  if (!in)
    return Fail(ErrorKind::kUsage, "deposits import: " + in.error().message);
  auto format = StatementFormat(**in, Optional(vm, "format"));
  CT_TRY(format);
  // Read twice, never held: checked whole first, so that a bad line
  // anywhere refuses the file before anything is recorded.
  money::StatementReader statement(**in, *format, ctx->config.bank.import_csv,
                                   ctx->config.policy.money.currency);
  int debits = 0;
  auto checked = statement.Check([&](const money::StatementLine& line) {
    if (!app::ReportsLine(line)) ++debits;
  });
  if (!checked)
    return Fail(checked.error().kind,
                *file + ": " + checked.error().message + "; nothing recorded");
  const bool dry_run = vm.count("dry-run") > 0;
  ReportPrinter printer(globals, dry_run, debits);
  auto report = app::ImportStatement(
      *ctx, statement, dry_run,
      [&](const app::ImportedLine& line) { printer.Line(line); });
  CT_TRY(report);
  printer.Finish(*report);
  return {};
}

}  // namespace ct::cli
