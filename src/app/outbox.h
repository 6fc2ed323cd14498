// Outgoing mail for one step: one outbox row per core::Notification, with
// its text rendered now (so that a later template change cannot alter what
// a step said) and queued in the caller's transaction.
#ifndef CYBERTROC_APP_OUTBOX_H_
#define CYBERTROC_APP_OUTBOX_H_

#include <string>

#include "app/commit.h"
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

// Renders and enqueues every notification of `outcome`. REQUIRES: an open
// transaction on ctx.db.
Result<void> EnqueueNotifications(Context& ctx, const core::CaseRules& rules,
                                  const core::Outcome& outcome,
                                  const core::Command& cmd,
                                  const Origin& origin);

}  // namespace ct::app

#endif  // CYBERTROC_APP_OUTBOX_H_
