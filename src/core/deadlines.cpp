// Deadlines, reminders and the timer commands they produce.
#include "core/deadlines.h"

#include <algorithm>

namespace ct::core {
namespace internal {

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

namespace {

// Reminder offsets, furthest first (7 days before, then 1 day before).
std::vector<int> Offsets(const Policy& policy) {
  std::vector<int> offsets = policy.deadlines.reminder_days;
  std::sort(offsets.rbegin(), offsets.rend());
  return offsets;
}

}  // namespace

int RemindersPassed(const Policy& policy, const Deal& deal, Time now) {
  if (!deal.deadline) return 0;
  int passed = 0;
  for (int days : Offsets(policy))
    if (*deal.deadline - Days(days) <= now) ++passed;
  return passed;
}

void EnterState(const CaseRules& rules, const Policy& policy, Deal& deal,
                const std::string& state, Time now) {
  deal.state = state;
  deal.state_entered = now;
  deal.deadline.reset();
  const StateRule* rule = rules.FindState(state);
  if (rule && !rule->deadline.empty()) {
    auto it = policy.deadlines.days.find(rule->deadline);
    int days = it == policy.deadlines.days.end() ? 0 : it->second;
    deal.deadline = now + Days(days);
  }
  for (auto& p : deal.parties) p.extend_days = 0;
  deal.reminders_fired = RemindersPassed(policy, deal, now);
}

}  // namespace internal

bool StateProgress::Partial() const {
  size_t done = 0;
  for (const auto& p : parties) done += p.done ? 1 : 0;
  return done > 0 && done < parties.size();
}

StateProgress ProgressIn(const CaseRules& rules, const Deal& deal,
                         const std::string& state) {
  StateProgress progress;
  progress.state = state;
  const StateRule* rule = rules.FindState(state);
  if (!rule || rule->waits_mark.empty()) return progress;
  progress.mark = rule->waits_mark;
  for (const auto& role : rule->waits_for) {
    const PartyState* p = deal.Party(role);
    if (!p) continue;  // the operator leaves no mark
    bool done = rule->waits_mark == "paid"
                    ? p->Paid()
                    : p->marks.contains(rule->waits_mark);
    progress.parties.push_back({role, done});
  }
  if (progress.parties.size() < 2) progress.parties.clear();
  return progress;
}

std::string DeadlineOutcome(const CaseRules& rules, const Deal& deal) {
  const StateRule* rule = rules.FindState(deal.state);
  if (!rule || !deal.deadline) return "";
  if (!rule->partial_timeout_to.empty() &&
      ProgressIn(rules, deal, deal.state).Partial())
    return rule->partial_timeout_to;
  return rule->timeout_to;
}

bool PartialDefaultPending(const CaseRules& rules, const Deal& deal) {
  const StateRule* rule = rules.FindState(deal.state);
  if (!rule || !deal.deadline || rule->partial_timeout_to.empty() ||
      rule->partial_timeout_to == rule->timeout_to)
    return false;
  const StateRule* target = rules.FindState(rule->partial_timeout_to);
  return target && !target->is_final &&
         ProgressIn(rules, deal, deal.state).Partial();
}

std::optional<Command> DueTimer(const Policy& policy, const Deal& deal,
                                Time now) {
  if (!deal.deadline) return std::nullopt;
  if (now >= *deal.deadline) {
    Command cmd;
    cmd.code = code::kTimeout;
    cmd.actor = kTimerRole;
    return cmd;
  }
  int passed = internal::RemindersPassed(policy, deal, now);
  if (passed <= deal.reminders_fired) return std::nullopt;
  Command cmd;
  cmd.code = code::kReminder;
  cmd.actor = kTimerRole;
  // Only the latest reminder that is due: after downtime we do not send a
  // burst of stale ones.
  cmd.days = passed;
  return cmd;
}

}  // namespace ct::core
