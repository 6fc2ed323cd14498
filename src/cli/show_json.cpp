// show --json: every field of the human view, machine-readable.
#include "app/deals/commit.h"
#include "app/deals/views.h"
#include "cli/common.h"
#include "cli/show.h"

namespace ct::cli {
namespace {

using util::Json;

Json StringList(const auto& items) {
  Json list = Json::Array();
  for (const auto& item : items) list.Push(Json(item));
  return list;
}

Json PartiesJson(const app::DealView& view) {
  Json parties = Json::Array();
  for (const auto& p : view.deal.parties) {
    auto fpr = view.fingerprints.find(p.role);
    parties.Push(Json::Object()
                     .Set("role", p.role)
                     .Set("email", p.email)
                     .Set("fingerprint", fpr == view.fingerprints.end()
                                             ? Json::Null()
                                             : Json(fpr->second))
                     .Set("due", p.due.ToString())
                     .Set("commission", p.commission.ToString())
                     .Set("deposited", p.deposited.ToString())
                     .Set("paid", p.Paid())
                     .Set("marks", StringList(p.marks))
                     .Set("extend_days", p.extend_days));
  }
  return parties;
}

Json EventsJson(const app::DealView& view) {
  Json events = Json::Array();
  for (const auto& e : view.events) {
    events.Push(Json::Object()
                    .Set("at", core::FormatIsoTime(e.at))
                    .Set("code", app::CodeName(e.code))
                    .Set("actor", e.actor)
                    .Set("actor_email", e.actor_email)
                    .Set("from", e.from_state)
                    .Set("state", e.to_state)
                    .Set("refused", e.refused)
                    .Set("detail", e.detail)
                    .Set("message", e.message_ref));
  }
  return events;
}

Json LedgerJson(const app::DealView& view) {
  Json ledger = Json::Array();
  for (const auto& l : view.ledger) {
    ledger.Push(Json::Object()
                    .Set("at", core::FormatIsoTime(l.at))
                    .Set("kind", l.kind)
                    .Set("role", l.role)
                    .Set("amount", l.amount.ToString())
                    .Set("reason", l.reason)
                    .Set("reference", l.reference));
  }
  return ledger;
}

Json MessagesJson(const app::DealView& view) {
  Json in = Json::Array();
  for (const auto& m : view.inbox) {
    in.Push(Json::Object()
                .Set("id", m.id)
                .Set("message_id", m.message_id)
                .Set("fetched", core::FormatIsoTime(m.fetched))
                .Set("status", m.status)
                .Set("outcome", m.outcome));
  }
  Json out = Json::Array();
  for (const auto& m : view.outbox) {
    out.Push(Json::Object()
                 .Set("id", m.id)
                 .Set("to", m.to_email)
                 .Set("role", m.to_role)
                 .Set("kind", m.kind)
                 .Set("templates", m.templates)
                 .Set("subject", m.subject)
                 .Set("status", m.status)
                 .Set("attempts", m.attempts)
                 .Set("created", core::FormatIsoTime(m.created))
                 .Set("sent_at", TimeOrNull(m.sent_at)));
  }
  return Json::Object().Set("in", std::move(in)).Set("out", std::move(out));
}

Json PayoutsJson(const app::DealView& view) {
  Json payouts = Json::Array();
  for (const auto& p : view.payouts) {
    payouts.Push(PayoutJson(p, /*with_deal=*/false));
  }
  return payouts;
}

// The current state's per-party step, or null when it has none.
Json ProgressJson(const app::DealView& view) {
  if (view.progress.empty()) return Json::Null();
  Json parties = Json::Array();
  for (const auto& p : view.progress) {
    parties.Push(Json::Object()
                     .Set("role", p.role)
                     .Set("done", p.done)
                     .Set("detail", p.detail));
  }
  return Json::Object()
      .Set("mark", view.progress_mark)
      .Set("partial", view.partial)
      .Set("parties", std::move(parties));
}

Json ProposalJson(const core::Deal& deal) {
  if (!deal.proposal) return Json::Null();
  Json split = Json::Object();
  for (const auto& [role, amount] : deal.proposal->split) {
    split.Set(role, amount.ToString());
  }
  return Json::Object().Set("by", deal.proposal->by).Set("split", split);
}

}  // namespace

Json DealViewJson(const app::DealView& view, const app::Context& ctx) {
  const core::Deal& d = view.deal;
  Json texts = Json::Object();
  for (const auto& [k, v] : d.texts) texts.Set(k, v);
  Json amounts = Json::Object();
  for (const auto& [k, v] : d.amounts) amounts.Set(k, v.ToString());
  Json messages = MessagesJson(view);
  return Json::Object()
      .Set("id", d.id)
      .Set("case", d.case_name)
      .Set("state", d.state)
      .Set("lang", d.lang)
      .Set("delivery", d.delivery)
      .Set("listing", TextOrNull(view.listing_id))
      .Set("created", core::FormatIsoTime(d.created))
      .Set("state_entered", core::FormatIsoTime(d.state_entered))
      .Set("deadline", TimeOrNull(d.deadline))
      .Set("waiting_for", StringList(view.waiting_for))
      .Set("progress", ProgressJson(view))
      .Set("deadline_outcome", TextOrNull(view.deadline_outcome))
      .Set("currency", ctx.config.policy.money.currency)
      .Set("held", d.Held().ToString())
      .Set("paid_in", d.paid_in.ToString())
      .Set("paid_out", d.paid_out.ToString())
      .Set("funded", d.funded)
      .Set("texts", std::move(texts))
      .Set("amounts", std::move(amounts))
      .Set("parties", PartiesJson(view))
      .Set("proposal", ProposalJson(d))
      .Set("trust", TrustJson(view))
      .Set("ledger", LedgerJson(view))
      .Set("events", EventsJson(view))
      .Set("messages", std::move(messages))
      .Set("payouts", PayoutsJson(view));
}

}  // namespace ct::cli
