// The deciding core. Step() is the one transition function every change of a
// deal goes through: a party's code, an operator's deposit or resolve, a
// deadline or a reminder. It is pure: it returns the new deal plus the
// effects the shell must carry out in one database transaction, or a refusal
// that changes nothing. The rest of the core's face comes with it: the
// command (core/command.h), creating a deal (core/new_deal.h), its
// deadlines (core/deadlines.h) and Step()'s result (core/step_result.h).
#ifndef CYBERTROC_CORE_ENGINE_H_
#define CYBERTROC_CORE_ENGINE_H_

#include <string>
#include <vector>

#include "core/command.h"
#include "core/deadlines.h"
#include "core/deal.h"
#include "core/new_deal.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/step_result.h"

namespace ct::core {

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
