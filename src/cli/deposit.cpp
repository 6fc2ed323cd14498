// deposit TX ROLE AMOUNT [--ref TEXT]: the operator records a received
// deposit (as code 21).
#include "app/deals/deals.h"
#include "cli/common.h"
#include "core/limits.h"

namespace ct::cli {

Result<void> RunDeposit(const Globals& globals, const Args& args) {
  Syntax syntax("deposit TX ROLE AMOUNT [--ref TEXT]");
  syntax.options.add_options()(
      "ref", po::value<std::string>()->value_name("TEXT"),
      "bank or payment reference, recorded in the ledger");
  syntax.hidden.add_options()("tx", po::value<std::string>())(
      "role", po::value<std::string>())("amount", po::value<std::string>());
  syntax.positional.add("tx", 1).add("role", 1).add("amount", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto tx = Required(vm, "tx", syntax.usage);
  auto role = Required(vm, "role", syntax.usage);
  auto text = Required(vm, "amount", syntax.usage);
  if (!tx || !role || !text) {
    return std::unexpected(!tx     ? tx.error()
                           : !role ? role.error()
                                   : text.error());
  }
  auto id = ParseId(*tx);
  CT_TRY(id);
  const std::string ref = Optional(vm, "ref");
  CT_TRY(core::CheckFreeText("--ref", ref, core::kMaxReferenceChars));
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto amount = ParseAmount(*ctx, *text, "AMOUNT");
  CT_TRY(amount);
  if (amount->IsZero()) {
    return Fail(ErrorKind::kInvalidInput, "AMOUNT: a deposit is more than 0");
  }
  auto deal = app::Deposit(*ctx, *id, *role, *amount, ref);
  CT_TRY(deal);
  PrintDealAfter(globals, *ctx, *deal,
                 *role + " deposit " + amount->ToString() + " recorded");
  return {};
}

}  // namespace ct::cli
