// list [--state S] [--party EMAIL] [--overdue]: one line per transaction.
#include <fmt/format.h>

#include <iostream>

#include "app/deals.h"
#include "cli/common.h"

namespace ct::cli {
namespace {

util::Json DealJson(const core::Deal& deal) {
  return util::Json::Object()
      .Set("id", deal.id)
      .Set("case", deal.case_name)
      .Set("state", deal.state)
      .Set("deadline", deal.deadline
                           ? util::Json(core::FormatIsoTime(*deal.deadline))
                           : util::Json::Null())
      .Set("held", deal.Held().ToString());
}

std::string DealLine(const core::Deal& deal, core::Time now) {
  return Fit(fmt::format("{:<11}  {:<8}  {:<17}  {:>9}  {}", deal.id,
                         deal.case_name, deal.state, deal.Held().ToString(),
                         DeadlineText(deal.deadline, now)));
}

bool IsKnownState(const rules::RuleBook& book, const std::string& state) {
  for (const auto& [name, rules] : book.cases) {
    if (rules.FindState(state)) return true;
  }
  return false;
}

}  // namespace

Result<void> RunList(const Globals& globals, const Args& args) {
  Syntax syntax("list [--state S] [--party EMAIL] [--overdue]");
  syntax.options.add_options()(
      "state", po::value<std::string>()->value_name("S"), "only in state S")(
      "party", po::value<std::string>()->value_name("EMAIL"),
      "only deals with that party")("overdue", "only past their deadline");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) return {};  // --help
  auto ctx = OpenContext(globals);
  if (!ctx) return std::unexpected(ctx.error());
  store::DealFilter filter;
  filter.state = Optional(vm, "state");
  if (!filter.state.empty() && !IsKnownState(ctx->rules, filter.state)) {
    return Fail(ErrorKind::kUsage,
                "list: no case has a state '" + filter.state + "'");
  }
  filter.party = Optional(vm, "party");
  filter.overdue = vm.count("overdue") > 0;
  auto deals = app::ListDeals(*ctx, filter);
  if (!deals) return std::unexpected(deals.error());
  if (globals.json) {
    util::Json list = util::Json::Array();
    for (const auto& deal : *deals) list.Push(DealJson(deal));
    PrintJson(list);
    return {};
  }
  for (const auto& deal : *deals) std::cout << DealLine(deal, ctx->now) << '\n';
  return {};
}

}  // namespace ct::cli
