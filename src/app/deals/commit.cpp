#include "app/deals/commit.h"

#include <fmt/format.h>

#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/deals/conservation.h"
#include "app/deals/notifications.h"
#include "app/market/listings.h"
#include "app/outbound/mail_queue.h"
#include "app/trust/trust.h"
#include "store/repos.h"

namespace ct::app {
namespace {

const char* LedgerKindName(core::LedgerKind kind) {
  switch (kind) {
    case core::LedgerKind::kDeposit:
      return "deposit";
    case core::LedgerKind::kCommission:
      return "commission";
    case core::LedgerKind::kPayout:
      return "payout";
    case core::LedgerKind::kShare:
      return "share";
  }
  return "payout";
}

std::string SplitText(const std::map<std::string, core::Money>& split) {
  std::string out;
  for (const auto& [role, amount] : split) {
    out +=
        fmt::format("{}{}={}", out.empty() ? "" : " ", role, amount.ToString());
  }
  return out;
}

Result<const core::CaseRules*> RulesOf(const Context& ctx,
                                       const core::Deal& deal) {
  auto rules = ctx.rules.Find(deal.case_name);
  if (!rules) {
    return Fail(ErrorKind::kConfig, deal.id + ": " + rules.error().message);
  }
  return *rules;
}

store::EventRecord MakeEvent(const Context& ctx, const core::Deal& deal,
                             const core::Command& cmd, const Origin& origin) {
  store::EventRecord event;
  event.deal_id = deal.id;
  event.at = ctx.now;
  event.code = cmd.code;
  event.actor = cmd.actor;
  event.actor_email = origin.actor_email;
  event.from_state = deal.state;
  event.to_state = deal.state;
  event.detail = EventDetail(cmd);
  event.message_ref = origin.message_ref;
  return event;
}

Result<void> WriteMoney(Context& ctx, const core::Outcome& outcome,
                        int64_t event_id) {
  const core::Deal& deal = outcome.deal;
  store::HistoryRepo history(ctx.db);
  for (const auto& move : outcome.effects.ledger) {
    store::LedgerRecord row{.id = 0,
                            .deal_id = deal.id,
                            .at = ctx.now,
                            .kind = LedgerKindName(move.kind),
                            .role = move.role,
                            .amount = move.amount,
                            .reason = move.reason,
                            .reference = move.reference,
                            .event_id = event_id};
    CT_TRY(history.AppendLedger(row));
  }
  store::PayoutRepo payouts(ctx.db);
  for (const auto& order : outcome.effects.payouts) {
    store::PayoutRecord row;
    row.deal_id = deal.id;
    row.created = ctx.now;
    row.payee_role = order.payee;
    row.payee_email = AddressOf(ctx, deal, order.payee);
    row.amount = order.amount;
    row.currency = ctx.config.policy.money.currency;
    row.reason = order.reason;
    CT_TRY(payouts.Insert(row));
  }
  return {};
}

}  // namespace

std::string CodeName(int code) {
  switch (code) {
    case core::code::kResolve:
      return "resolve";
    case core::code::kTimeout:
      return "timeout";
    case core::code::kReminder:
      return "reminder";
    case core::code::kBankReversal:
      return "reversal";
    default:
      return fmt::format("{:02}", code);
  }
}

std::string EventDetail(const core::Command& cmd) {
  switch (cmd.code) {
    case core::code::kDeposit:
      return fmt::format("{} {}{}", cmd.deposit_role, cmd.amount.ToString(),
                         cmd.reference.empty() ? "" : " ref=" + cmd.reference);
    case core::code::kPropose:
    case core::code::kResolve:
      return SplitText(cmd.split);
    case core::code::kExtend:
      return fmt::format("{} days", cmd.days);
    case core::code::kReminder:
      return fmt::format("reminder {}", cmd.days);
    default:
      return cmd.text;
  }
}

Result<int64_t> WriteStep(Context& ctx, const core::Deal& before,
                          const core::Outcome& outcome,
                          const core::Command& cmd, const Origin& origin) {
  auto rules = RulesOf(ctx, before);
  CT_TRY(rules);
  store::HistoryRepo history(ctx.db);
  auto stored = history.Ledger(before.id);
  CT_TRY(stored);
  if (auto ok = CheckConservation(**rules, before, outcome, *stored); !ok) {
    Logger("app")->error("{}", ok.error().message);
    return std::unexpected(ok.error());
  }
  CT_TRY(store::DealRepo(ctx.db).Update(outcome.deal));
  store::EventRecord event = MakeEvent(ctx, before, cmd, origin);
  event.to_state = outcome.deal.state;
  auto event_id = history.AppendEvent(event);
  CT_TRY(event_id);
  CT_TRY(WriteMoney(ctx, outcome, *event_id));
  CT_TRY(RecordReputation(ctx, **rules, before, outcome, cmd));
  CT_TRY(EnqueueNotifications(ctx, **rules, outcome, cmd, origin));
  CT_TRY(OnDealStep(ctx, before, outcome.deal));  // its listing
  Logger("app")->info("{}: {} by {}: {} -> {}", before.id, CodeName(cmd.code),
                      cmd.actor, before.state, outcome.deal.state);
  return *event_id;
}

Result<void> Commit(Context& ctx, const core::Deal& before,
                    const core::Outcome& outcome, const core::Command& cmd,
                    const std::string& actor_email,
                    const std::string& message_ref) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto written =
      WriteStep(ctx, before, outcome, cmd, Origin{actor_email, message_ref});
  CT_TRY(written);
  return tx->Commit();
}

Result<int64_t> WriteRefusal(Context& ctx, const core::Deal& deal,
                             const core::Command& cmd,
                             const core::Refusal& refusal,
                             const Origin& origin) {
  store::EventRecord event = MakeEvent(ctx, deal, cmd, origin);
  event.refused = true;
  const std::string asked = EventDetail(cmd);
  event.detail =
      asked.empty() ? refusal.reason : refusal.reason + " (" + asked + ")";
  Logger("app")->info("{}: {} by {} refused: {}", deal.id, CodeName(cmd.code),
                      cmd.actor, refusal.reason);
  return store::HistoryRepo(ctx.db).AppendEvent(event);
}

}  // namespace ct::app
