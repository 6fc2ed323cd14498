// Deadlines, reminders and the timer commands they produce, and the
// progress of the parties in a state that decides where a deadline leads.
#ifndef CYBERTROC_CORE_DEADLINES_H_
#define CYBERTROC_CORE_DEADLINES_H_

#include <optional>
#include <string>
#include <vector>

#include "core/command.h"
#include "core/deal.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/time.h"

namespace ct::core {

// The timer command due at `now` (a timeout, else the latest reminder not yet
// fired), if any. Feed it to Step() (core/engine.h).
std::optional<Command> DueTimer(const Policy& policy, const Deal& deal,
                                Time now);

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

// Internal to core/.
namespace internal {

bool Contains(const std::vector<std::string>& list, const std::string& s);

// Enters `state`: new deadline from the policy, reminders that are already
// in the past counted as fired, standing extension requests dropped.
void EnterState(const CaseRules& rules, const Policy& policy, Deal& deal,
                const std::string& state, Time now);

// Number of reminders of the current deadline whose time is <= now.
int RemindersPassed(const Policy& policy, const Deal& deal, Time now);

}  // namespace internal
}  // namespace ct::core

#endif  // CYBERTROC_CORE_DEADLINES_H_
