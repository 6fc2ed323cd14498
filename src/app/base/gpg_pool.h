// The GnuPG contexts of one run: opened offline, lent to the stages that
// need several (the inbound pipeline's workers, the sender's) and kept for
// the next stage.
#ifndef CYBERTROC_APP_BASE_GPG_POOL_H_
#define CYBERTROC_APP_BASE_GPG_POOL_H_

#include <vector>

#include "app/base/context.h"
#include "config/config.h"
#include "crypto/keyring.h"

namespace ct::app {

// Opens GnuPG on gpg.home for the pipeline (offline, no key retrieval).
Result<crypto::GpgContext> OpenGpg(const Context& ctx);

// A context for one more GnuPG worker: a spare one of this run
// (Context::spare_gpg), else a new one (OpenGpg).
Result<crypto::GpgContext> TakeGpg(Context& ctx);
// Gives the contexts of `workers` back to the run for its next stage.
void KeepGpg(Context& ctx, std::vector<crypto::GpgContext>& workers);

// Whether gpg.home is set up for gpg processes side by side: its gpg.conf
// says `no-random-seed-file`. Quiet (for `check`).
bool GpgConfAllowsParallel(const config::Config& config);

// The same, and when not, says so in the log, once.
bool ParallelGnupgReady(const Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_GPG_POOL_H_
