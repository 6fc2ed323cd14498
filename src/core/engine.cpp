// Step(): the one transition function. Reads the rules, never the world.
#include "core/engine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

#include "core/deadlines.h"
#include "core/settle.h"
#include "core/trust_terms.h"

namespace ct::core {
namespace {

using internal::Contains;

// A refusal with only an English reason (no translation key).
Refusal Plain(std::string reason) {
  Refusal r;
  r.reason = std::move(reason);
  return r;
}

constexpr int kMaxExtendDays = 366;

Refusal Refuse(const CaseRules& rules, const Deal& deal, const Command& cmd,
               std::string reason) {
  Refusal r = Plain(std::move(reason));
  r.allowed = AllowedCodes(rules, deal, cmd.actor);
  return r;
}

std::string RoleList(const std::vector<std::string>& roles) {
  std::string out;
  for (size_t i = 0; i < roles.size(); ++i)
    out += (i == 0 ? "" : i + 1 == roles.size() ? " or " : ", ") + roles[i];
  return out;
}

// Why no transition matches: not this case, not this sender, or not now.
Refusal WhyNot(const CaseRules& rules, const Deal& deal, const Command& cmd) {
  std::vector<std::string> senders;
  bool in_case = false;
  for (const auto& t : rules.transitions) {
    if (t.code != cmd.code) continue;
    in_case = true;
    if (Contains(t.from, deal.state))
      for (const auto& r : t.by)
        if (!Contains(senders, r)) senders.push_back(r);
  }
  Refusal r = Refuse(rules, deal, cmd, "");
  std::string code = fmt::format("{:02}", cmd.code);
  r.args = {{"code", code}, {"case", rules.name}, {"state", deal.state}};
  if (!in_case) {
    r.key = "not_in_case";
    r.reason = fmt::format("code {} is not used in a {}", code, rules.name);
  } else if (!senders.empty()) {
    r.key = "not_sender";
    r.args["roles"] = fmt::format("{}", fmt::join(senders, ","));
    r.reason =
        fmt::format("only the {} may send {} now", RoleList(senders), code);
  } else {
    r.key = "not_now";
    r.reason = fmt::format("code {} cannot be sent while the deal is {}", code,
                           deal.state);
  }
  return r;
}

bool AllMarked(const Deal& deal, const TransitionRule& t) {
  for (const auto& role : t.by) {
    const PartyState* p = deal.Party(role);
    if (p && !p->marks.contains(t.mark)) return false;
  }
  return true;
}

bool AllPaid(const Deal& deal) {
  return std::all_of(deal.parties.begin(), deal.parties.end(),
                     [](const PartyState& p) { return p.Paid(); });
}

void TakeCommission(Deal& deal, Effects& effects) {
  deal.funded = true;
  for (const auto& p : deal.parties) {
    if (p.commission.IsZero()) continue;
    deal.paid_out += p.commission;
    effects.ledger.push_back(
        {LedgerKind::kCommission, p.role, p.commission, "commission", ""});
  }
}

// Everybody hears about a change; the operator when money moves or when it
// is the one who must act.
void Notify(const CaseRules& rules, const Deal& deal, const Command& cmd,
            const std::vector<std::string>& templates, bool operator_too,
            Effects& effects) {
  if (templates.empty()) return;
  for (const auto& p : deal.parties)
    effects.notifications.push_back({p.role, templates, p.role == cmd.actor});
  bool op_waits = Contains(WaitingFor(rules, deal), kOperatorRole);
  if (operator_too || op_waits || cmd.actor == kOperatorRole ||
      !effects.payouts.empty()) {
    std::vector<std::string> op = templates;
    if (!effects.payouts.empty()) op.push_back("payout_instructions");
    effects.notifications.push_back(
        {kOperatorRole, op, cmd.actor == kOperatorRole});
  }
}

// Moves to `to`, settling if it is final. Returns false (with `error`) when
// the settlement would break conservation: the caller refuses instead.
Result<void> MoveTo(const CaseRules& rules, const Policy& policy, Deal& deal,
                    const std::string& to,
                    const std::map<std::string, Money>& split, Time now,
                    Effects& effects) {
  const StateRule* target = rules.FindState(to);
  if (!target) return Fail(ErrorKind::kInternal, "unknown state " + to);
  internal::EnterState(rules, policy, deal, to, now);
  if (target->is_final) {
    deal.proposal.reset();
    CT_TRY(internal::Settle(rules, *target, deal, split, effects));
  }
  effects.to_state = to;
  return {};
}

// A command whose rule `t` matched, being applied to a copy of the deal.
// Each action's function changes `deal` and `fx`, and decides whether the
// deal moves to `t.to` (`move`) and how a final state splits (`split`).
struct Applying {
  Applying(const CaseRules& rules, const Policy& policy, const Deal& before,
           const TransitionRule& t, const Command& cmd, Time now)
      : rules(rules),
        policy(policy),
        before(before),
        t(t),
        cmd(cmd),
        now(now),
        deal(before),
        move(!t.to.empty()) {
    fx.from_state = fx.to_state = deal.state;
  }

  const CaseRules& rules;
  const Policy& policy;
  const Deal& before;
  const TransitionRule& t;
  const Command& cmd;
  Time now;
  Deal deal;
  Effects fx;
  bool move;
  std::map<std::string, Money> split;

  StepResult Refuse(std::string why) const {
    return core::Refuse(rules, before, cmd, std::move(why));
  }
};

// What an action's function returns: a refusal or a complete outcome, or
// nothing when Finish() moves and notifies as for every other action.
using ActionResult = std::optional<StepResult>;

ActionResult ApplyStatus(Applying& a) {
  a.fx.notifications.push_back({a.cmd.actor, a.t.notify, true});
  return Outcome{a.deal, a.fx};
}

// A plain move; with a mark, only once every role of the rule has sent it.
ActionResult ApplyMove(Applying& a) {
  if (a.t.mark.empty()) return std::nullopt;
  PartyState* p = a.deal.Party(a.cmd.actor);
  if (!p) return a.Refuse("only a party can send this");
  if (p->marks.contains(a.t.mark)) {
    const std::string code = fmt::format("{:02}", a.cmd.code);
    Refusal r = Refuse(a.rules, a.before, a.cmd,
                       fmt::format("you already sent {}", code));
    r.key = "already_sent";
    r.args = {{"code", code}};
    return r;
  }
  p->marks.insert(a.t.mark);
  if (a.t.when_all) a.move = a.move && AllMarked(a.deal, a.t);
  return std::nullopt;
}

// Records a deposit; the deal moves, and the commission is taken, once
// every party has paid.
ActionResult ApplyDeposit(Applying& a) {
  const Command& cmd = a.cmd;
  PartyState* p = a.deal.Party(cmd.deposit_role);
  if (!p)
    return a.Refuse(fmt::format("'{}' is not a party of this {}",
                                cmd.deposit_role, a.rules.name));
  if (cmd.amount <= Money())
    return a.Refuse("a deposit must be more than zero");
  p->deposited += cmd.amount;
  a.deal.paid_in += cmd.amount;
  a.fx.ledger.push_back(
      {LedgerKind::kDeposit, p->role, cmd.amount, "deposit", cmd.reference});
  a.move = a.move && AllPaid(a.deal);
  if (a.move) TakeCommission(a.deal, a.fx);
  return std::nullopt;
}

ActionResult ApplyPropose(Applying& a) {
  if (auto ok = internal::CheckSplit(a.rules, a.deal, a.cmd.split); !ok)
    return a.Refuse(ok.error().message);
  a.deal.proposal = Proposal{a.cmd.actor, a.cmd.split};
  return std::nullopt;
}

ActionResult ApplyAcceptProposal(Applying& a) {
  if (!a.deal.proposal) return a.Refuse("there is no proposal to accept");
  if (a.deal.proposal->by == a.cmd.actor)
    return a.Refuse("you cannot accept your own proposal");
  a.split = a.deal.proposal->split;
  return std::nullopt;
}

ActionResult ApplyResolve(Applying& a) {
  if (auto ok = internal::CheckSplit(a.rules, a.deal, a.cmd.split); !ok)
    return a.Refuse(ok.error().message);
  a.split = a.cmd.split;
  return std::nullopt;
}

// A joint extension: the deadline moves once every party asked for the same
// number of days. Never changes the state.
ActionResult ApplyExtend(Applying& a) {
  const int days = a.cmd.days;
  if (!a.deal.deadline) return a.Refuse("there is no deadline to extend");
  if (days < 1 || days > kMaxExtendDays)
    return a.Refuse(fmt::format("extend by 1 to {} days", kMaxExtendDays));
  PartyState* p = a.deal.Party(a.cmd.actor);
  if (!p) return a.Refuse("only a party can extend a deadline");
  p->extend_days = days;
  const bool agreed =
      std::all_of(a.deal.parties.begin(), a.deal.parties.end(),
                  [&](const PartyState& q) { return q.extend_days == days; });
  if (agreed) {
    *a.deal.deadline += Days(days);
    for (auto& q : a.deal.parties) q.extend_days = 0;
    a.deal.reminders_fired = internal::RemindersPassed(a.policy, a.deal, a.now);
    a.fx.deadline_extended = true;
  }
  Notify(a.rules, a.deal, a.cmd, agreed ? a.t.notify_done : a.t.notify,
         a.t.notify_operator, a.fx);
  return Outcome{a.deal, a.fx};
}

ActionResult ApplyAction(Applying& a) {
  switch (a.t.action) {
    case Action::kStatus:
      return ApplyStatus(a);
    case Action::kMove:
      return ApplyMove(a);
    case Action::kDeposit:
      return ApplyDeposit(a);
    case Action::kPropose:
      return ApplyPropose(a);
    case Action::kAcceptProposal:
      return ApplyAcceptProposal(a);
    case Action::kResolve:
      return ApplyResolve(a);
    case Action::kExtend:
      return ApplyExtend(a);
  }
  return std::nullopt;
}

// After the action: the move (settling a final state) and who hears of it.
StepResult Finish(Applying& a) {
  std::vector<std::string> templates = a.t.notify;
  if (a.move) {
    if (auto ok =
            MoveTo(a.rules, a.policy, a.deal, a.t.to, a.split, a.now, a.fx);
        !ok)
      return a.Refuse("internal error: " + ok.error().message);
    templates.insert(templates.end(), a.t.notify_done.begin(),
                     a.t.notify_done.end());
    const StateRule* target = a.rules.FindState(a.t.to);
    templates.insert(templates.end(), target->on_enter.begin(),
                     target->on_enter.end());
  }
  Notify(a.rules, a.deal, a.cmd, templates, a.t.notify_operator, a.fx);
  return Outcome{a.deal, a.fx};
}

}  // namespace

// Applies a command whose rule `t` matched: the action, then the move.
static StepResult Apply(const CaseRules& rules, const Policy& policy,
                        const Deal& before, const TransitionRule& t,
                        const Command& cmd, Time now) {
  Applying a(rules, policy, before, t, cmd, now);
  if (ActionResult done = ApplyAction(a)) return *std::move(done);
  return Finish(a);
}

// A deadline passed: the state's default outcome.
static StepResult Timeout(const CaseRules& rules, const Policy& policy,
                          const Deal& before, const Command& cmd, Time now) {
  const StateRule* rule = rules.FindState(before.state);
  if (!before.deadline || now < *before.deadline || !rule ||
      rule->timeout_to.empty())
    return Plain("no deadline has passed");
  Deal deal = before;
  Effects fx;
  fx.from_state = fx.to_state = deal.state;
  if (rule->timeout_to == rule->name) {
    // Nothing to move to (an expired deal): re-arm and alert who must act.
    internal::EnterState(rules, policy, deal, rule->name, now);
    for (const auto& who : WaitingFor(rules, deal))
      fx.notifications.push_back({who, {rule->realert}, false});
    return Outcome{deal, fx};
  }
  // One party performed and another did not: the deal does not end as
  // silence would have it; everybody, the operator too, hears who did what.
  const std::string to = DeadlineOutcome(rules, before);
  const bool partial = PartialDefaultPending(rules, before);
  if (auto ok = MoveTo(rules, policy, deal, to, {}, now, fx); !ok)
    return Plain("internal error: " + ok.error().message);
  std::vector<std::string> templates = {partial ? "partial_default"
                                                : "deadline_passed"};
  const StateRule* target = rules.FindState(to);
  templates.insert(templates.end(), target->on_enter.begin(),
                   target->on_enter.end());
  Notify(rules, deal, cmd, templates, partial, fx);
  return Outcome{deal, fx};
}

static StepResult Reminder(const CaseRules& rules, const Policy& policy,
                           const Deal& before, const Command& cmd, Time now) {
  int passed = internal::RemindersPassed(policy, before, now);
  if (!before.deadline || now >= *before.deadline ||
      passed <= before.reminders_fired)
    return Plain("no reminder is due");
  Deal deal = before;
  deal.reminders_fired = passed;
  Effects fx;
  fx.from_state = fx.to_state = deal.state;
  for (const auto& who : WaitingFor(rules, deal))
    fx.notifications.push_back({who, {"reminder"}, false});
  (void)cmd;
  return Outcome{deal, fx};
}

static StepResult StepCore(const CaseRules& rules, const Policy& policy,
                           const Deal& deal, const Command& cmd, Time now) {
  if (cmd.code == code::kTimeout) return Timeout(rules, policy, deal, cmd, now);
  if (cmd.code == code::kReminder)
    return Reminder(rules, policy, deal, cmd, now);
  if (!internal::MayAct(rules, deal, cmd.actor))
    return Plain("you are not a party of this deal");
  const StateRule* state = rules.FindState(deal.state);
  if (state && state->is_final && cmd.code != code::kStatus) {
    Refusal r = Refuse(rules, deal, cmd,
                       fmt::format("the deal is closed ({})", deal.state));
    r.key = "closed";
    r.args = {{"state", deal.state}};
    return r;
  }
  const TransitionRule* t = FindTransition(rules, deal, cmd.code, cmd.actor);
  if (!t) return WhyNot(rules, deal, cmd);
  if (auto r = internal::TrustRefusal(deal, cmd)) return *r;
  return Apply(rules, policy, deal, *t, cmd, now);
}

StepResult Step(const CaseRules& rules, const Policy& policy, const Deal& deal,
                const Command& cmd, Time now) {
  StepResult result = StepCore(rules, policy, deal, cmd, now);
  internal::NotifyModerator(rules, cmd, result);
  return result;
}

const TransitionRule* FindTransition(const CaseRules& rules, const Deal& deal,
                                     int code, const std::string& role) {
  for (const auto& t : rules.transitions)
    if (t.code == code && Contains(t.from, deal.state) &&
        Contains(t.by, role) && internal::DeliveryMatches(t, deal))
      return &t;
  return nullptr;
}

std::vector<int> AllowedCodes(const CaseRules& rules, const Deal& deal,
                              const std::string& role) {
  std::vector<int> codes;
  for (const auto& t : rules.transitions) {
    if (t.code >= code::kResolve || !Contains(t.from, deal.state) ||
        !Contains(t.by, role) || !internal::DeliveryMatches(t, deal))
      continue;
    const PartyState* p = deal.Party(role);
    if (!t.mark.empty() && p && p->marks.contains(t.mark)) continue;
    if (t.action == Action::kAcceptProposal &&
        (!deal.proposal || deal.proposal->by == role))
      continue;
    if (std::find(codes.begin(), codes.end(), t.code) == codes.end())
      codes.push_back(t.code);
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::vector<std::string> WaitingFor(const CaseRules& rules, const Deal& deal) {
  std::vector<std::string> who;
  const StateRule* state = rules.FindState(deal.state);
  if (!state) return who;
  for (const auto& role : state->waits_for) {
    const PartyState* p = deal.Party(role);
    if (p && state->waits_mark == "paid" && p->Paid()) continue;
    if (p && !state->waits_mark.empty() && state->waits_mark != "paid" &&
        p->marks.contains(state->waits_mark))
      continue;
    who.push_back(role);
  }
  return who;
}

}  // namespace ct::core
