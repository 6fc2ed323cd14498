// The inbound pipeline (SPEC section 2): fetch raw mail and store it
// durably before acknowledging it on the server; then process each stored
// message exactly once — screen, verify, identify the signer, read the one
// command, apply it through the engine — committing its effects, the
// signature's replay mark and the inbox row's outcome in one transaction.
#ifndef CYBERTROC_APP_INBOUND_H_
#define CYBERTROC_APP_INBOUND_H_

#include <string>

#include "app/context.h"
#include "crypto/keyring.h"
#include "mail/source.h"

namespace ct::app {

// Outcome prefix of a message larger than inbox.max_message_size: stored
// with its header only, never parsed, quarantined when processed.
inline constexpr char kOversized[] = "oversized";

struct IntakeReport {
  int fetched = 0;     // new messages stored
  int duplicates = 0;  // already stored (acknowledged again)
  int oversized = 0;   // quarantined unread
};

// Lists, fetches, stores and acknowledges every waiting message of `source`.
// A message is acknowledged only after its row is committed.
Result<IntakeReport> Intake(Context& ctx, mail::Source& source,
                            const std::string& source_name);

struct ProcessReport {
  int applied = 0;      // a command or an offer moved a deal
  int refused = 0;      // signed and verified, but refused (reply queued)
  int quarantined = 0;  // unsigned, bad signature, unknown key, failing...
  int ignored = 0;      // bounces, auto-replies, lists
  int helped = 0;       // no command / CT HELP: help text sent
  int failed = 0;       // processing failed: recorded, retried next run
};

// A message whose processing failed (or stopped the run) this many times is
// quarantined instead of being tried again.
inline constexpr int kMaxAttempts = 3;

// Processes every stored message whose status is "new", oldest first, each
// in isolation: a message that fails (an error, an exception, even a run
// that dies on it) is recorded on its row (attempts, last_error), retried by
// the next runs and quarantined after kMaxAttempts; the others go on. Fails
// only when the database cannot be written (not even that record) or stays
// busy.
Result<ProcessReport> ProcessInbox(Context& ctx, crypto::GpgContext& gpg);

// Processes one stored message, unguarded (ProcessInbox guards it); adds
// its outcome to `report`. On an error nothing of it is committed and the
// row stays "new".
Result<void> ProcessMessage(Context& ctx, crypto::GpgContext& gpg,
                            int64_t inbox_id, ProcessReport& report);

// `reprocess`: puts the message with that Message-ID back to "new" with no
// attempts and processes it again, guarded as ProcessInbox does (e.g. after
// `keys import`). kNotFound when unknown.
Result<ProcessReport> Reprocess(Context& ctx, crypto::GpgContext& gpg,
                                const std::string& message_id);

// Opens GnuPG on gpg.home for the pipeline (offline, no key retrieval).
Result<crypto::GpgContext> OpenGpg(const Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_H_
