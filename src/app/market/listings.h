// The shell around core/listing.h: what a listing does when its deal ends,
// the listing timers of `tick`, and the read models of the CLI (the listing
// commands by mail: app/inbound/listing_commands.h).
// docs/protocol.md, "Listings", is the contract.
#ifndef CYBERTROC_APP_MARKET_LISTINGS_H_
#define CYBERTROC_APP_MARKET_LISTINGS_H_

#include <optional>
#include <string>
#include <vector>

#include "app/base/context.h"
#include "core/deal.h"
#include "core/grammar.h"
#include "core/listing.h"
#include "store/listing_repo.h"

namespace ct::app {

// Called for every step written (app/deals/commit.h WriteStep): when `after`
// ended a deal that a listing is locked to, the listing is closed (the deal
// was funded), open again, or expired (past its date), and the lister told.
// REQUIRES: the step's open transaction.
Result<void> OnDealStep(Context& ctx, const core::Deal& before,
                        const core::Deal& after);

struct ListingTickReport {
  int expired = 0;
  int reminders = 0;
  int failures = 0;
};
// Expires the open listings past their date and reminds listers
// kListingReminderDays before, each once, each in its own transaction.
Result<ListingTickReport> TickListings(Context& ctx);

// Everything `listing` prints.
struct ListingView {
  core::Listing listing;
  std::vector<store::InterestRecord> interests;
  std::vector<std::string> deals;  // opened by locking it, oldest first
};
// kNotFound for an unknown id.
Result<ListingView> ShowListing(Context& ctx, const std::string& id);

// A listing id typed by the operator (kUsage when malformed).
Result<std::string> ParseListingId(std::string_view text);

}  // namespace ct::app

#endif  // CYBERTROC_APP_MARKET_LISTINGS_H_
