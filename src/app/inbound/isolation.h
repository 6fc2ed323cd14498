// Each stored message processed in isolation: a message that fails (an
// error, an exception, even a run that dies on it) is recorded on its row,
// retried by the next runs and quarantined after kMaxAttempts, while the
// others go on (docs/security.md, "Crashes").
#ifndef CYBERTROC_APP_INBOUND_ISOLATION_H_
#define CYBERTROC_APP_INBOUND_ISOLATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "app/base/context.h"
#include "app/inbound/isolation.h"
#include "app/inbound/process.h"
#include "crypto/keyring.h"
#include "store/records.h"

namespace ct::app {

// Processes every stored message whose status is "new", oldest first, each
// in isolation: a message that fails (an error, an exception, even a run
// that dies on it) is recorded on its row (attempts, last_error), retried by
// the next runs and quarantined after kMaxAttempts; the others go on. Fails
// only when the database cannot be written (not even that record) or stays
// busy.
//
// With config.inbox.workers > 1 (and `no-random-seed-file` in gpg.home's
// gpg.conf: ParallelGnupgReady), the GnuPG step of each message (key
// imports, decryption, verification: ExamineMessage) runs on that many
// worker threads, each with its own GnuPG context, while this thread keeps
// the database and applies the results strictly in inbox order, one
// transaction per message (app/inbound/pipeline.cpp). `gpg` serves as the first
// worker's context. Whatever the number of workers, the end state is the
// one serial processing gives (verify/shared_keyring.h: keys that arrive by
// mail). Its commits are synced to disk once, before it returns.
Result<ProcessReport> ProcessInbox(Context& ctx, crypto::GpgContext& gpg);

// `reprocess`: puts the message with that Message-ID back to "new" with no
// attempts and processes it again, guarded as ProcessInbox does (e.g. after
// `keys import`). kNotFound when unknown.
Result<ProcessReport> Reprocess(Context& ctx, crypto::GpgContext& gpg,
                                const std::string& message_id);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_ISOLATION_H_
