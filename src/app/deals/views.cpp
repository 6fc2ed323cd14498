// Read models for show, list and payouts, and marking payouts done.
#include "app/deals/views.h"

#include <algorithm>

#include "app/base/logging.h"
#include "app/deals/deals.h"
#include "store/listing_repo.h"
#include "store/repos.h"

namespace ct::app {
namespace {

template <typename T>
Result<void> Fill(Result<T> from, T& into) {
  CT_TRY(from);
  into = std::move(*from);
  return {};
}

Result<void> FillFingerprints(Context& ctx, DealView& view) {
  store::KeyRepo keys(ctx.db);
  for (const auto& party : view.deal.parties) {
    auto binding = keys.Find(party.email);
    CT_TRY(binding);
    if (*binding) view.fingerprints[party.role] = (*binding)->fingerprint;
  }
  return {};
}

// Who did the current state's step, with what they sent with it (the
// tracking text of a 40), from the history.
void FillProgress(const core::CaseRules& rules, DealView& view) {
  const core::Deal& deal = view.deal;
  const core::StateProgress progress =
      core::ProgressIn(rules, deal, deal.state);
  view.deadline_outcome = core::DeadlineOutcome(rules, deal);
  view.partial = progress.Partial();
  if (progress.parties.empty()) return;
  view.progress_mark = progress.mark;
  int code = -1;  // the code that leaves the mark in this state
  for (const auto& t : rules.transitions)
    if (t.mark == progress.mark &&
        std::find(t.from.begin(), t.from.end(), deal.state) != t.from.end())
      code = t.code;
  for (const auto& party : progress.parties) {
    std::string detail;
    for (const auto& e : view.events)
      if (party.done && !e.refused && e.code == code && e.actor == party.role &&
          e.from_state == deal.state)
        detail = e.detail;
    view.progress.push_back({party.role, party.done, detail});
  }
}

}  // namespace

Result<DealView> ShowDeal(Context& ctx, const std::string& id) {
  DealView view;
  store::HistoryRepo history(ctx.db);
  Result<void> ok = Fill(store::DealRepo(ctx.db).Load(id), view.deal);
  if (ok) ok = FillFingerprints(ctx, view);
  if (ok) ok = Fill(history.Events(id), view.events);
  if (ok) ok = Fill(history.Ledger(id), view.ledger);
  if (ok) ok = Fill(store::PayoutRepo(ctx.db).OfDeal(id), view.payouts);
  if (ok) ok = Fill(store::InboxRepo(ctx.db).OfDeal(id), view.inbox);
  if (ok) ok = Fill(store::OutboxRepo(ctx.db).OfDeal(id), view.outbox);
  if (ok) ok = Fill(store::ReputationRepo(ctx.db).RatingsOf(id), view.ratings);
  std::optional<std::string> listing;
  if (ok) ok = Fill(store::ListingRepo(ctx.db).ListingOfDeal(id), listing);
  CT_TRY(ok);
  view.listing_id = listing.value_or("");
  if (auto rules = ctx.rules.Find(view.deal.case_name)) {
    view.waiting_for = core::WaitingFor(**rules, view.deal);
    FillProgress(**rules, view);
  }
  return view;
}

Result<std::vector<store::DealSummary>> ListDeals(Context& ctx,
                                                  store::DealFilter filter) {
  filter.now = ctx.now;
  return store::DealRepo(ctx.db).List(filter);
}

Result<std::vector<store::PayoutRecord>> ListPayouts(Context& ctx,
                                                     bool pending_only) {
  return store::PayoutRepo(ctx.db).List(pending_only);
}

Result<store::PayoutRecord> PayoutDone(Context& ctx, int64_t id,
                                       const std::string& reference) {
  auto done = store::PayoutRepo(ctx.db).MarkDone(id, reference, ctx.now);
  if (done) {
    Logger("app")->info("payout {} of {} marked done", id, done->deal_id);
  }
  return done;
}

}  // namespace ct::app
