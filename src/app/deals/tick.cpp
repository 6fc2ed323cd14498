// Deadlines and reminders: the timer's commands go through the same Step and
// the same commit as a party's, each guarded so that it fires exactly once.
#include "app/deals/tick.h"

#include "app/accounts/accounts.h"
#include "app/base/faults.h"
#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "app/deals/deals.h"
#include "app/market/listings.h"
#include "store/repos.h"

namespace ct::app {
namespace {

// An expired deal re-arms its alert each time; a day of downtime could
// otherwise chain many timers on one deal in one run.
constexpr int kMaxTimersPerDeal = 16;

enum class Fired { kNothing, kTimeout, kReminder };

// Fires the one timer due on deal `id`, if any, in its own transaction.
Result<Fired> FireOne(Context& ctx, const std::string& id) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto deal = store::DealRepo(ctx.db).Load(id);
  CT_TRY(deal);
  auto cmd = core::DueTimer(ctx.config.policy, *deal, ctx.now);
  if (!cmd || !deal->deadline) return Fired::kNothing;
  auto rules = ctx.rules.Find(deal->case_name);
  if (!rules) return Fail(ErrorKind::kConfig, rules.error().message);
  auto step = core::Step(**rules, ctx.config.policy, *deal, *cmd, ctx.now);
  if (auto* refusal = std::get_if<core::Refusal>(&step)) {
    Logger("app")->warn("{}: {} not fired: {}", id, CodeName(cmd->code),
                        refusal->reason);
    return Fired::kNothing;
  }
  const bool timeout = cmd->code == core::code::kTimeout;
  const int seq = timeout ? 0 : cmd->days;
  auto first = store::HistoryRepo(ctx.db).RecordTimer(
      id, timeout ? "timeout" : "reminder", *deal->deadline, seq);
  CT_TRY(first);
  if (!*first) {
    // The deal says it is due but the guard says it fired: never twice.
    Logger("app")->warn("{}: {} for {} already fired", id, CodeName(cmd->code),
                        core::FormatIsoTime(*deal->deadline));
    return Fired::kNothing;
  }
  const Origin origin{"", kTimerRef};
  auto written =
      WriteStep(ctx, *deal, std::get<core::Outcome>(step), *cmd, origin);
  CT_TRY(written);
  CT_TRY(tx->Commit());
  MaybeCrash("after-timer");
  return timeout ? Fired::kTimeout : Fired::kReminder;
}

Result<void> TickDeal(Context& ctx, const std::string& id, TickReport& report) {
  for (int i = 0; i < kMaxTimersPerDeal; ++i) {
    auto fired = FireOne(ctx, id);
    CT_TRY(fired);
    if (*fired == Fired::kNothing) return {};
    ++(*fired == Fired::kTimeout ? report.timeouts : report.reminders);
  }
  return {};
}

bool IsFatal(const Error& error) {
  return error.kind == ErrorKind::kIo || error.kind == ErrorKind::kBusy;
}

}  // namespace

Result<TickReport> Tick(Context& ctx) {
  TickReport report;
  auto changes = ApplyDueAccountChanges(ctx);  // app/accounts/accounts.h
  CT_TRY(changes);
  report.account_changes = *changes;
  auto ids = store::DealRepo(ctx.db).TimerCandidates(
      ctx.now, ctx.config.policy.deadlines.reminder_days);
  CT_TRY(ids);
  for (const auto& id : *ids) {
    if (ctx.StopRequested()) break;
    ++report.deals;
    auto ok = TickDeal(ctx, id, report);
    if (ok) continue;
    // One broken deal must not stop the deadlines of all the others; a
    // database that fails will fail them all, so stop then.
    if (IsFatal(ok.error())) return std::unexpected(ok.error());
    Logger("app")->error("{}: timer failed: {}", id, ok.error().message);
    ++report.failures;
  }
  auto listings = TickListings(ctx);
  CT_TRY(listings);
  report.listings_expired = listings->expired;
  report.listing_reminders = listings->reminders;
  report.failures += listings->failures;
  Logger("app")->info("tick: {} deals, {} deadlines, {} reminders, {} failed",
                      report.deals, report.timeouts, report.reminders,
                      report.failures);
  return report;
}

}  // namespace ct::app
