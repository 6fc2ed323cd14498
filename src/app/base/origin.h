// Where a command came from: a mail, the command line or the timer.
#ifndef CYBERTROC_APP_BASE_ORIGIN_H_
#define CYBERTROC_APP_BASE_ORIGIN_H_

#include <string>

namespace ct::app {

// Where a command came from, for the history and the outgoing mail.
struct Origin {
  std::string actor_email;  // who sent it, "" when nobody (timer)
  std::string message_ref;  // Message-ID of the mail, or kCliRef / kTimerRef
  // The command arrived encrypted: its free text (tracking, reason) is kept
  // in the history but never quoted in outgoing mail (docs/security.md).
  bool confidential = false;
};
inline constexpr char kCliRef[] = "cli";
inline constexpr char kTimerRef[] = "timer";

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_ORIGIN_H_
