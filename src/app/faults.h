// Fault injection for the crash tests, in one place: with
// CYBERTROC_CRASH_AT=<point> the process dies at that point, right after a
// commit and before the step that follows it — the worst moments for a
// crash. Points: "after-store" (a fetched message is committed, not yet
// acknowledged on the server), "after-timer" (a deadline or reminder is
// committed, its successors not yet fired), "after-send" (the transport has
// taken an outgoing message, its outbox row is not yet marked sent). Unset
// in production.
#ifndef CYBERTROC_APP_FAULTS_H_
#define CYBERTROC_APP_FAULTS_H_

#include <cstdlib>
#include <string_view>

namespace ct::app {

inline void MaybeCrash(std::string_view point) {
  const char* at = std::getenv("CYBERTROC_CRASH_AT");
  if (at && point == at) std::_Exit(137);
}

}  // namespace ct::app

#endif  // CYBERTROC_APP_FAULTS_H_
