#include "app/accounts.h"

#include <fmt/format.h>

#include "app/logging.h"
#include "app/outbox.h"
#include "core/limits.h"
#include "money/iban.h"
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
  if (!iban) return std::unexpected(iban.error());
  std::string bic;
  if (!text.bic.empty()) {
    auto parsed = money::ParseBic(text.bic);
    if (!parsed) return std::unexpected(parsed.error());
    bic = *parsed;
  }
  if (auto ok = core::CheckFreeText("name", text.name, kMaxHolderChars); !ok)
    return std::unexpected(ok.error());
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
  if (!text) return std::unexpected(text.error());
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
  if (!id) return std::unexpected(id.error());
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
  if (!checked) return std::unexpected(checked.error());
  store::AccountRepo repo(ctx.db);
  auto active = repo.Active(r.email);
  if (!active) return std::unexpected(active.error());
  auto pending = repo.Pending(r.email);
  if (!pending) return std::unexpected(pending.error());
  if (*pending)  // a newer request replaces a waiting one
    if (auto ok = repo.SetStatus((*pending)->id, "replaced"); !ok)
      return std::unexpected(ok.error());
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
    if (!ok) return std::unexpected(ok.error());
    return "account: kept " + checked->iban.Masked() +
           (cancelled.empty() ? "" : ", pending change cancelled");
  }
  const bool first = !*active;
  if (!first) {
    record.status = "pending";
    record.effective =
        ctx.now + std::chrono::hours(ctx.config.bank.account_change_hours);
  }
  if (auto id = repo.Insert(record); !id) return std::unexpected(id.error());
  const std::string name =
      first ? "account_registered" : "account_change_pending";
  const std::string old = first ? cancelled : (*active)->iban;
  if (auto ok = QueueAccountMail(ctx, name, r.email, Notice(ctx, record, old),
                                 r.message_id);
      !ok)
    return std::unexpected(ok.error());
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
  if (!tx) return std::unexpected(tx.error());
  store::AccountRepo repo(ctx.db);
  auto pending = repo.Pending(due.email);  // again, under the write lock
  if (!pending) return std::unexpected(pending.error());
  if (!*pending || (*pending)->id != due.id) return {};
  auto active = repo.Active(due.email);
  if (!active) return std::unexpected(active.error());
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
  if (!due) return std::unexpected(due.error());
  int applied = 0;
  for (const auto& change : *due) {
    if (auto ok = ApplyChange(ctx, change); !ok)
      return std::unexpected(ok.error());
    ++applied;
  }
  return applied;
}

Result<std::optional<store::PayoutAccountRecord>> PayoutAccountOf(
    Context& ctx, const std::string& email) {
  auto active = store::AccountRepo(ctx.db).Active(email);
  if (!active || !*active) return active;
  auto binding = store::KeyRepo(ctx.db).Find(email);
  if (!binding) return std::unexpected(binding.error());
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
  if (!tx) return std::unexpected(tx.error());
  store::AccountRepo repo(ctx.db);
  auto pending = repo.Pending(email);
  if (!pending) return std::unexpected(pending.error());
  if (!*pending)
    return Fail(ErrorKind::kNotFound,
                "no payout account change is pending for " + email);
  if (auto ok = repo.SetStatus((*pending)->id, "cancelled"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
  Logger("app")->info("payout account change of {} cancelled by the operator",
                      email);
  store::PayoutAccountRecord cancelled = **pending;
  cancelled.status = "cancelled";
  return cancelled;
}

}  // namespace ct::app
