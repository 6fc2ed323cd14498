// The inbound pipeline (docs/protocol.md, docs/security.md): fetch raw mail and
// store it durably before acknowledging it on the server; then process each
// stored message exactly once — screen, verify, identify the signer, read the
// one command, apply it through the engine — committing its effects, the
// signature's replay mark and the inbox row's outcome in one transaction.
#ifndef CYBERTROC_APP_INBOUND_H_
#define CYBERTROC_APP_INBOUND_H_

#include <string>

#include "app/context.h"
#include "crypto/keyring.h"
#include "mail/mime.h"
#include "mail/source.h"
#include "store/records.h"
#include "verify/screen.h"
#include "verify/verify.h"

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
//
// With config.inbox.workers > 1 (and `no-random-seed-file` in gpg.home's
// gpg.conf: ParallelGnupgReady), the GnuPG step of each message (key
// imports, decryption, verification: ExamineMessage) runs on that many
// worker threads, each with its own GnuPG context, while this thread keeps
// the database and applies the results strictly in inbox order, one
// transaction per message (app/pipeline.cpp). `gpg` serves as the first
// worker's context. Whatever the number of workers, the end state is the
// one serial processing gives (app/shared_keyring.h: keys that arrive by
// mail). Its commits are synced to disk once, before it returns.
Result<ProcessReport> ProcessInbox(Context& ctx, crypto::GpgContext& gpg);

// What GnuPG made of a stored message: the first step of processing it,
// which needs no database.
struct Examined {
  std::string from;          // the From address ("" when unusable)
  verify::Screening screen;  // never_answer: GnuPG was not asked
  bool oversized = false;    // stored unread: GnuPG was not asked
  Result<verify::SignedText> signed_text =
      Fail(ErrorKind::kInvalidInput, "not checked");
};

// What ExamineMessage does to the GnuPG keyring. These defaults are for a
// thread that has the keyring to itself; the pipeline shares it between
// its workers (app/shared_keyring.h).
class KeyringAccess {
 public:
  virtual ~KeyringAccess() = default;
  // Imports the keys `root` offers (attachments, Autocrypt). Failures are
  // ignored: a key only counts once a signature binds it.
  virtual void Import(crypto::GpgContext& gpg, const mail::Entity& root);
  // Decrypts and verifies `root` (verify::VerifyMessage).
  virtual Result<verify::SignedText> Verify(crypto::GpgContext& gpg,
                                            const mail::Entity& root,
                                            size_t max_plaintext);
};

// Screens `row`, imports the keys it offers, then decrypts and verifies it,
// through `keyring`. Reads only `config`: safe on a worker thread that owns
// `gpg`. May throw (std::bad_alloc...).
Examined ExamineMessage(const config::Config& config, crypto::GpgContext& gpg,
                        const store::InboxRecord& row, KeyringAccess& keyring);

// The second step: identify, read the command, apply it, and record the
// outcome on the row, in one transaction (nothing when the row is no
// longer "new"). A kIo verdict from GnuPG is returned as the error.
Result<void> ApplyMessage(Context& ctx, const store::InboxRecord& row,
                          const Examined& examined, ProcessReport& report);

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

// A context for one more GnuPG worker: a spare one of this run
// (Context::spare_gpg), else a new one (OpenGpg).
Result<crypto::GpgContext> TakeGpg(Context& ctx);
// Gives the contexts of `workers` back to the run for its next stage.
void KeepGpg(Context& ctx, std::vector<crypto::GpgContext>& workers);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_H_
