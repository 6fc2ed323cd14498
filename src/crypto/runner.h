// The GnuPG runner: a small helper process (cybertroc-gpg-runner) that
// performs the hot GnuPG operations (verify, decrypt, sign and encrypt)
// for one GpgContext.
//
// Why a process: GPGME starts gpg with fork(), twice per operation, from
// the calling process. Forking cybertroc (35 shared libraries, about 200
// memory mappings, a database and several threads writing memory) costs
// far more than forking a process that holds GPGME alone: measured on the
// benchmark backlog, a sign+encrypt took ~7 ms inside cybertroc and ~8 ms
// with the other threads busy, against ~6 ms in a bare GPGME program.
// The runner is that bare program; cybertroc starts it once per context
// with posix_spawn, which does not copy our memory.
//
// Key look-ups, imports and the key cache stay in cybertroc: they are rare
// and their answers feed decisions. What crosses to the runner is plain
// data (crypto/raw_ops.h, crypto/runner_wire.h).
#ifndef CYBERTROC_CRYPTO_RUNNER_H_
#define CYBERTROC_CRYPTO_RUNNER_H_

#include <sys/types.h>

#include <string>

#include "core/error.h"
#include "crypto/raw_ops.h"

namespace ct::crypto {

// Where the runner is: $CYBERTROC_GPG_RUNNER when set ("" or "none": no
// runner), else cybertroc-gpg-runner next to this executable, else in the
// installed libexec directory. "" when none is found: GnuPG then runs from
// this process, with the same results, only slower. Looked up once.
const std::string& DefaultRunnerPath();

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

#endif  // CYBERTROC_CRYPTO_RUNNER_H_
