// What Step() returns: the new deal and the effects the shell carries out,
// or a refusal. Apart from core/engine.h so that the engine's helpers
// (core/settle.h, core/trust_terms.h) can build effects without including
// the engine that calls them.
#ifndef CYBERTROC_CORE_STEP_RESULT_H_
#define CYBERTROC_CORE_STEP_RESULT_H_

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/deal.h"
#include "core/money.h"

namespace ct::core {

// kShare: part of the commission already taken, passed on to a third person
// (a referrer, a moderator); it leaves no held money (docs/money.md).
enum class LedgerKind { kDeposit, kCommission, kPayout, kShare };

struct LedgerMove {
  LedgerKind kind;
  std::string role;  // depositor / payee role ("operator" for fees)
  Money amount;      // always positive; kind gives the direction
  std::string reason;
  std::string reference;
};

struct PayoutOrder {
  std::string payee;  // role or "operator"
  Money amount;
  std::string reason;  // payment, bond_refund, franchise, refund, settlement,
                       // excess
};

struct Notification {
  std::string to;  // role or "operator"
  std::vector<std::string> templates;
  bool to_actor = false;  // confirmation to the sender of the command
};

struct Effects {
  std::string from_state;
  std::string to_state;  // == from_state when it did not move
  std::vector<LedgerMove> ledger;
  std::vector<PayoutOrder> payouts;
  std::vector<Notification> notifications;
  bool deadline_extended = false;
};

struct Outcome {
  Deal deal;
  Effects effects;
};

struct Refusal {
  std::string reason;        // in English, for logs and the history
  std::vector<int> allowed;  // codes this sender may send now
  // For a translated reply: the kind of refusal ("not_now", ...) and its
  // values ("code", "state", "roles"); empty when only `reason` exists.
  std::string key;
  std::map<std::string, std::string> args;
};

using StepResult = std::variant<Outcome, Refusal>;

}  // namespace ct::core

#endif  // CYBERTROC_CORE_STEP_RESULT_H_
