#include "app/sender.h"

#include <fmt/format.h>

#include <random>

#include "app/faults.h"
#include "app/identity.h"
#include "app/logging.h"
#include "app/run.h"
#include "crypto/import.h"
#include "mail/compose.h"
#include "mail/mime.h"
#include "store/repos.h"
#include "util/sha256.h"

namespace ct::app {
namespace {

std::string NewMessageId(const Context& ctx, int64_t row_id) {
  static std::random_device rd;
  std::string from = mail::AddressOf(ctx.config.outbox.from);
  std::string domain = from.substr(from.find('@') + 1);
  return fmt::format("<ct.{}.{:08x}{:08x}@{}>", row_id, rd(), rd(),
                     domain.empty() ? "localhost" : domain);
}

// The dir:// file name of `row`, the same on every attempt: the row id,
// zero-padded so that names sort in queue order, and a digest of its
// Message-ID (random, saved before the first attempt), so that another
// database writing to the same directory, or this one made anew, never
// takes the name of a file already there.
std::string DeliveryKey(const store::OutboxRecord& row) {
  return fmt::format("{:010}-{}", row.id,
                     util::Sha256Hex(row.message_id).substr(0, 16));
}

// Whom to encrypt to: the bound key of a party, the operator's key.
Result<std::vector<std::string>> EncryptionKeys(
    Context& ctx, crypto::GpgContext& gpg, const store::OutboxRecord& row) {
  if (!ctx.config.gpg.encrypt_replies) return std::vector<std::string>{};
  std::string fpr;
  if (row.to_email == ctx.config.outbox.operator_address) {
    fpr = NormalizeFingerprint(ctx.config.gpg.operator_key);
  } else {
    auto binding = store::KeyRepo(ctx.db).Find(row.to_email);
    if (!binding) return std::unexpected(binding.error());
    if (*binding) fpr = (*binding)->fingerprint;
  }
  if (fpr.empty()) return std::vector<std::string>{};
  auto key = crypto::LookupKey(gpg, fpr);
  if (!key) return std::unexpected(key.error());
  if (!*key || !(*key)->can_encrypt) return std::vector<std::string>{};
  return std::vector<std::string>{fpr};
}

Result<std::string> Build(Context& ctx, crypto::GpgContext& gpg,
                          store::OutboxRecord& row) {
  mail::OutgoingMail m;
  m.from = ctx.config.outbox.from;
  m.to = row.to_email;
  m.subject = row.subject;
  m.body = row.body;
  m.message_id = row.message_id;
  m.in_reply_to = row.in_reply_to;
  m.auto_submitted = row.kind == "notice" ? "auto-generated" : "auto-replied";
  m.loop_token = mail::AddressOf(ctx.config.outbox.from);
  m.date = ctx.now;
  auto keys = EncryptionKeys(ctx, gpg, row);
  if (!keys) return std::unexpected(keys.error());
  return mail::Compose(gpg, m, ctx.config.gpg.escrow_key, *keys);
}

// The operator hears about a message we could not deliver (never about
// its own undeliverable notices: that would loop).
Result<void> TellOperator(Context& ctx, const store::OutboxRecord& row,
                          const std::string& why) {
  if (row.to_email == ctx.config.outbox.operator_address) return {};
  store::OutboxRecord notice;
  notice.deal_id = row.deal_id;
  notice.created = ctx.now;
  notice.to_email = ctx.config.outbox.operator_address;
  notice.to_role = "operator";
  notice.lang = ctx.config.templates.default_language;
  notice.kind = "notice";
  notice.templates = "delivery_failed";
  notify::MessageInput in;
  in.currency = ctx.config.policy.money.currency;
  in.recipient_role = core::kOperatorRole;
  in.recipient_email = notice.to_email;
  // With its deal, the notice can show the deal and the operator's steps.
  std::optional<core::Deal> deal;
  if (!row.deal_id.empty()) {
    auto loaded = store::DealRepo(ctx.db).Load(row.deal_id);
    if (loaded) deal = std::move(*loaded);
  }
  if (deal) {
    in.deal = &*deal;
    if (auto rules = ctx.rules.Find(deal->case_name)) in.rules = *rules;
  }
  in.reason = fmt::format(
      "to {} (\"{}\"), queued {}, {} attempts; last error: {}", row.to_email,
      row.subject, core::FormatHumanTime(row.created), row.attempts, why);
  auto text = ctx.renderer.Render({"delivery_failed"}, notice.lang, in);
  if (!text) return std::unexpected(text.error());
  notice.subject = text->subject;  // carries "[CT-…] " when about a deal
  notice.body = text->body;
  notice.next_attempt = ctx.now;
  auto id = store::OutboxRepo(ctx.db).Enqueue(notice);
  if (!id) return std::unexpected(id.error());
  return {};
}

// Records a failed attempt: retry later, or give up and tell the operator.
Result<void> Failed(Context& ctx, store::OutboxRecord& row, const Error& error,
                    SendReport& report) {
  ++row.attempts;
  row.last_error = error.message;
  bool too_old = ctx.now - row.created >=
                 std::chrono::hours(ctx.config.outbox.give_up_hours);
  bool permanent = error.kind == ErrorKind::kRefused;
  auto tx = store::Transaction::Begin(ctx.db);
  if (!tx) return std::unexpected(tx.error());
  if (permanent || too_old) {
    row.status = permanent ? "failed" : "gave_up";
    ++(permanent ? report.failed : report.gave_up);
    if (auto ok = TellOperator(ctx, row, error.message); !ok) return ok;
  } else {
    row.next_attempt = ctx.now + Backoff(row.attempts);
    ++report.retried;
  }
  Logger("outbox")->warn("message {} to {}: {} ({})", row.id, row.to_email,
                         row.status, error.message);
  if (auto ok = store::OutboxRepo(ctx.db).Save(row); !ok) return ok;
  return tx->Commit();
}

}  // namespace

std::chrono::seconds Backoff(int attempts) {
  int shift = std::clamp(attempts - 1, 0, 6);
  return std::min(std::chrono::seconds(60 << shift),
                  std::chrono::seconds(3600));
}

Result<SendReport> SendOutbox(Context& ctx, crypto::GpgContext& gpg,
                              mail::Transport& transport) {
  SendReport report;
  store::OutboxRepo outbox(ctx.db);
  auto due = outbox.Due(ctx.now);
  if (!due) return std::unexpected(due.error());
  mail::Envelope env;
  env.from = mail::AddressOf(ctx.config.outbox.from);
  for (auto& row : *due) {
    if (row.message_id.empty()) {
      // Saved before the first attempt: a retry keeps the same Message-ID,
      // so a receiver can recognise a message sent twice after a crash.
      row.message_id = NewMessageId(ctx, row.id);
      if (auto ok = outbox.Save(row); !ok) return std::unexpected(ok.error());
    }
    auto raw = Build(ctx, gpg, row);
    if (!raw)
      return std::unexpected(raw.error());  // our keys: operator must act
    env.to = {row.to_email};
    env.delivery_key = DeliveryKey(row);
    auto sent = transport.Send(env, *raw);
    if (!sent) {
      if (sent.error().kind == ErrorKind::kConfig)
        return std::unexpected(sent.error());
      if (auto ok = Failed(ctx, row, sent.error(), report); !ok)
        return std::unexpected(ok.error());
      continue;
    }
    MaybeCrash("after-send");
    ++row.attempts;
    row.status = "sent";
    row.sent_at = ctx.now;
    row.last_error.clear();
    if (auto ok = outbox.Save(row); !ok) return std::unexpected(ok.error());
    ++report.sent;
  }
  return report;
}

Result<SendReport> DeliverOutbox(Context& ctx, crypto::GpgContext& gpg) {
  auto password = ReadSecret(ctx.config.outbox.password_file);
  if (!password) return std::unexpected(password.error());
  auto transport = mail::OpenTransport(ctx.config.outbox, *password,
                                       ctx.config.inbox.tls_ca_file);
  if (!transport) {
    if (transport.error().kind != ErrorKind::kIo)
      return std::unexpected(transport.error());
    // Server down: count the attempt on every due message (backoff, and
    // give-up after give_up_hours), then report the outage.
    SendReport report;
    auto due = store::OutboxRepo(ctx.db).Due(ctx.now);
    if (!due) return std::unexpected(due.error());
    for (auto& row : *due)
      if (auto ok = Failed(ctx, row, transport.error(), report); !ok)
        return std::unexpected(ok.error());
    report.outage = transport.error();
    return report;
  }
  auto report = SendOutbox(ctx, gpg, **transport);
  if (auto closed = (*transport)->Close(); !closed && report)
    Logger("outbox")->warn("closing the transport: {}", closed.error().message);
  return report;
}

}  // namespace ct::app
