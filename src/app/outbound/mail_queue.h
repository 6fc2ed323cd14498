// Outgoing mail queued in the caller's transaction: the outbox rows the
// sender delivers (app/outbound/sender.h), each under one Message-ID.
#ifndef CYBERTROC_APP_OUTBOUND_MAIL_QUEUE_H_
#define CYBERTROC_APP_OUTBOUND_MAIL_QUEUE_H_

#include <string>

#include "app/base/context.h"
#include "core/deal.h"
#include "store/records.h"

namespace ct::app {

// The address of a role of `deal`, or the operator's; "" when unknown.
std::string AddressOf(const Context& ctx, const core::Deal& deal,
                      const std::string& role);

// A new Message-ID for our outgoing mail: 128 random bits at the domain of
// outbox.from.
std::string NewMessageId(const Context& ctx);

// Queues `row` with its Message-ID, in the caller's transaction: every
// attempt sends the message under that one Message-ID, so that a receiver
// can drop the copy a crash made us send twice. REQUIRES: an open
// transaction on ctx.db. Returns the row id.
Result<int64_t> QueueMail(Context& ctx, store::OutboxRecord row);

}  // namespace ct::app

#endif  // CYBERTROC_APP_OUTBOUND_MAIL_QUEUE_H_
