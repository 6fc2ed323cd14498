// resolve TX ROLE=AMOUNT ...: the operator closes an expired (or disputed)
// deal with a split of everything held.
#include "app/deals.h"
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
    if (!amount) return std::unexpected(amount.error());
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
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) return {};  // --help
  auto tx = Required(vm, "tx", syntax.usage);
  if (!tx) return std::unexpected(tx.error());
  if (!vm.count("split")) {
    return Fail(ErrorKind::kUsage,
                "missing ROLE=AMOUNT (usage: " + syntax.usage + ")");
  }
  auto id = ParseId(*tx);
  if (!id) return std::unexpected(id.error());
  auto ctx = OpenContext(globals);
  if (!ctx) return std::unexpected(ctx.error());
  auto split = ParseSplit(*ctx, vm["split"].as<std::vector<std::string>>());
  if (!split) return std::unexpected(split.error());
  auto deal = app::Resolve(*ctx, *id, *split);
  if (!deal) return std::unexpected(deal.error());
  PrintDealAfter(globals, *ctx, *deal, "resolved by the operator");
  return {};
}

}  // namespace ct::cli
