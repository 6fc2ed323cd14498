#include "app/run/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace ct::app {

Result<RunLock> RunLock::Acquire(const std::string& database, bool wait) {
  std::string path = database + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorKind::kIo, "cannot open lock file " + path);
  if (::flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Fail(ErrorKind::kBusy,
                "another cybertroc run is working on " + database);
  }
  return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace ct::app
