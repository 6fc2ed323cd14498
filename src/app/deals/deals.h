// The shell around the engine for operator commands and read models: each
// operation loads what it needs, asks core::Step, and commits the outcome
// (app/deals/commit.h). Used by the CLI and by the mail pipeline.
#ifndef CYBERTROC_APP_DEALS_DEALS_H_
#define CYBERTROC_APP_DEALS_DEALS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/base/context.h"
#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "core/engine.h"
#include "store/records.h"

namespace ct::app {

// `open`: the operator opens an already accepted deal.
struct OpenRequest {
  std::string case_name;                      // "sale", "exchange"
  std::map<std::string, std::string> emails;  // role -> address
  std::map<std::string, core::Money> terms;   // price, shipping, value
  std::map<std::string, std::string> texts;   // item, give, take
  std::string delivery = "post";
  std::string lang;  // "" = templates.default_language
  // The trust terms an offer by mail may carry (docs/protocol.md): a
  // moderator from the operator's list and a referrer; "" = none. A
  // delivery mode's own texts (digital: sha256) go in `texts`.
  std::string moderator;
  std::string referrer;
};

// Creates the deal (code 10 by the initiator) and accepts it (code 11 by
// the counterparty) in one transaction: two events. Returns the new id.
// kUsage for an unknown case, kInvalidInput for bad terms or addresses.
Result<std::string> OpenDeal(Context& ctx, const OpenRequest& request);

// An offer received by mail (code 10): creates the deal in its initial
// state, records event 10 and tells both parties. REQUIRES: an open
// transaction (the caller commits it with the inbox row). Returns the id.
Result<std::string> WriteOffer(Context& ctx, const core::CaseRules& rules,
                               core::Offer offer, const Origin& origin);

// Code 21 by the operator. kNotFound for an unknown deal, kUsage for a role
// that is not one of the case, kRefused (with the reason and the codes
// allowed now; recorded as a refused event) when the engine refuses.
Result<core::Deal> Deposit(Context& ctx, const std::string& id,
                           const std::string& role, core::Money amount,
                           const std::string& reference);

// core::code::kResolve by the operator with `split` (role -> amount).
Result<core::Deal> Resolve(Context& ctx, const std::string& id,
                           const std::map<std::string, core::Money>& split);

// Applies an operator command to deal `id` in one transaction (shared by
// Deposit and Resolve).
Result<core::Deal> ApplyOperatorCommand(Context& ctx, const std::string& id,
                                        const core::Command& cmd);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_DEALS_H_
