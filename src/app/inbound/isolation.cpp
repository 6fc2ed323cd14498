// Per-message isolation: one message — hostile, or meeting a bug — must
// never stop the inbox, and a run stopped from outside must never cost an
// honest message (docs/security.md, "Crashes").
//
// Each attempt is marked on its row (kInterrupted) in a transaction of its
// own, committed before the work starts. A failure the process survives
// (an error, an exception, std::bad_alloc) is charged to the message at
// once. A run that dies proves nothing about the message in hand: it may
// have been killed from outside. That message is a suspect, and the next
// run processes it alone in a child process (app/inbound/alone.cpp): only its
// death there is charged. After kMaxAttempts charged failures the message
// is quarantined; its bound sender hears that it was not applied and the
// operator is alerted.
#include "app/inbound/isolation.h"

#include <set>

#include "app/base/gpg_pool.h"
#include "app/base/guarded.h"
#include "app/base/logging.h"
#include "app/inbound/alone.h"
#include "app/inbound/attempts.h"
#include "app/inbound/pipeline.h"
#include "app/inbound/process.h"
#include "store/repos.h"

namespace ct::app {

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
