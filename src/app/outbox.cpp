#include "app/outbox.h"

#include <fmt/format.h>

#include <random>

#include "app/logging.h"
#include "app/trust.h"
#include "mail/mime.h"
#include "store/repos.h"

namespace ct::app {
namespace {

bool IsTimerCode(int code) {
  return code == core::code::kTimeout || code == core::code::kReminder;
}

// Mail that answers a mail is auto-replied (RFC 3834); what the timer or
// an operator at the command line causes is auto-generated.
bool IsFromMail(const Origin& origin) {
  return !origin.message_ref.empty() && origin.message_ref != kCliRef &&
         origin.message_ref != kTimerRef;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

std::vector<notify::PayoutLine> PayoutLines(const Context& ctx,
                                            const core::Outcome& outcome) {
  std::vector<notify::PayoutLine> lines;
  for (const auto& order : outcome.effects.payouts) {
    lines.push_back({order.payee, AddressOf(ctx, outcome.deal, order.payee),
                     order.amount, order.reason});
  }
  return lines;
}

}  // namespace

std::string NewMessageId(const Context& ctx) {
  static std::random_device rd;  // the main thread's: workers never queue
  auto random64 = [] { return (uint64_t{rd()} << 32) | rd(); };
  const std::string from = mail::AddressOf(ctx.config.outbox.from);
  const size_t at = from.find('@');
  const std::string domain =
      at == std::string::npos ? std::string() : from.substr(at + 1);
  return fmt::format("<ct.{:016x}{:016x}@{}>", random64(), random64(),
                     domain.empty() ? "localhost" : domain);
}

Result<int64_t> QueueMail(Context& ctx, store::OutboxRecord row) {
  row.message_id = NewMessageId(ctx);
  return store::OutboxRepo(ctx.db).Enqueue(row);
}

std::string AddressOf(const Context& ctx, const core::Deal& deal,
                      const std::string& role) {
  if (role == core::kOperatorRole) return ctx.config.outbox.operator_address;
  const core::PartyState* party = deal.Party(role);
  if (party) return party->email;
  return TrustAddressOf(ctx, deal, role);
}

Result<void> EnqueueNotifications(Context& ctx, const core::CaseRules& rules,
                                  const core::Outcome& outcome,
                                  const core::Command& cmd,
                                  const Origin& origin) {
  const core::Deal& deal = outcome.deal;
  notify::MessageInput in;
  in.deal = &deal;
  in.rules = &rules;
  in.currency = ctx.config.policy.money.currency;
  in.command = cmd;
  if (origin.confidential) in.command.text.clear();
  in.from_state = outcome.effects.from_state;
  in.to_state = outcome.effects.to_state;
  in.payouts = PayoutLines(ctx, outcome);
  for (const auto& note : outcome.effects.notifications) {
    in.recipient_role = note.to;
    in.recipient_email = AddressOf(ctx, deal, note.to);
    in.to_actor = note.to_actor;
    if (in.recipient_email.empty() || note.templates.empty()) {
      Logger("app")->warn("{}: no address for '{}', notification dropped",
                          deal.id, note.to);
      continue;
    }
    // The counterparty of an offer reads the offerer's record in it.
    auto record = OfferRecord(ctx, deal, cmd, note);
    CT_TRY(record);
    in.reputation = record->has_value() ? &**record : nullptr;
    const std::string lang = RecipientLanguage(ctx, deal, note.to);
    auto text = ctx.renderer.Render(note.templates, lang, in);
    CT_TRY(text);
    store::OutboxRecord row;
    row.deal_id = deal.id;
    row.created = ctx.now;
    row.to_email = in.recipient_email;
    row.to_role = note.to;
    row.lang = lang;
    row.kind =
        IsFromMail(origin) && !IsTimerCode(cmd.code) ? "reply" : "notice";
    row.templates = Join(note.templates);
    row.subject = std::move(text->subject);
    row.body = std::move(text->body);
    row.in_reply_to = IsFromMail(origin) ? origin.message_ref : "";
    row.next_attempt = ctx.now;
    CT_TRY(QueueMail(ctx, std::move(row)));
  }
  return {};
}

}  // namespace ct::app
