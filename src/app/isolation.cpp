// Per-message isolation: one message — hostile, or meeting a bug — must
// never stop the inbox, and a run stopped from outside must never cost an
// honest message (docs/security.md, "Crashes").
//
// Each attempt is marked on its row (kInterrupted) in a transaction of its
// own, committed before the work starts. A failure the process survives
// (an error, an exception, std::bad_alloc) is charged to the message at
// once. A run that dies proves nothing about the message in hand: it may
// have been killed from outside. That message is a suspect, and the next
// run processes it alone in a child process (app/alone.cpp): only its
// death there is charged. After kMaxAttempts charged failures the message
// is quarantined; its bound sender hears that it was not applied and the
// operator is alerted.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "app/attempts.h"
#include "app/faults.h"
#include "app/inbound.h"
#include "app/logging.h"
#include "app/outbox.h"
#include "app/replies.h"
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

Result<ProcessReport> ProcessInbox(Context& ctx, crypto::GpgContext& gpg) {
  ProcessReport report;
  store::InboxRepo inbox(ctx.db);
  auto pending = inbox.Pending();
  CT_TRY(pending);
  auto retried = inbox.Retried();
  CT_TRY(retried);
  const std::set<int64_t> suspects(retried->begin(), retried->end());
  // Nothing outside sees a processing commit before DeliverOutbox sends
  // what it queued: they are synced once, below, rather than one by one. A
  // power cut before that undoes some of them, as if the run had stopped
  // there: those messages are "new" again and nothing of them was sent.
  auto deferred = store::DeferredSync::Begin(ctx.db);
  CT_TRY(deferred);
  // A suspect's child needs our connection closed, its commits durable.
  auto alone = [&](int64_t id) -> Result<void> {
    CT_TRY(deferred->Finish());
    CT_TRY(ProcessAlone(ctx, id, report));
    auto again = store::DeferredSync::Begin(ctx.db);
    CT_TRY(again);
    deferred.emplace(std::move(*again));
    return {};
  };
  const auto started = std::chrono::steady_clock::now();
  int workers = static_cast<int>(std::min<size_t>(
      static_cast<size_t>(std::max(1, ctx.config.inbox.workers)),
      pending->size()));
  if (workers >= 2 && !ParallelGnupgReady(ctx)) workers = 1;
  // In inbox order: the runs of messages in between suspects go through
  // the pipeline, each suspect alone in a child process.
  const std::vector<int64_t>& ids = *pending;
  for (size_t i = 0; i < ids.size() && !ctx.StopRequested();) {
    if (suspects.contains(ids[i])) {
      CT_TRY(alone(ids[i++]));
      continue;
    }
    size_t end = i;
    while (end < ids.size() && !suspects.contains(ids[end])) ++end;
    const std::vector<int64_t> run(ids.begin() + i, ids.begin() + end);
    i = end;
    // Even one GnuPG worker runs beside this thread: while gpg checks the
    // next message, the previous one is committed here.
    if (run.size() >= 2) {
      CT_TRY(ProcessInParallel(ctx, gpg, run, workers, report));
    } else {
      CT_TRY(ProcessIsolated(ctx, gpg, run.front(), report));
    }
  }
  CT_TRY(deferred->Finish());
  if (!pending->empty())
    Logger("inbox")->info("{} messages processed in {} ms (GnuPG workers: {})",
                          pending->size(),
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count(),
                          std::max(workers, 1));
  return report;
}

Result<ProcessReport> Reprocess(Context& ctx, crypto::GpgContext& gpg,
                                const std::string& message_id) {
  store::InboxRepo inbox(ctx.db);
  auto row = inbox.FindByMessageId(message_id);
  CT_TRY(row);
  if (!*row)
    return Fail(ErrorKind::kNotFound, "no stored message " + message_id);
  if ((*row)->status == "processed")
    return Fail(ErrorKind::kRefused, message_id + " was already applied");
  {  // a fresh start, attempts included: the operator asks for it
    auto tx = store::Transaction::Begin(ctx.db);
    CT_TRY(tx);
    const int64_t id = (*row)->id;
    CT_TRY(inbox.SetStatus(id, "new", "reprocess", (*row)->deal_id));
    CT_TRY(inbox.SetAttempts(id, 0, ""));
    CT_TRY(tx->Commit());
  }
  ProcessReport report;
  CT_TRY(ProcessIsolated(ctx, gpg, (*row)->id, report));
  return report;
}

}  // namespace ct::app
