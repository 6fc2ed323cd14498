// Command: one change asked of a deal (a party's code, an operator's
// deposit or resolve, a deadline or a reminder), as core::Step
// (core/engine.h) applies it.
#ifndef CYBERTROC_CORE_COMMAND_H_
#define CYBERTROC_CORE_COMMAND_H_

#include <map>
#include <string>

#include "core/money.h"

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

}  // namespace ct::core

#endif  // CYBERTROC_CORE_COMMAND_H_
