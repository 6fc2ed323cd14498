// One run at a time on a database.
#ifndef CYBERTROC_APP_RUN_RUN_LOCK_H_
#define CYBERTROC_APP_RUN_RUN_LOCK_H_

#include <string>

#include "core/error.h"

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

}  // namespace ct::app

#endif  // CYBERTROC_APP_RUN_RUN_LOCK_H_
