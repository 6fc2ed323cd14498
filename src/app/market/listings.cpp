// A listing's life after the mail that changed it: its deal ending, its
// expiry and reminder (tick), and what the CLI reads (app/market/listings.h).
#include "app/market/listings.h"

#include <fmt/format.h>

#include "app/base/faults.h"
#include "app/base/logging.h"
#include "app/market/listing_notices.h"
#include "core/limits.h"
#include "store/repos.h"

namespace ct::app {
namespace {

bool EndedNow(const Context& ctx, const core::Deal& before,
              const core::Deal& after) {
  if (after.state == before.state) return false;
  auto rules = ctx.rules.Find(after.case_name);
  if (!rules) return false;
  const core::StateRule* state = (*rules)->FindState(after.state);
  return state && state->is_final;
}

const char* NoticeFor(const std::string& state) {
  if (state == core::kListingClosed) return "listing_closed";
  if (state == core::kListingExpired) return "listing_expired";
  return "listing_reopened";
}

enum class Fired { kNothing, kExpired, kReminded };

// The one listing timer due on `id`, in its own transaction. The listing's
// own state and `reminded` flag, read and written under the write lock, make
// each fire exactly once.
Result<Fired> FireOne(Context& ctx, const std::string& id) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  store::ListingRepo repo(ctx.db);
  auto listing = repo.Load(id);
  CT_TRY(listing);
  Fired fired = Fired::kNothing;
  if (core::ExpiryDue(*listing, ctx.now)) {
    listing->state = core::kListingExpired;
    fired = Fired::kExpired;
  } else if (core::ExpiryReminderDue(*listing, ctx.now)) {
    listing->reminded = true;
    fired = Fired::kReminded;
  } else {
    return Fired::kNothing;
  }
  CT_TRY(repo.Update(*listing));
  notify::ListingInput in;
  in.listing = &*listing;
  const char* name =
      fired == Fired::kExpired ? "listing_expired" : "listing_expiry_reminder";
  CT_TRY(QueueListingMail(ctx, name, listing->lister, listing->lang, in, ""));
  CT_TRY(tx->Commit());
  MaybeCrash("after-listing-timer");
  return fired;
}

}  // namespace

Result<void> OnDealStep(Context& ctx, const core::Deal& before,
                        const core::Deal& after) {
  if (!EndedNow(ctx, before, after)) return {};
  store::ListingRepo repo(ctx.db);
  auto from = repo.ListingOfDeal(after.id);
  CT_TRY(from);
  if (!*from) return {};
  auto listing = repo.Load(**from);
  CT_TRY(listing);
  // Only the deal of the current lock moves the listing.
  if (listing->state != core::kListingLocked || listing->deal_id != after.id)
    return {};
  listing->state = core::StateAfterDeal(*listing, after.funded, ctx.now);
  listing->deal_id.clear();
  listing->locked_to.clear();
  if (auto ok = repo.Update(*listing); !ok) return ok;
  Logger("app")->info("{}: deal {} ended ({}): listing {}", listing->id,
                      after.id, after.state, listing->state);
  notify::ListingInput in;
  in.listing = &*listing;
  in.deal_id = after.id;
  return QueueListingMail(ctx, NoticeFor(listing->state), listing->lister,
                          listing->lang, in, "");
}

Result<ListingTickReport> TickListings(Context& ctx) {
  auto ids = store::ListingRepo(ctx.db).TimerCandidates(ctx.now);
  CT_TRY(ids);
  ListingTickReport report;
  for (const auto& id : *ids) {
    if (ctx.StopRequested()) break;
    auto fired = FireOne(ctx, id);
    if (!fired) {
      const ErrorKind kind = fired.error().kind;
      if (kind == ErrorKind::kIo || kind == ErrorKind::kBusy)
        return std::unexpected(fired.error());
      Logger("app")->error("{}: listing timer failed: {}", id,
                           fired.error().message);
      ++report.failures;
      continue;
    }
    if (*fired == Fired::kExpired) ++report.expired;
    if (*fired == Fired::kReminded) ++report.reminders;
  }
  return report;
}

Result<ListingView> ShowListing(Context& ctx, const std::string& id) {
  store::ListingRepo repo(ctx.db);
  ListingView view;
  auto listing = repo.Load(id);
  CT_TRY(listing);
  view.listing = std::move(*listing);
  auto interests = repo.Interests(id);
  CT_TRY(interests);
  view.interests = std::move(*interests);
  auto deals = repo.DealsOf(id);
  CT_TRY(deals);
  view.deals = std::move(*deals);
  return view;
}

Result<std::string> ParseListingId(std::string_view text) {
  auto id = core::NormalizeListingId(text);
  if (!id)
    return Fail(ErrorKind::kUsage,
                fmt::format("not a listing id: '{}' (expected CL-XXXXXXXX)",
                            core::Excerpt(text)));
  return *id;
}

}  // namespace ct::app
