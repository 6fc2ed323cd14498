// GpgRunner: cybertroc's end of the GnuPG runner process (crypto/runner.h
// says why there is one). Implemented in crypto/runner.cpp.
#ifndef CYBERTROC_CRYPTO_GPG_RUNNER_H_
#define CYBERTROC_CRYPTO_GPG_RUNNER_H_

#include <sys/types.h>

#include <string>
#include <utility>

#include "core/error.h"
#include "crypto/raw_ops.h"

namespace ct::crypto {

class GpgRunner {
 public:
  // `path` of the runner, `home` the GnuPG home ("" for GnuPG's default).
  // Starts nothing until the first Call.
  GpgRunner(std::string path, std::string home)
      : path_(std::move(path)), home_(std::move(home)) {}
  GpgRunner(const GpgRunner&) = delete;
  GpgRunner& operator=(const GpgRunner&) = delete;
  ~GpgRunner() { Stop(); }

  // Runs `request` in the runner process. A runner that died (or was
  // killed) is started again and the request sent once more: every
  // operation can be repeated. kIo when that fails too.
  Result<RawOutcome> Call(const RawRequest& request);

  // The runner's process id, 0 when none runs (for tests).
  pid_t pid() const { return pid_; }

 private:
  Result<void> Start();
  // Closes our end, which ends the runner, and reaps it.
  void Stop();
  // One request and its answer on the running runner.
  Result<RawOutcome> Exchange(const std::string& frame);

  std::string path_;
  std::string home_;
  pid_t pid_ = 0;
  int fd_ = -1;
};

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_GPG_RUNNER_H_
