// The clock's side of every deal: deadlines and reminders that are due.
#ifndef CYBERTROC_APP_DEALS_TICK_H_
#define CYBERTROC_APP_DEALS_TICK_H_

#include "app/base/context.h"
#include "app/deals/tick.h"

namespace ct::app {

// Counts of one `tick`.
struct TickReport {
  int deals = 0;            // deals examined
  int timeouts = 0;         // deadlines that fired
  int reminders = 0;        // reminders that fired
  int failures = 0;         // deals skipped after an error (logged)
  int account_changes = 0;  // payout account changes that applied
  // Listings past their date, listers reminded before it
  // (app/market/listings.h).
  int listings_expired = 0;
  int listing_reminders = 0;
};

// Fires every due deadline and reminder, each exactly once (guarded by
// HistoryRepo::RecordTimer in the same transaction as its effects), and
// applies the payout account changes whose time has come.
Result<TickReport> Tick(Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_TICK_H_
