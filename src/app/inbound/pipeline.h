// The inbound pipeline with several GnuPG workers: each message's GnuPG step
// runs on a worker thread while this thread keeps the database and applies
// the results strictly in inbox order (verify/shared_keyring.h).
#ifndef CYBERTROC_APP_INBOUND_PIPELINE_H_
#define CYBERTROC_APP_INBOUND_PIPELINE_H_

#include <cstdint>
#include <vector>

#include "app/base/context.h"
#include "app/inbound/pipeline.h"
#include "app/inbound/process.h"
#include "crypto/keyring.h"

namespace ct::app {

// ProcessInbox's loop with `workers` (>= 1) GnuPG workers over `ids`
// (pending, oldest first, none of them a suspect). `gpg` is the first
// worker's context. Every thread it starts has ended when it returns.
Result<void> ProcessInParallel(Context& ctx, crypto::GpgContext& gpg,
                               const std::vector<int64_t>& ids, int workers,
                               ProcessReport& report);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_PIPELINE_H_
