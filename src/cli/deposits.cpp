// deposits import FILE [--format camt053|csv] [--dry-run]: the credits of
// a bank statement recorded as deposits, and the debits that name a payout
// marking it done (app/bank_files.h).
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "app/bank_files.h"
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
Result<money::Statement> ParseStatement(const app::Context& ctx,
                                        const std::string& text,
                                        std::string format) {
  if (format.empty()) {
    const size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    format =
        first != std::string::npos && text[first] == '<' ? "camt053" : "csv";
  }
  const std::string& currency = ctx.config.policy.money.currency;
  if (format == "camt053") return money::ParseCamt053(text, currency);
  if (format == "csv")
    return money::ParseCsvStatement(text, ctx.config.bank.import_csv, currency);
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

void PrintReport(const Globals& globals, const app::ImportReport& report,
                 bool dry_run) {
  if (globals.json) {
    util::Json lines = util::Json::Array();
    for (const auto& l : report.lines) lines.Push(LineJson(l));
    PrintJson(util::Json::Object()
                  .Set("dry_run", dry_run)
                  .Set("debits", report.debits)
                  .Set("lines", lines));
    return;
  }
  std::map<Outcome, int> counts;
  for (const auto& l : report.lines) {
    ++counts[l.outcome];
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
  std::cout << fmt::format(
      "{}{} recorded, {} already recorded, {} unmatched, {} ambiguous, {} "
      "refused, {} pending, {} payouts done, {} other debits ignored\n",
      dry_run ? "dry run: " : "", counts[Outcome::kRecorded],
      counts[Outcome::kAlready], counts[Outcome::kUnmatched],
      counts[Outcome::kAmbiguous], counts[Outcome::kRefused],
      counts[Outcome::kPending], counts[Outcome::kPaidOut], report.debits);
  // Rare and costly: said apart, so that it is not lost among the counts.
  if (counts[Outcome::kReversed] > 0)
    std::cout << fmt::format(
        "{}{} deposits taken back by the bank: their payees' payouts are "
        "held (cybertroc payouts)\n",
        dry_run ? "dry run: " : "", counts[Outcome::kReversed]);
}

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
  if (*action != "import")
    return Fail(ErrorKind::kUsage, "usage: cybertroc " + syntax.usage);
  auto file = Required(vm, "file", syntax.usage);
  CT_TRY(file);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto text =
      util::ReadFileLimited(*file, core::kMaxStatementFileBytes, "statement");
  if (!text)
    return Fail(ErrorKind::kUsage, "deposits import: " + text.error().message);
  auto statement = ParseStatement(*ctx, *text, Optional(vm, "format"));
  if (!statement)
    return Fail(
        statement.error().kind,
        *file + ": " + statement.error().message + "; nothing recorded");
  const bool dry_run = vm.count("dry-run") > 0;
  auto report = app::ImportStatement(*ctx, *statement, dry_run);
  CT_TRY(report);
  PrintReport(globals, *report, dry_run);
  return {};
}

}  // namespace ct::cli
