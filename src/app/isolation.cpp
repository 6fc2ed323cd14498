// Per-message isolation (issue 8): one message — hostile, or meeting a bug —
// must never stop the inbox. Each attempt at a message is counted in a
// transaction of its own, committed before the work starts, so that even a
// run that dies on it (killed, aborted) leaves a trace; a failure is
// recorded on the message, which the next runs try again and which is
// quarantined after kMaxAttempts; the run goes on with the next message.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "app/attempts.h"
#include "app/faults.h"
#include "app/inbound.h"
#include "app/logging.h"
#include "mail/mime.h"
#include "store/repos.h"

namespace ct::app {
namespace {

// What an attempt says until it finishes: still there if the run died.
constexpr char kInterrupted[] = "the run stopped while processing it";

// Quarantines a message that failed kMaxAttempts times. No reply: the
// failure is ours, not the sender's, and the operator has to look at it
// (`cybertroc quarantine`, then `reprocess`).
Result<void> GiveUp(Context& ctx, const store::InboxRecord& row,
                    const std::string& why, ProcessReport& report) {
  store::InboxRepo inbox(ctx.db);
  const std::string reason =
      fmt::format("processing failed {} times: {}", row.attempts, why);
  store::QuarantineRecord q;
  q.inbox_id = row.id;
  q.message_id = row.message_id;
  q.from_addr = mail::AddressOf(mail::ParseEntity(row.raw).Header("From"));
  q.reason = reason;
  q.at = ctx.now;
  CT_TRY(inbox.Quarantine(q));
  CT_TRY(inbox.SetStatus(row.id, "quarantined", reason, row.deal_id));
  Logger("inbox")->error("message {} ({}) quarantined: {}", row.id,
                         row.message_id, reason);
  ++report.quarantined;
  return {};
}

// Writes down why the attempt failed; the last allowed one quarantines.
Result<void> RecordFailure(Context& ctx, int64_t id, const Error& failure,
                           ProcessReport& report) {
  store::InboxRepo inbox(ctx.db);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto row = inbox.Load(id);
  CT_TRY(row);
  if (row->status != "new") return {};
  if (row->attempts >= kMaxAttempts) {
    CT_TRY(GiveUp(ctx, *row, failure.message, report));
  } else {
    CT_TRY(inbox.SetAttempts(id, row->attempts, failure.message));
    Logger("inbox")->warn("message {} ({}): attempt {} of {} failed: {}", id,
                          row->message_id, row->attempts, kMaxAttempts,
                          failure.message);
    ++report.failed;
  }
  return tx->Commit();
}

// One message, isolated, on this thread.
Result<void> ProcessIsolated(Context& ctx, crypto::GpgContext& gpg, int64_t id,
                             ProcessReport& report) {
  auto begun = BeginAttempt(ctx, id, report);
  CT_TRY(begun);
  if (!*begun) return {};
  MaybeCrash("processing");
  const Result<void> done =
      Guarded([&] { return ProcessMessage(ctx, gpg, id, report); });
  return EndAttempt(ctx, id, done, report);
}

}  // namespace

Result<std::optional<store::InboxRecord>> BeginAttempt(Context& ctx, int64_t id,
                                                       ProcessReport& report) {
  using Row = std::optional<store::InboxRecord>;
  store::InboxRepo inbox(ctx.db);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto row = inbox.Load(id);
  CT_TRY(row);
  if (row->status != "new") return Row();
  if (row->attempts >= kMaxAttempts) {
    const std::string why =
        row->last_error.empty() ? kInterrupted : row->last_error;
    CT_TRY(GiveUp(ctx, *row, why, report));
  } else if (auto ok = inbox.SetAttempts(id, row->attempts + 1, kInterrupted);
             !ok) {
    return std::unexpected(ok.error());
  }
  CT_TRY(tx->Commit());
  if (row->attempts >= kMaxAttempts) return Row();
  return Row(std::move(*row));
}

Result<void> EndAttempt(Context& ctx, int64_t id, const Result<void>& done,
                        ProcessReport& report) {
  // kBusy is nothing this message did: another process keeps the database.
  if (done || done.error().kind == ErrorKind::kBusy) return done;
  if (auto recorded = RecordFailure(ctx, id, done.error(), report); !recorded)
    return Fail(recorded.error().kind,
                fmt::format("{} (and recording that failed: {})",
                            done.error().message, recorded.error().message));
  return {};
}

Result<ProcessReport> ProcessInbox(Context& ctx, crypto::GpgContext& gpg) {
  ProcessReport report;
  store::InboxRepo inbox(ctx.db);
  auto pending = inbox.Pending();
  CT_TRY(pending);
  auto retried = inbox.Retried();
  CT_TRY(retried);
  // Nothing outside sees a processing commit before DeliverOutbox sends
  // what it queued: they are synced once, below, rather than one by one. A
  // power cut before that undoes some of them, as if the run had stopped
  // there: those messages are "new" again and nothing of them was sent.
  auto deferred = store::DeferredSync::Begin(ctx.db);
  CT_TRY(deferred);
  const auto started = std::chrono::steady_clock::now();
  int workers = static_cast<int>(std::min<size_t>(
      static_cast<size_t>(std::max(1, ctx.config.inbox.workers)),
      pending->size()));
  if (workers >= 2 && !ParallelGnupgReady(ctx)) workers = 1;
  // Even one GnuPG worker runs beside this thread: while gpg checks the
  // next message, the previous one is committed here.
  if (pending->size() >= 2) {
    CT_TRY(ProcessInParallel(ctx, gpg, *pending, *retried, workers, report));
  } else {
    for (int64_t id : *pending) {
      if (ctx.StopRequested()) break;
      CT_TRY(ProcessIsolated(ctx, gpg, id, report));
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
