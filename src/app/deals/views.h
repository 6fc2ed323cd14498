// What support staff read: one deal in full, pages of deals, payouts.
#ifndef CYBERTROC_APP_DEALS_VIEWS_H_
#define CYBERTROC_APP_DEALS_VIEWS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/base/context.h"
#include "app/deals/views.h"
#include "core/deal.h"
#include "store/records.h"
#include "store/repos.h"
#include "store/trust_repo.h"

namespace ct::app {

// Everything `show` prints about one deal.
struct DealView {
  core::Deal deal;
  std::map<std::string, std::string> fingerprints;  // role -> bound key
  std::vector<store::EventRecord> events;
  std::vector<store::LedgerRecord> ledger;
  std::vector<store::PayoutRecord> payouts;
  std::vector<store::InboxRecord> inbox;
  std::vector<store::OutboxRecord> outbox;
  std::vector<std::string> waiting_for;  // who must act now
  // Per-party step of the current state when several parties each do it
  // (the mark, e.g. "shipped"; who has it; the text sent with it, such as
  // tracking); empty when the state has none. `partial`: some but not all
  // did it (one item on its way, the other not).
  struct PartyProgress {
    std::string role;
    bool done = false;
    std::string detail;
  };
  std::string progress_mark;
  std::vector<PartyProgress> progress;
  bool partial = false;
  std::string deadline_outcome;  // state the deal enters if the deadline
                                 // passes now; "" without a deadline
  std::vector<store::RatingRecord> ratings;  // ratings (code 70) received
  // The listing it was opened from, "" when none.
  std::string listing_id;
};
Result<DealView> ShowDeal(Context& ctx, const std::string& id);

// One page of list lines (store::DealFilter says which).
Result<std::vector<store::DealSummary>> ListDeals(Context& ctx,
                                                  store::DealFilter filter);
Result<std::vector<store::PayoutRecord>> ListPayouts(Context& ctx,
                                                     bool pending_only);
// kNotFound for an unknown id, kRefused when already done.
Result<store::PayoutRecord> PayoutDone(Context& ctx, int64_t id,
                                       const std::string& reference);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_VIEWS_H_
