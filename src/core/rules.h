// The rules model: a case (sale, exchange, ...) as data. rules/*.toml are
// loaded into this by rules/loader.cpp and interpreted by core/engine.h; the
// engine knows nothing specific to a sale or an exchange.
#ifndef CYBERTROC_CORE_RULES_H_
#define CYBERTROC_CORE_RULES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/expr.h"

namespace ct::core {

// Codes of docs/protocol.md, plus internal ones that never come from mail.
namespace code {
inline constexpr int kStatus = 0;
inline constexpr int kOffer = 10;
inline constexpr int kAccept = 11;
inline constexpr int kDecline = 12;
inline constexpr int kWithdraw = 13;
inline constexpr int kDeposit = 21;
inline constexpr int kShipped = 40;
inline constexpr int kSatisfied = 61;
inline constexpr int kNotSatisfied = 62;
inline constexpr int kNotReceived = 63;
inline constexpr int kReturnShipped = 81;
inline constexpr int kPropose = 90;
inline constexpr int kAcceptProposal = 91;
inline constexpr int kExtend = 92;
inline constexpr int kReturnAccepted = 101;
inline constexpr int kReturnRejected = 102;
// A party's rating of the other once the deal is over (app/ratings.cpp):
// not a transition of any case, so not in IsKnownCode().
inline constexpr int kRate = 70;
// Internal: never parsed from mail.
inline constexpr int kResolve = 1000;   // operator closes with a split (CLI)
inline constexpr int kTimeout = 1001;   // a deadline passed
inline constexpr int kReminder = 1002;  // a reminder is due
// The bank took back a deposit it had credited (a statement's DBIT
// reversal): recorded on the deal for the operator, no change of state.
inline constexpr int kBankReversal = 1003;
}  // namespace code

// Returns true for the codes a rules file may name.
bool IsKnownCode(int c);

inline constexpr char kOperatorRole[] = "operator";
inline constexpr char kTimerRole[] = "timer";

// What a transition does besides (maybe) moving the deal.
enum class Action {
  kMove,            // plain move (optionally gated by per-party marks)
  kDeposit,         // record a deposit; move when every party has paid
  kPropose,         // record a split proposal of the funds held
  kAcceptProposal,  // accept the other party's proposal; move
  kResolve,         // operator split; move
  kExtend,          // joint extension of the current deadline
  kStatus,          // no change; reply with the state
};

// How money leaves when a deal enters a final state.
enum class Settlement {
  kNone,            // not a final state
  kFormula,         // payouts listed in the rules ("completed", "refunded")
  kReturnDeposits,  // every party gets back what it paid, less commission taken
  kSplit,           // as agreed by 90/91 or decided by `resolve`
};

struct PayoutRule {
  std::string payee;  // a role or "operator"
  LinearExpr amount;
  std::string reason;  // payment, bond_refund, franchise, refund, ...
};

struct StateRule {
  std::string name;
  bool is_final = false;
  std::string deadline;    // deadline key, e.g. "offer_days"
  std::string timeout_to;  // state entered when the deadline passes
  // Entered instead when the deadline passes after some but not all of the
  // waiting roles left `waits_mark` (one shipped, the other not): the one
  // who performed must not lose to the one who did not (docs/protocol.md
  // "Deadlines and silence"). Required where several roles wait with a mark.
  std::string partial_timeout_to;
  std::vector<std::string> waits_for;  // roles (or "operator") who must act
  std::string waits_mark;              // exchange: only roles lacking this mark
  std::vector<std::string> on_enter;   // templates sent when entered
  std::string realert;  // timeout_to == name: template re-alerting waiters
  Settlement settlement = Settlement::kNone;
  std::vector<PayoutRule> payouts;  // kFormula only
};

struct TransitionRule {
  int code = 0;
  std::vector<std::string> from;  // states
  std::vector<std::string> by;    // roles allowed to send it
  Action action = Action::kMove;
  std::string to;         // target state ("" = stays)
  std::string mark;       // per-party progress flag set on the sender
  bool when_all = false;  // move only once every role in `by` has `mark`
  std::vector<std::string> notify;       // templates, always
  std::vector<std::string> notify_done;  // templates, only when it moves
  bool notify_operator = false;
  std::string summary;  // one line for help and "what you may send now"
  // Delivery modes this rule applies to ("" = every mode): a digital copy
  // cannot be sent back, so its 62 opens a dispute instead.
  std::vector<std::string> delivery;
};

// [moderation]: a third role, named by the offer's `moderator:` field
// (one of the operator's moderators), that may take part in a dispute:
// two of the three release the money (docs/protocol.md "Moderators").
struct ModerationRule {
  std::string role;     // "moderator"; "" = the case has none
  LinearExpr fee_base;  // the moderator's percentage applies to this
  std::vector<std::string> fee_on;     // final states that pay the fee
  std::vector<std::string> notify_in;  // states the moderator hears about
};

struct TermRule {
  std::string name;      // price, shipping, value
  bool required = true;  // optional terms default to 0
};

struct CaseRules {
  std::string name;                // "sale"
  std::string source;              // file it came from, for messages
  std::vector<std::string> roles;  // ["seller", "buyer"]
  std::string initiator;           // role of the offer sender
  std::string initial_state;
  // Offer field naming the other party ("with"); empty: its role name.
  std::string counterparty_field;
  std::vector<TermRule> terms;
  std::vector<std::string> texts;              // item / give / take
  std::vector<std::string> delivery_modes;     // "post", "hand"
  std::map<std::string, LinearExpr> vars;      // derived amounts (bond)
  std::map<std::string, LinearExpr> deposits;  // role -> due before commission
  LinearExpr commission_base;
  std::map<std::string, std::string> commission_payer;  // seller/buyer -> role
  LinearExpr franchise_base;
  LinearExpr franchise_cap;  // franchise never exceeds this (the bond)
  std::vector<StateRule> states;
  std::vector<TransitionRule> transitions;
  ModerationRule moderation;
  // [referral] share_on: final states in which a named `referrer:` gets
  // money.referral_share of the commission (empty: no referrals).
  std::vector<std::string> referral_on;
  // [delivery_texts]: offer fields a delivery mode requires ("digital" ->
  // ["sha256"]).
  std::map<std::string, std::vector<std::string>> delivery_texts;

  const StateRule* FindState(const std::string& name) const;
  bool HasRole(const std::string& role) const;
  // The moderator role of a case that has one.
  bool IsModeratorRole(const std::string& role) const {
    return !moderation.role.empty() && role == moderation.role;
  }
};

}  // namespace ct::core

#endif  // CYBERTROC_CORE_RULES_H_
