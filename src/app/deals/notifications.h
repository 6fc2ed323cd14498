// Outgoing mail for one step: one outbox row per core::Notification, with
// its text rendered now (so that a later template change cannot alter what
// a step said) and queued in the caller's transaction.
#ifndef CYBERTROC_APP_DEALS_NOTIFICATIONS_H_
#define CYBERTROC_APP_DEALS_NOTIFICATIONS_H_

#include "app/base/context.h"
#include "app/base/origin.h"
#include "app/deals/notifications.h"
#include "core/engine.h"
#include "core/rules.h"

namespace ct::app {

// Renders and enqueues every notification of `outcome`. REQUIRES: an open
// transaction on ctx.db.
Result<void> EnqueueNotifications(Context& ctx, const core::CaseRules& rules,
                                  const core::Outcome& outcome,
                                  const core::Command& cmd,
                                  const Origin& origin);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_NOTIFICATIONS_H_
