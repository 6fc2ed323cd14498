// Listing mail: CT 05 posts, CT 06 searches, CL-… 07 / 08 / 13. The market's
// commands by mail sit with the pipeline because locking a listing (08)
// opens a deal (app/deals/deals.h).
#ifndef CYBERTROC_APP_INBOUND_LISTING_COMMANDS_H_
#define CYBERTROC_APP_INBOUND_LISTING_COMMANDS_H_

#include <string>

#include "app/base/context.h"
#include "app/inbound/listing_commands.h"
#include "core/grammar.h"

namespace ct::app {

// What became of one listing message.
struct ListingOutcome {
  bool refused = false;
  std::string reason;   // refused: why, for the sender
  std::string outcome;  // applied: one line for the inbox row and the log
  std::string deal_id;  // 08: the deal it opened
};

// Applies a kListing, kSearch or kListingCommand message from the bound
// address `email` (never the operator). REQUIRES: the message's open
// transaction. Replies and notices are queued in it; a refusal queues
// nothing (the caller sends the refusal).
Result<ListingOutcome> ApplyListingMail(Context& ctx,
                                        const core::Parsed& parsed,
                                        const std::string& email,
                                        const std::string& message_ref);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_LISTING_COMMANDS_H_
