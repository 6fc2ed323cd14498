// Delivering the outbox: each queued row becomes a signed (and, when we
// know the recipient's key, encrypted) PGP/MIME message, handed to the
// transport and marked sent. Failures retry with exponential backoff; a
// message still undelivered after outbox.give_up_hours is given up and the
// operator is told (docs/security.md, "Outgoing mail").
#ifndef CYBERTROC_APP_OUTBOUND_SENDER_H_
#define CYBERTROC_APP_OUTBOUND_SENDER_H_

#include <optional>

#include "app/base/context.h"
#include "crypto/keyring.h"
#include "mail/transport.h"

namespace ct::app {

struct SendReport {
  int sent = 0;
  int retried = 0;  // failed now, will be retried
  int gave_up = 0;  // given up (operator told)
  int failed = 0;   // refused for good by the server (operator told)
  // The transport could not be opened (server down): every due message was
  // rescheduled or given up (counted above); nothing was lost.
  std::optional<Error> outage;
};

// Sends every row due at ctx.now through `transport`, in queue order.
// Composing and signing run on inbox.workers threads: `gpg` serves one,
// each other opens its own context. Only the calling thread sends and
// touches ctx.db. Sent rows are marked sent a batch at a time, after
// transport.Flush(): a crash re-sends at most a batch, under the same
// Message-IDs (given when the rows were queued).
Result<SendReport> SendOutbox(Context& ctx, crypto::GpgContext& gpg,
                              mail::Transport& transport);

// Opens the configured transport and sends; when the transport cannot even
// be opened (kIo), every due row is rescheduled (backoff) or given up, and
// the report carries the outage, so that a server outage loses nothing.
Result<SendReport> DeliverOutbox(Context& ctx, crypto::GpgContext& gpg);

// Delay before attempt number `attempts + 1`: 1 min doubling, capped at 1 h.
std::chrono::seconds Backoff(int attempts);

}  // namespace ct::app

#endif  // CYBERTROC_APP_OUTBOUND_SENDER_H_
