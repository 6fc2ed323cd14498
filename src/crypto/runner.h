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
// data (crypto/raw_ops.h, crypto/runner_wire.h). GpgRunner
// (crypto/gpg_runner.h) starts the runner and talks to it.
#ifndef CYBERTROC_CRYPTO_RUNNER_H_
#define CYBERTROC_CRYPTO_RUNNER_H_

#include <string>

#include "crypto/gpg_runner.h"

namespace ct::crypto {

// Where the runner is: $CYBERTROC_GPG_RUNNER when set ("" or "none": no
// runner), else cybertroc-gpg-runner next to this executable, else in the
// installed libexec directory. "" when none is found: GnuPG then runs from
// this process, with the same results, only slower. Looked up once.
const std::string& DefaultRunnerPath();

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_RUNNER_H_
