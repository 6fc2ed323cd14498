// The deciding core. Step() is the one transition function every change of a
// deal goes through: a party's code, an operator's deposit or resolve, a
// deadline or a reminder. It is pure: it returns the new deal plus the
// effects the shell must carry out in one database transaction, or a refusal
// that changes nothing.
#ifndef CYBERTROC_CORE_ENGINE_H_
#define CYBERTROC_CORE_ENGINE_H_

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/deal.h"
#include "core/policy.h"
#include "core/rules.h"

namespace ct::core {

struct Command {
  int code = 0;
  std::string actor;  // a role, "operator" or "timer"
  std::string text;   // tracking / reason (free text, may be empty)
  // 21: whose deposit and how much.
  std::string deposit_role;
  Money amount;
  std::string reference;
  // 90 and resolve: role -> amount.
  std::map<std::string, Money> split;
  // 92: days.
  int days = 0;
  // 70: +1, -1 or 0 (the comment is `text`).
  int score = 0;
};

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

// A new offer, as code 10 or `open` describes it.
struct Offer {
  std::string id;
  std::map<std::string, std::string> emails;  // role -> address
  std::map<std::string, Money> terms;         // price, shipping, value
  std::map<std::string, std::string> texts;   // item, give, take
  std::string delivery = "post";
  std::string lang;
  // Trust terms (core/trust.h): a moderator from the operator's list with
  // its fee rate, and whoever brought the buyer.
  std::string moderator;
  Rate moderator_fee;
  std::string referrer;
};

// Creates a deal in the rules' initial state with every amount frozen (dues,
// commission shares, franchise): later config changes do not alter it.
Result<Deal> NewDeal(const CaseRules& rules, const Policy& policy,
                     const Offer& offer, Time now);

// Applies `cmd` at `now`. Refusals leave `deal` as it was.
StepResult Step(const CaseRules& rules, const Policy& policy, const Deal& deal,
                const Command& cmd, Time now);

// The timer command due at `now` (a timeout, else the latest reminder not yet
// fired), if any. Feed it to Step().
std::optional<Command> DueTimer(const Policy& policy, const Deal& deal,
                                Time now);

// Codes `role` may send in the deal's current state (00 included).
std::vector<int> AllowedCodes(const CaseRules& rules, const Deal& deal,
                              const std::string& role);

// Roles (or "operator") the current state waits for, honouring marks.
std::vector<std::string> WaitingFor(const CaseRules& rules, const Deal& deal);

// Per-party progress in one state: the mark it waits for (`waits_mark`,
// "paid" for deposits) and, for each role it waits for, whether that role
// has it. Empty `parties` when the state waits for fewer than two roles
// with a mark: nothing can then be partly done.
struct StateProgress {
  std::string state;
  std::string mark;
  struct Party {
    std::string role;
    bool done = false;
  };
  std::vector<Party> parties;

  // Some but not all of the roles did their step.
  bool Partial() const;
};
StateProgress ProgressIn(const CaseRules& rules, const Deal& deal,
                         const std::string& state);

// The state the deal enters if the current deadline passes now: the
// state's `partial_timeout` when it is partly done, else its `timeout`.
// Empty when the state has no deadline.
std::string DeadlineOutcome(const CaseRules& rules, const Deal& deal);

// True when the current deadline, passing now, would not end the deal as
// silence normally does because one party performed and another did not:
// the deal then stays open, funds held, in the state's `partial_timeout`
// (disputed), and everybody, the operator too, is told who did what.
bool PartialDefaultPending(const CaseRules& rules, const Deal& deal);

// The transition rule `role` would use for `code` now, if any.
const TransitionRule* FindTransition(const CaseRules& rules, const Deal& deal,
                                     int code, const std::string& role);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_ENGINE_H_
