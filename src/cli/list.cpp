// list [--state S] [--party EMAIL] [--overdue] [--limit N] [--after TX]: one
// line per transaction, oldest first, a page at a time.
#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "app/deals/deals.h"
#include "app/deals/views.h"
#include "cli/common.h"

namespace ct::cli {
namespace {

constexpr size_t kDefaultLimit = 100;

util::Json DealJson(const store::DealSummary& deal) {
  return util::Json::Object()
      .Set("id", deal.id)
      .Set("case", deal.case_name)
      .Set("state", deal.state)
      .Set("deadline", TimeOrNull(deal.deadline))
      .Set("held", deal.held.ToString());
}

std::string DealLine(const store::DealSummary& deal, core::Time now) {
  return Fit(fmt::format("{:<11}  {:<8}  {:<17}  {:>9}  {}", deal.id,
                         deal.case_name, deal.state, deal.held.ToString(),
                         DeadlineText(deal.deadline, now)));
}

bool IsKnownState(const rules::RuleBook& book, const std::string& state) {
  for (const auto& [name, rules] : book.cases) {
    if (rules.FindState(state)) return true;
  }
  return false;
}

// --limit: a count of deals, 0 for all.
Result<size_t> ParseLimit(const std::string& text) {
  if (text.empty()) return kDefaultLimit;
  size_t limit = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Fail(
        ErrorKind::kUsage,
        "list: --limit wants a number of deals (0 = all), not '" + text + "'");
  }
  return limit;
}

Result<store::DealFilter> FilterOf(const po::variables_map& vm,
                                   const app::Context& ctx) {
  store::DealFilter filter;
  filter.state = Optional(vm, "state");
  if (!filter.state.empty() && !IsKnownState(ctx.rules, filter.state)) {
    return Fail(ErrorKind::kUsage,
                "list: no case has a state '" + filter.state + "'");
  }
  filter.party = Optional(vm, "party");
  filter.overdue = vm.count("overdue") > 0;
  auto limit = ParseLimit(Optional(vm, "limit"));
  CT_TRY(limit);
  filter.limit = *limit;
  if (const std::string after = Optional(vm, "after"); !after.empty()) {
    auto id = ParseId(after);
    CT_TRY(id);
    filter.after = *id;
  }
  return filter;
}

}  // namespace

Result<void> RunList(const Globals& globals, const Args& args) {
  Syntax syntax(
      "list [--state S] [--party EMAIL] [--overdue] [--limit N] [--after TX]");
  syntax.options.add_options()(
      "state", po::value<std::string>()->value_name("S"), "only in state S")(
      "party", po::value<std::string>()->value_name("EMAIL"),
      "only deals with that party")("overdue", "only past their deadline")(
      "limit", po::value<std::string>()->value_name("N"),
      "at most N deals (default 100, 0 = all)")(
      "after", po::value<std::string>()->value_name("TX"),
      "the page after deal TX (the last one of the previous page)");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto filter = FilterOf(vm, *ctx);
  CT_TRY(filter);
  const size_t limit = filter->limit;
  // One deal more than asked tells whether another page follows.
  if (limit != 0) ++filter->limit;
  auto deals = app::ListDeals(*ctx, *filter);
  CT_TRY(deals);
  const bool more = limit != 0 && deals->size() > limit;
  if (more) deals->resize(limit);
  PrintRows(
      globals.json, *deals, DealJson,
      [&](const store::DealSummary& deal) { return DealLine(deal, ctx->now); });
  // On stderr: stdout stays one line (or one array element) per deal.
  if (more) {
    std::cerr << fmt::format("list: {} shown, more follow: --after {}\n", limit,
                             deals->back().id);
  }
  return {};
}

}  // namespace ct::cli
