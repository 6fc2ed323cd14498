// The deciding core. Step() is the one transition function every change of a
// deal goes through: a party's code, an operator's deposit or resolve, a
// deadline or a reminder. It is pure: it returns the new deal plus the
// effects the shell must carry out in one database transaction, or a refusal
// that changes nothing. The rest of the core's face comes with it: the
// command (core/command.h), creating a deal (core/new_deal.h) and its
// deadlines (core/deadlines.h).
#ifndef CYBERTROC_CORE_ENGINE_H_
#define CYBERTROC_CORE_ENGINE_H_

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/command.h"
#include "core/deadlines.h"
#include "core/deal.h"
#include "core/new_deal.h"
#include "core/policy.h"
#include "core/rules.h"

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

// Applies `cmd` at `now`. Refusals leave `deal` as it was.
StepResult Step(const CaseRules& rules, const Policy& policy, const Deal& deal,
                const Command& cmd, Time now);

// Codes `role` may send in the deal's current state (00 included).
std::vector<int> AllowedCodes(const CaseRules& rules, const Deal& deal,
                              const std::string& role);

// Roles (or "operator") the current state waits for, honouring marks.
std::vector<std::string> WaitingFor(const CaseRules& rules, const Deal& deal);

// The transition rule `role` would use for `code` now, if any.
const TransitionRule* FindTransition(const CaseRules& rules, const Deal& deal,
                                     int code, const std::string& role);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_ENGINE_H_
