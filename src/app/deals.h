// The shell around the engine for operator commands and read models: each
// operation loads what it needs, asks core::Step, and commits the outcome
// (app/commit.h). Used by the CLI; the mail pipeline shares Commit/Tick.
#ifndef CYBERTROC_APP_DEALS_H_
#define CYBERTROC_APP_DEALS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/commit.h"
#include "app/context.h"
#include "core/engine.h"
#include "store/records.h"
#include "store/repos.h"
#include "store/trust_repo.h"

namespace ct::app {

// `open`: the operator opens an already accepted deal.
struct OpenRequest {
  std::string case_name;                      // "sale", "exchange"
  std::map<std::string, std::string> emails;  // role -> address
  std::map<std::string, core::Money> terms;   // price, shipping, value
  std::map<std::string, std::string> texts;   // item, give, take
  std::string delivery = "post";
  std::string lang;  // "" = templates.default_language
  // The trust terms an offer by mail may carry (docs/protocol.md): a
  // moderator from the operator's list and a referrer; "" = none. A
  // delivery mode's own texts (digital: sha256) go in `texts`.
  std::string moderator;
  std::string referrer;
};

// Creates the deal (code 10 by the initiator) and accepts it (code 11 by
// the counterparty) in one transaction: two events. Returns the new id.
// kUsage for an unknown case, kInvalidInput for bad terms or addresses.
Result<std::string> OpenDeal(Context& ctx, const OpenRequest& request);

// An offer received by mail (code 10): creates the deal in its initial
// state, records event 10 and tells both parties. REQUIRES: an open
// transaction (the caller commits it with the inbox row). Returns the id.
Result<std::string> WriteOffer(Context& ctx, const core::CaseRules& rules,
                               core::Offer offer, const Origin& origin);

// Code 21 by the operator. kNotFound for an unknown deal, kUsage for a role
// that is not one of the case, kRefused (with the reason and the codes
// allowed now; recorded as a refused event) when the engine refuses.
Result<core::Deal> Deposit(Context& ctx, const std::string& id,
                           const std::string& role, core::Money amount,
                           const std::string& reference);

// core::code::kResolve by the operator with `split` (role -> amount).
Result<core::Deal> Resolve(Context& ctx, const std::string& id,
                           const std::map<std::string, core::Money>& split);

// Applies an operator command to deal `id` in one transaction (shared by
// Deposit and Resolve).
Result<core::Deal> ApplyOperatorCommand(Context& ctx, const std::string& id,
                                        const core::Command& cmd);

struct TickReport {
  int deals = 0;            // deals examined
  int timeouts = 0;         // deadlines that fired
  int reminders = 0;        // reminders that fired
  int failures = 0;         // deals skipped after an error (logged)
  int account_changes = 0;  // payout account changes that applied
  // Listings past their date, listers reminded before it (app/listings.h).
  int listings_expired = 0;
  int listing_reminders = 0;
};

// Fires every due deadline and reminder, each exactly once (guarded by
// HistoryRepo::RecordTimer in the same transaction as its effects), and
// applies the payout account changes whose time has come.
Result<TickReport> Tick(Context& ctx);

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

#endif  // CYBERTROC_APP_DEALS_H_
