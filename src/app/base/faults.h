// Fault injection for the crash and isolation tests, in one place. Unset in
// production.
//
// CYBERTROC_CRASH_AT=<point>: the process dies (exit 137) at that point,
// right after a commit and before the step that follows it — the worst
// moments for a crash. Points: "after-store" (a fetched message is
// committed, not yet acknowledged on the server), "after-timer" (a deadline
// or reminder is committed, its successors not yet fired), "processing" (an
// attempt at a stored message is marked begun, its processing not yet
// begun; in a child processing a message alone, the run dies with it),
// "after-send" (the transport has taken an outgoing message, its outbox row
// is not yet marked sent; dir:// has not named its file yet), "after-flush"
// (the transport made a batch durable, dir:// named its files, their rows
// are not yet marked sent).
//
// CYBERTROC_CRASH_AT=verifying:<Message-ID>: the process dies when that
// message's offered keys are imported and its verification is about to
// start (on a GnuPG worker thread when inbox.workers > 1).
//
// CYBERTROC_FAIL_AT=<point>:<subject>: std::bad_alloc is thrown there, as
// running out of memory would. Point: "process", subject the Message-ID of
// the message being processed (its effects written, not yet committed).
#ifndef CYBERTROC_APP_BASE_FAULTS_H_
#define CYBERTROC_APP_BASE_FAULTS_H_

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <string_view>

namespace ct::app {

inline void MaybeCrash(std::string_view point) {
  const char* at = std::getenv("CYBERTROC_CRASH_AT");
  if (at && point == at) std::_Exit(137);
}

// The same in a child process that works for the run (a message processed
// alone): the whole run dies, as when the service is killed from outside.
inline void MaybeCrashWithParent(std::string_view point) {
  const char* at = std::getenv("CYBERTROC_CRASH_AT");
  if (!at || point != at) return;
  ::kill(::getppid(), SIGKILL);
  std::_Exit(137);
}

// `at` is "<point>:<subject>".
inline bool FaultAt(std::string_view at, std::string_view point,
                    std::string_view subject) {
  return at.size() == point.size() + 1 + subject.size() &&
         at.starts_with(point) && at[point.size()] == ':' &&
         at.ends_with(subject);
}

inline void MaybeCrashOn(std::string_view point, std::string_view subject) {
  const char* at = std::getenv("CYBERTROC_CRASH_AT");
  if (at && FaultAt(at, point, subject)) std::_Exit(137);
}

inline void MaybeFail(std::string_view point, std::string_view subject) {
  const char* env = std::getenv("CYBERTROC_FAIL_AT");
  if (!env) return;
  if (FaultAt(env, point, subject)) throw std::bad_alloc();
}

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_FAULTS_H_
