// Whole-file checks of a parsed rules file: names resolve, every state is
// reachable, every waiting state has a deadline and a default outcome (and,
// where several parties each leave a mark, a fair outcome for a deadline
// missed by some of them), and every ending pays out exactly what was
// deposited (proved symbolically).
#ifndef CYBERTROC_RULES_VALIDATE_H_
#define CYBERTROC_RULES_VALIDATE_H_

#include "core/error.h"
#include "core/rules.h"

namespace ct::rules {

// kConfig error "FILE: KEY: what is wrong" for the first problem found.
Result<void> Validate(const core::CaseRules& rules);

}  // namespace ct::rules

#endif  // CYBERTROC_RULES_VALIDATE_H_
