#include "core/rules.h"

#include <algorithm>

namespace ct::core {

bool IsKnownCode(int c) {
  static constexpr int kCodes[] = {
      code::kStatus,        code::kAccept,         code::kDecline,
      code::kWithdraw,      code::kDeposit,        code::kShipped,
      code::kSatisfied,     code::kNotSatisfied,   code::kNotReceived,
      code::kReturnShipped, code::kPropose,        code::kAcceptProposal,
      code::kExtend,        code::kReturnAccepted, code::kReturnRejected,
      code::kResolve};
  return std::find(std::begin(kCodes), std::end(kCodes), c) != std::end(kCodes);
}

const StateRule* CaseRules::FindState(const std::string& state) const {
  for (const auto& s : states)
    if (s.name == state) return &s;
  return nullptr;
}

bool CaseRules::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace ct::core
