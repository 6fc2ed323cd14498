// The first stage of the inbound pipeline: fetch raw mail and store it
// durably before acknowledging it on the server (docs/protocol.md).
#ifndef CYBERTROC_APP_INBOUND_INTAKE_H_
#define CYBERTROC_APP_INBOUND_INTAKE_H_

#include <string>

#include "app/base/context.h"
#include "app/inbound/intake.h"
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

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_INTAKE_H_
