// Processing one stored message: screen it, verify its signature (the
// GnuPG step, which needs no database), then identify the signer, read the
// one command and apply it, committing its effects, the signature's replay
// mark and the inbox row's outcome in one transaction.
#ifndef CYBERTROC_APP_INBOUND_PROCESS_H_
#define CYBERTROC_APP_INBOUND_PROCESS_H_

#include <cstdint>
#include <string>

#include "app/base/context.h"
#include "app/inbound/screen.h"
#include "config/config.h"
#include "crypto/keyring.h"
#include "store/records.h"
#include "verify/keyring_access.h"
#include "verify/signed_text.h"

namespace ct::app {

struct ProcessReport {
  int applied = 0;      // a command or an offer moved a deal
  int refused = 0;      // signed and verified, but refused (reply queued)
  int quarantined = 0;  // unsigned, bad signature, unknown key, failing...
  int ignored = 0;      // bounces, auto-replies, lists
  int helped = 0;       // no command / CT HELP: help text sent
  int failed = 0;       // processing failed: recorded, retried next run
};

// What GnuPG made of a stored message: the first step of processing it,
// which needs no database.
struct Examined {
  std::string from;        // the From address ("" when unusable)
  Screening screen;        // never_answer: GnuPG was not asked
  bool oversized = false;  // stored unread: GnuPG was not asked
  Result<verify::SignedText> signed_text =
      Fail(ErrorKind::kInvalidInput, "not checked");
};

// Screens `row`, imports the keys it offers, then decrypts and verifies it,
// through `keyring`. Reads only `config`: safe on a worker thread that owns
// `gpg`. May throw (std::bad_alloc...).
Examined ExamineMessage(const config::Config& config, crypto::GpgContext& gpg,
                        const store::InboxRecord& row,
                        verify::KeyringAccess& keyring);

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

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_PROCESS_H_
