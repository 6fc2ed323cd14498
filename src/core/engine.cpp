// Step(): the one transition function. Reads the rules, never the world.
#include "core/engine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/engine_internal.h"

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
    CT_TRY(internal::Settle(*target, deal, split, effects));
  }
  effects.to_state = to;
  return {};
}

}  // namespace

// Applies a command whose rule `t` matched. Split out of Step() so that the
// dispatch reads as a table of actions.
static StepResult Apply(const CaseRules& rules, const Policy& policy,
                        const Deal& before, const TransitionRule& t,
                        const Command& cmd, Time now) {
  Deal deal = before;
  Effects fx;
  fx.from_state = fx.to_state = deal.state;
  bool move = !t.to.empty();
  std::map<std::string, Money> split;
  auto refuse = [&](std::string why) {
    return StepResult(Refuse(rules, before, cmd, std::move(why)));
  };

  switch (t.action) {
    case Action::kStatus:
      fx.notifications.push_back({cmd.actor, t.notify, true});
      return Outcome{deal, fx};
    case Action::kMove:
      if (!t.mark.empty()) {
        PartyState* p = deal.Party(cmd.actor);
        if (!p) return refuse("only a party can send this");
        if (p->marks.contains(t.mark)) {
          Refusal r = Refuse(rules, before, cmd,
                             fmt::format("you already sent {:02}", cmd.code));
          r.key = "already_sent";
          r.args = {{"code", fmt::format("{:02}", cmd.code)}};
          return r;
        }
        p->marks.insert(t.mark);
        if (t.when_all) move = move && AllMarked(deal, t);
      }
      break;
    case Action::kDeposit: {
      PartyState* p = deal.Party(cmd.deposit_role);
      if (!p)
        return refuse(fmt::format("'{}' is not a party of this {}",
                                  cmd.deposit_role, rules.name));
      if (cmd.amount <= Money())
        return refuse("a deposit must be more than zero");
      p->deposited += cmd.amount;
      deal.paid_in += cmd.amount;
      fx.ledger.push_back({LedgerKind::kDeposit, p->role, cmd.amount, "deposit",
                           cmd.reference});
      move = move && AllPaid(deal);
      if (move) TakeCommission(deal, fx);
      break;
    }
    case Action::kPropose:
      if (auto ok = internal::CheckSplit(rules, deal, cmd.split); !ok)
        return refuse(ok.error().message);
      deal.proposal = Proposal{cmd.actor, cmd.split};
      break;
    case Action::kAcceptProposal:
      if (!deal.proposal) return refuse("there is no proposal to accept");
      if (deal.proposal->by == cmd.actor)
        return refuse("you cannot accept your own proposal");
      split = deal.proposal->split;
      break;
    case Action::kResolve:
      if (auto ok = internal::CheckSplit(rules, deal, cmd.split); !ok)
        return refuse(ok.error().message);
      split = cmd.split;
      break;
    case Action::kExtend: {
      if (!deal.deadline) return refuse("there is no deadline to extend");
      if (cmd.days < 1 || cmd.days > kMaxExtendDays)
        return refuse(fmt::format("extend by 1 to {} days", kMaxExtendDays));
      PartyState* p = deal.Party(cmd.actor);
      if (!p) return refuse("only a party can extend a deadline");
      p->extend_days = cmd.days;
      bool agreed = std::all_of(
          deal.parties.begin(), deal.parties.end(),
          [&](const PartyState& q) { return q.extend_days == cmd.days; });
      if (agreed) {
        *deal.deadline += Days(cmd.days);
        for (auto& q : deal.parties) q.extend_days = 0;
        deal.reminders_fired = internal::RemindersPassed(policy, deal, now);
        fx.deadline_extended = true;
      }
      Notify(rules, deal, cmd, agreed ? t.notify_done : t.notify,
             t.notify_operator, fx);
      return Outcome{deal, fx};
    }
  }

  std::vector<std::string> templates = t.notify;
  if (move) {
    if (auto ok = MoveTo(rules, policy, deal, t.to, split, now, fx); !ok)
      return refuse("internal error: " + ok.error().message);
    templates.insert(templates.end(), t.notify_done.begin(),
                     t.notify_done.end());
    const StateRule* target = rules.FindState(t.to);
    templates.insert(templates.end(), target->on_enter.begin(),
                     target->on_enter.end());
  }
  Notify(rules, deal, cmd, templates, t.notify_operator, fx);
  return Outcome{deal, fx};
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

StepResult Step(const CaseRules& rules, const Policy& policy, const Deal& deal,
                const Command& cmd, Time now) {
  if (cmd.code == code::kTimeout) return Timeout(rules, policy, deal, cmd, now);
  if (cmd.code == code::kReminder)
    return Reminder(rules, policy, deal, cmd, now);
  if (cmd.actor != kOperatorRole && !deal.Party(cmd.actor))
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
  return Apply(rules, policy, deal, *t, cmd, now);
}

const TransitionRule* FindTransition(const CaseRules& rules, const Deal& deal,
                                     int code, const std::string& role) {
  for (const auto& t : rules.transitions)
    if (t.code == code && Contains(t.from, deal.state) && Contains(t.by, role))
      return &t;
  return nullptr;
}

std::vector<int> AllowedCodes(const CaseRules& rules, const Deal& deal,
                              const std::string& role) {
  std::vector<int> codes;
  for (const auto& t : rules.transitions) {
    if (t.code >= code::kResolve || !Contains(t.from, deal.state) ||
        !Contains(t.by, role))
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
