// One pass of the service (`cybertroc run`, and each turn of `daemon`):
// fetch, process, fire deadlines, send (DeliverOutbox). Guarded by a lock so
// that two runs never work on one database.
#ifndef CYBERTROC_APP_RUN_H_
#define CYBERTROC_APP_RUN_H_

#include <optional>
#include <string>

#include "app/deals.h"
#include "app/inbound.h"
#include "app/sender.h"

namespace ct::app {

// An exclusive lock (flock) on "<database>.lock", held while alive.
class RunLock {
 public:
  // kBusy when another process holds it and `wait` is false.
  static Result<RunLock> Acquire(const std::string& database, bool wait);
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct RunReport {
  IntakeReport intake;
  ProcessReport processed;
  TickReport tick;
  SendReport sent;
  // A mail server that could not be reached (fetching or sending): the
  // other stages still ran, and nothing is lost — the next run resumes.
  std::optional<Error> outage;
};

// Fetch -> process -> deadlines -> send. A server outage does not stop the
// other stages; it is reported in `outage`. Database, GnuPG or
// configuration failures are errors.
Result<RunReport> RunOnce(Context& ctx);

// The first line of a secret file ("" for an empty path). Never logged.
Result<std::string> ReadSecret(const std::string& path);

}  // namespace ct::app

#endif  // CYBERTROC_APP_RUN_H_
