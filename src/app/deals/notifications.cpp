#include "app/deals/notifications.h"

#include <string>
#include <vector>

#include "app/accounts/accounts.h"
#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/outbound/mail_queue.h"
#include "app/trust/trust.h"
#include "money/epc_qr.h"
#include "money/iban.h"
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

// Each payout with the payee's account (app/accounts/accounts.h), for the
// operator's instructions.
Result<std::vector<notify::PayoutLine>> PayoutLines(
    Context& ctx, const core::Outcome& outcome) {
  std::vector<notify::PayoutLine> lines;
  for (const auto& order : outcome.effects.payouts) {
    notify::PayoutLine line{order.payee,
                            AddressOf(ctx, outcome.deal, order.payee),
                            order.amount,
                            order.reason,
                            "",
                            "",
                            ""};
    if (order.payee != core::kOperatorRole) {
      auto account = PayoutAccountOf(ctx, line.email);
      CT_TRY(account);
      if (*account) {
        auto iban = money::ParseIban((*account)->iban);
        line.iban = iban ? iban->Grouped() : (*account)->iban;
        line.bic = (*account)->bic;
        line.holder = (*account)->name;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// The operator's account as deposit requests show it.
notify::PayTo PayToOf(const Context& ctx) {
  const config::BankConfig& bank = ctx.config.bank;
  auto iban = money::ParseIban(bank.pay_to_iban);
  return {iban ? iban->Grouped() : "", bank.pay_to_bic, bank.pay_to_name,
          bank.deposit_instructions, false};
}

// The messages that ask for money carry the EPC QR code.
bool CarriesQr(const std::vector<std::string>& templates) {
  for (const auto& name : templates)
    if (name == "deposit_request" || name == "deposit_received" ||
        name == "reminder")
      return true;
  return false;
}

// The EPC QR code (PNG) of the transfer `in`'s recipient still owes, or
// nothing when the message does not ask for money, no account is
// configured, or the currency is not the euro (SEPA).
std::vector<store::AttachmentRecord> QrAttachment(
    const Context& ctx, const notify::MessageInput& in,
    const std::vector<std::string>& templates) {
  const config::BankConfig& bank = ctx.config.bank;
  if (bank.pay_to_iban.empty() || !CarriesQr(templates) ||
      !notify::AsksPayment(in))
    return {};
  auto iban = money::ParseIban(bank.pay_to_iban);
  const core::PartyState* me = in.deal->Party(in.recipient_role);
  if (!iban || !me || in.currency != "EUR") return {};
  auto payload = money::EpcPayload(
      {bank.pay_to_bic, bank.pay_to_name, *iban, in.currency,
       me->due - me->deposited,
       notify::PaymentReference(*in.deal, in.recipient_role)});
  auto png =
      payload ? money::QrPng(*payload) : std::unexpected(payload.error());
  if (!png) {
    Logger("app")->warn("{}: no EPC QR code: {}", in.deal->id,
                        png.error().message);
    return {};
  }
  return {{"epc-qr.png", "image/png", std::move(*png)}};
}

}  // namespace

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
  auto payouts = PayoutLines(ctx, outcome);
  CT_TRY(payouts);
  in.payouts = std::move(*payouts);
  in.pay_to = PayToOf(ctx);
  for (const auto& note : outcome.effects.notifications) {
    in.recipient_role = note.to;
    in.recipient_email = AddressOf(ctx, deal, note.to);
    in.to_actor = note.to_actor;
    if (in.recipient_email.empty() || note.templates.empty()) {
      Logger("app")->warn("{}: no address for '{}', notification dropped",
                          deal.id, note.to);
      continue;
    }
    auto attachments = QrAttachment(ctx, in, note.templates);
    in.pay_to.qr = !attachments.empty();
    // The counterparty of an offer reads the offerer's record in it.
    auto record = OfferRecord(ctx, deal, cmd, note);
    CT_TRY(record);
    in.reputation = record->has_value() ? &**record : nullptr;
    const std::string lang = RecipientLanguage(ctx, deal, note.to);
    auto text = ctx.renderer.Render(note.templates, lang, in);
    CT_TRY(text);
    store::OutboxRecord row;
    row.attachments = std::move(attachments);
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
