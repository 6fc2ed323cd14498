#include "app/accounts/accounts.h"

#include <fmt/format.h>

#include "app/base/logging.h"
#include "app/outbound/mail_queue.h"
#include "core/limits.h"
#include "money/iban.h"
#include "money/pain001.h"
#include "store/repos.h"

namespace ct::app {
namespace {

constexpr size_t kMaxHolderChars = 70;  // SEPA and EPC QR names

struct CheckedAccount {
  money::Iban iban;
  std::string bic;
  std::string name;
};

Result<CheckedAccount> Check(const core::AccountText& text) {
  auto iban = money::ParseIban(text.iban);
  CT_TRY(iban);
  std::string bic;
  if (!text.bic.empty()) {
    auto parsed = money::ParseBic(text.bic);
    CT_TRY(parsed);
    bic = *parsed;
  }
  CT_TRY(core::CheckFreeText("name", text.name, kMaxHolderChars));
  // Refused now, while the party can correct it, rather than found out when
  // a payout is due (the file would then name the party's address).
  if (!text.name.empty()) {
    auto written = money::SepaName(text.name);
    if (!written && written.error().kind == ErrorKind::kInvalidInput)
      return Fail(ErrorKind::kInvalidInput,
                  "name: " + written.error().message +
                      ". Write the account holder's name as your bank has "
                      "it, or leave out the name: line");
    CT_TRY(written);
  }
  return CheckedAccount{*iban, bic, text.name};
}

std::string Masked(const std::string& electronic) {
  auto iban = money::ParseIban(electronic);
  return iban ? iban->Masked() : electronic;
}

notify::AccountNotice Notice(const Context& ctx,
                             const store::PayoutAccountRecord& account,
                             const std::string& old_iban) {
  notify::AccountNotice n;
  n.masked = Masked(account.iban);
  n.old_masked = old_iban.empty() ? "" : Masked(old_iban);
  n.holder = account.name;
  n.bic = account.bic;
  n.key = account.fingerprint;
  n.effective = core::FormatHumanTime(account.effective);
  n.change_hours = ctx.config.bank.account_change_hours;
  n.operator_email = ctx.config.outbox.operator_address;
  return n;
}

// Renders `template_name` for the party and queues it. Not a refusal: it is
// never held back by outbox.max_replies_per_day, so that a flood of mail
// cannot hide the news of an account change.
Result<void> QueueAccountMail(Context& ctx, const std::string& template_name,
                              const std::string& email,
                              const notify::AccountNotice& notice,
                              const std::string& in_reply_to) {
  notify::MessageInput in;
  in.currency = ctx.config.policy.money.currency;
  in.recipient_email = email;
  in.to_actor = !in_reply_to.empty();
  in.account = notice;
  const std::string& lang = ctx.config.templates.default_language;
  auto text = ctx.renderer.Render({template_name}, lang, in);
  CT_TRY(text);
  store::OutboxRecord row;
  row.created = ctx.now;
  row.to_email = email;
  row.lang = lang;
  row.kind = in_reply_to.empty() ? "notice" : "reply";
  row.templates = template_name;
  row.subject = std::move(text->subject);
  row.body = std::move(text->body);
  row.in_reply_to = in_reply_to;
  row.next_attempt = ctx.now;
  auto id = QueueMail(ctx, std::move(row));
  CT_TRY(id);
  return {};
}

bool Same(const store::PayoutAccountRecord& a, const CheckedAccount& b,
          const std::string& fingerprint) {
  return a.iban == b.iban.electronic() && a.bic == b.bic && a.name == b.name &&
         a.fingerprint == fingerprint;
}

}  // namespace

Result<std::string> RegisterAccount(Context& ctx, const AccountRequest& r) {
  auto checked = Check(r.text);
  CT_TRY(checked);
  store::AccountRepo repo(ctx.db);
  auto active = repo.Active(r.email);
  CT_TRY(active);
  auto pending = repo.Pending(r.email);
  CT_TRY(pending);
  if (*pending)  // a newer request replaces a waiting one
    CT_TRY(repo.SetStatus((*pending)->id, "replaced"));
  const std::string cancelled = *pending ? (*pending)->iban : "";
  store::PayoutAccountRecord record{0,
                                    r.email,
                                    r.fingerprint,
                                    checked->iban.electronic(),
                                    checked->bic,
                                    checked->name,
                                    ctx.now,
                                    ctx.now,
                                    "active",
                                    r.message_id};
  if (*active && Same(**active, *checked, r.fingerprint)) {
    // The account in use, confirmed again: nothing to store; a waiting
    // change (if any) is what the party just undid.
    auto ok = QueueAccountMail(ctx, "account_registered", r.email,
                               Notice(ctx, **active, cancelled), r.message_id);
    CT_TRY(ok);
    return "account: kept " + checked->iban.Masked() +
           (cancelled.empty() ? "" : ", pending change cancelled");
  }
  const bool first = !*active;
  if (!first) {
    record.status = "pending";
    record.effective =
        ctx.now + std::chrono::hours(ctx.config.bank.account_change_hours);
  }
  CT_TRY(repo.Insert(record));
  const std::string name =
      first ? "account_registered" : "account_change_pending";
  const std::string old = first ? cancelled : (*active)->iban;
  CT_TRY(QueueAccountMail(ctx, name, r.email, Notice(ctx, record, old),
                          r.message_id));
  Logger("app")->info(
      "payout account of {}: {} {}", r.email,
      first ? "registered" : "change requested, applies",
      first ? checked->iban.Masked() : core::FormatIsoTime(record.effective));
  return fmt::format("account: {} {}", first ? "registered" : "change to",
                     checked->iban.Masked()) +
         (first ? "" : " from " + core::FormatIsoTime(record.effective));
}

namespace {

// One due change, in its own transaction: the old account is replaced, the
// party told.
Result<void> ApplyChange(Context& ctx, const store::PayoutAccountRecord& due) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  store::AccountRepo repo(ctx.db);
  auto pending = repo.Pending(due.email);  // again, under the write lock
  CT_TRY(pending);
  if (!*pending || (*pending)->id != due.id) return {};
  auto active = repo.Active(due.email);
  CT_TRY(active);
  std::string old;
  if (*active) {
    old = (*active)->iban;
    if (auto ok = repo.SetStatus((*active)->id, "replaced"); !ok) return ok;
  }
  if (auto ok = repo.SetStatus(due.id, "active"); !ok) return ok;
  if (auto ok = QueueAccountMail(ctx, "account_changed", due.email,
                                 Notice(ctx, due, old), "");
      !ok)
    return ok;
  Logger("app")->info("payout account of {} is now {}", due.email,
                      Masked(due.iban));
  return tx->Commit();
}

}  // namespace

Result<int> ApplyDueAccountChanges(Context& ctx) {
  auto due = store::AccountRepo(ctx.db).Due(ctx.now);
  CT_TRY(due);
  int applied = 0;
  for (const auto& change : *due) {
    CT_TRY(ApplyChange(ctx, change));
    ++applied;
  }
  return applied;
}

Result<std::optional<store::PayoutAccountRecord>> PayoutAccountOf(
    Context& ctx, const std::string& email) {
  auto active = store::AccountRepo(ctx.db).Active(email);
  if (!active || !*active) return active;
  auto binding = store::KeyRepo(ctx.db).Find(email);
  CT_TRY(binding);
  if (!*binding || (*binding)->fingerprint != (**active).fingerprint)
    return std::nullopt;  // registered by a key no longer bound
  return active;
}

Result<std::vector<store::PayoutAccountRecord>> ListAccounts(Context& ctx) {
  return store::AccountRepo(ctx.db).Current();
}

Result<store::PayoutAccountRecord> CancelAccountChange(
    Context& ctx, const std::string& email) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  store::AccountRepo repo(ctx.db);
  auto pending = repo.Pending(email);
  CT_TRY(pending);
  if (!*pending)
    return Fail(ErrorKind::kNotFound,
                "no payout account change is pending for " + email);
  CT_TRY(repo.SetStatus((*pending)->id, "cancelled"));
  CT_TRY(tx->Commit());
  Logger("app")->info("payout account change of {} cancelled by the operator",
                      email);
  store::PayoutAccountRecord cancelled = **pending;
  cancelled.status = "cancelled";
  return cancelled;
}

}  // namespace ct::app
