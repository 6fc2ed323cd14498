// Outgoing mail about a listing: rendered now from the listing templates
// (notify/listing_context.h) and queued in the caller's transaction.
#ifndef CYBERTROC_APP_MARKET_LISTING_NOTICES_H_
#define CYBERTROC_APP_MARKET_LISTING_NOTICES_H_

#include <string>

#include "app/base/context.h"
#include "notify/listing_context.h"

namespace ct::app {

// Queues template `name` to `to` in `lang`. `in_reply_to`: the Message-ID
// of the mail it answers (kind "reply", auto-replied), or "" for a notice
// to someone else or from the timer (kind "notice", auto-generated).
// REQUIRES: an open transaction on ctx.db.
Result<void> QueueListingMail(Context& ctx, const std::string& name,
                              const std::string& to, const std::string& lang,
                              const notify::ListingInput& in,
                              const std::string& in_reply_to);

}  // namespace ct::app

#endif  // CYBERTROC_APP_MARKET_LISTING_NOTICES_H_
