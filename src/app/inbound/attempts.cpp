// The bookkeeping of each attempt at a stored message (docs/security.md,
// "Crashes"): marked begun before the work, ended with its outcome, a
// failure charged to the message, quarantined at kMaxAttempts.
#include "app/inbound/attempts.h"

#include <fmt/format.h>

#include <chrono>

#include "app/base/faults.h"
#include "app/base/guarded.h"
#include "app/base/logging.h"
#include "app/inbound/process.h"
#include "app/outbound/mail_queue.h"
#include "app/outbound/replies.h"
#include "mail/mime.h"
#include "store/repos.h"

namespace ct::app {
namespace {

// The operator's alert about a message quarantined for failing: what it
// was, why, and how to try it again.
Result<void> AlertOperator(Context& ctx, const store::InboxRecord& row,
                           const std::string& from, const std::string& why) {
  const std::string& to = ctx.config.outbox.operator_address;
  if (to.empty()) return {};
  notify::MessageInput in;
  in.currency = ctx.config.policy.money.currency;
  in.recipient_role = core::kOperatorRole;
  in.recipient_email = to;
  in.reason = fmt::format("message {} from {}, received {}: {}", row.message_id,
                          from.empty() ? "an unreadable address" : from,
                          core::FormatHumanTime(row.fetched), why);
  store::OutboxRecord notice;
  notice.created = ctx.now;
  notice.to_email = to;
  notice.to_role = "operator";
  notice.lang = ctx.config.templates.default_language;
  notice.kind = "notice";
  notice.templates = "processing_failed";
  auto text = ctx.renderer.Render({notice.templates}, notice.lang, in);
  CT_TRY(text);
  notice.subject = std::move(text->subject);
  notice.body = std::move(text->body);
  notice.in_reply_to = row.message_id;
  notice.next_attempt = ctx.now;
  CT_TRY(QueueMail(ctx, std::move(notice)));
  return {};
}

// Tells the sender of `row` that it was not applied, when its address is
// bound to a key: only then is the From address known to be theirs (no
// backscatter to a forged one).
Result<void> TellSender(Context& ctx, const store::InboxRecord& row,
                        const std::string& from) {
  if (from.empty() || from == ctx.config.outbox.operator_address) return {};
  auto binding = store::KeyRepo(ctx.db).Find(from);
  CT_TRY(binding);
  if (!*binding) return {};
  ReplyRequest reply;
  reply.template_name = "not_applied";
  reply.to_email = from;
  reply.reason =
      fmt::format("{}, {}", row.message_id, core::FormatHumanTime(row.fetched));
  reply.in_reply_to = row.message_id;
  CT_TRY(QueueReply(ctx, reply));
  return {};
}

// Quarantines a message that failed kMaxAttempts times, in the caller's
// transaction. The failure is ours, not the sender's: the operator looks at
// it (`cybertroc quarantine`, then `reprocess`).
Result<void> GiveUp(Context& ctx, const store::InboxRecord& row, int attempts,
                    const std::string& why, ProcessReport& report) {
  store::InboxRepo inbox(ctx.db);
  const std::string reason =
      fmt::format("processing failed {} times: {}", attempts, why);
  const std::string from =
      mail::AddressOf(mail::ParseEntity(row.raw).Header("From"));
  store::QuarantineRecord q;
  q.inbox_id = row.id;
  q.message_id = row.message_id;
  q.from_addr = from;
  q.reason = reason;
  q.at = ctx.now;
  CT_TRY(inbox.Quarantine(q));
  CT_TRY(inbox.SetAttempts(row.id, attempts, ""));
  CT_TRY(inbox.SetStatus(row.id, "quarantined", reason, row.deal_id));
  CT_TRY(TellSender(ctx, row, from));
  CT_TRY(AlertOperator(ctx, row, from, reason));
  Logger("inbox")->error("message {} ({}) quarantined: {}", row.id,
                         row.message_id, reason);
  ++report.quarantined;
  return {};
}

}  // namespace

Result<void> ChargeFailure(Context& ctx, int64_t id, const std::string& why,
                           ProcessReport& report) {
  store::InboxRepo inbox(ctx.db);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto row = inbox.Load(id);
  CT_TRY(row);
  if (row->status != "new") return {};
  const int charged = row->attempts + 1;
  if (charged >= kMaxAttempts) {
    CT_TRY(GiveUp(ctx, *row, charged, why, report));
  } else {
    CT_TRY(inbox.SetAttempts(id, charged, why));
    Logger("inbox")->warn("message {} ({}): failure {} of {}: {}", id,
                          row->message_id, charged, kMaxAttempts, why);
    ++report.failed;
  }
  return tx->Commit();
}

Result<void> ProcessIsolated(Context& ctx, crypto::GpgContext& gpg, int64_t id,
                             ProcessReport& report, bool in_child) {
  auto begun = BeginAttempt(ctx, id, report);
  CT_TRY(begun);
  if (!*begun) return {};
  if (in_child) {
    MaybeCrashWithParent("processing");
  } else {
    MaybeCrash("processing");
  }
  const Result<void> done =
      Guarded([&] { return ProcessMessage(ctx, gpg, id, report); });
  return EndAttempt(ctx, id, done, report);
}

Result<std::optional<store::InboxRecord>> BeginAttempt(Context& ctx, int64_t id,
                                                       ProcessReport& report) {
  using Row = std::optional<store::InboxRecord>;
  store::InboxRepo inbox(ctx.db);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto row = inbox.Load(id);
  CT_TRY(row);
  if (row->status != "new") return Row();
  // Out of attempts already: a row left so by an older version, which
  // charged every attempt begun.
  const bool exhausted = row->attempts >= kMaxAttempts;
  if (exhausted) {
    const std::string why =
        row->last_error.empty() ? kInterrupted : row->last_error;
    CT_TRY(GiveUp(ctx, *row, row->attempts, why, report));
  } else {
    CT_TRY(inbox.SetAttempts(id, row->attempts, kInterrupted));
  }
  CT_TRY(tx->Commit());
  if (exhausted) return Row();
  return Row(std::move(*row));
}

Result<void> EndAttempt(Context& ctx, int64_t id, const Result<void>& done,
                        ProcessReport& report) {
  // kBusy is nothing this message did: another process keeps the database.
  if (done || done.error().kind == ErrorKind::kBusy) return done;
  if (auto charged = ChargeFailure(ctx, id, done.error().message, report);
      !charged)
    return Fail(charged.error().kind,
                fmt::format("{} (and recording that failed: {})",
                            done.error().message, charged.error().message));
  return {};
}

}  // namespace ct::app
