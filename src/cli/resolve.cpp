// resolve TX ROLE=AMOUNT ...: the operator closes an expired (or disputed)
// deal with a split of everything held.
#include "app/deals/deals.h"
#include "cli/common.h"

namespace ct::cli {
namespace {

Result<std::map<std::string, core::Money>> ParseSplit(
    const app::Context& ctx, const std::vector<std::string>& items) {
  std::map<std::string, core::Money> split;
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(ErrorKind::kUsage, "'" + item + "' is not ROLE=AMOUNT");
    }
    std::string role = item.substr(0, eq);
    auto amount = ParseAmount(ctx, item.substr(eq + 1), role);
    CT_TRY(amount);
    if (!split.emplace(role, *amount).second) {
      return Fail(ErrorKind::kUsage, "role '" + role + "' given twice");
    }
  }
  return split;
}

}  // namespace

Result<void> RunResolve(const Globals& globals, const Args& args) {
  Syntax syntax("resolve TX ROLE=AMOUNT ...");
  syntax.hidden.add_options()("tx", po::value<std::string>())(
      "split", po::value<std::vector<std::string>>());
  syntax.positional.add("tx", 1).add("split", -1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto tx = Required(vm, "tx", syntax.usage);
  CT_TRY(tx);
  if (!vm.count("split")) {
    return Fail(ErrorKind::kUsage,
                "missing ROLE=AMOUNT (usage: " + syntax.usage + ")");
  }
  auto id = ParseId(*tx);
  CT_TRY(id);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto split = ParseSplit(*ctx, vm["split"].as<std::vector<std::string>>());
  CT_TRY(split);
  auto deal = app::Resolve(*ctx, *id, *split);
  CT_TRY(deal);
  PrintDealAfter(globals, *ctx, *deal, "resolved by the operator");
  return {};
}

}  // namespace ct::cli
