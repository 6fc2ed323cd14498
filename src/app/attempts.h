// Per-message isolation's bookkeeping (app/isolation.cpp), shared by the
// serial loop and the parallel pipeline (app/pipeline.cpp). Internal to the
// inbound pipeline.
#ifndef CYBERTROC_APP_ATTEMPTS_H_
#define CYBERTROC_APP_ATTEMPTS_H_

#include <fmt/format.h>

#include <cstdint>
#include <new>
#include <optional>
#include <vector>

#include "app/inbound.h"

namespace ct::app {

// Turns what escapes the processing of one message into an error, so that
// it stays that message's problem (its transaction, if any, rolled back).
template <typename Work>
auto Guarded(Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const std::bad_alloc&) {
    return Fail(ErrorKind::kInternal, "out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    return Fail(ErrorKind::kInternal,
                fmt::format("unexpected error: {}", e.what()));
  } catch (...) {
    return Fail(ErrorKind::kInternal, "unexpected error");
  }
}

// What an attempt says on its row until it ends: still there when the run
// died during it. Such a message is a suspect, not a culprit: it is next
// processed alone (ProcessAlone), and only a failure there is charged.
inline constexpr char kInterrupted[] = "the run stopped while processing it";

// Marks an attempt at message `id` as begun, committed before the work
// starts so that a run that dies on it leaves a trace (kInterrupted). No
// failure is charged yet. The row when there is work to do; nullopt when
// it is no longer "new", or out of attempts (then quarantined).
Result<std::optional<store::InboxRecord>> BeginAttempt(Context& ctx, int64_t id,
                                                       ProcessReport& report);

// Ends the attempt whose outcome is `done`: a failure is charged to the
// message (ChargeFailure) and the run goes on. An error means the run must
// stop: the database is busy, or cannot be written (not even that record).
Result<void> EndAttempt(Context& ctx, int64_t id, const Result<void>& done,
                        ProcessReport& report);

// Charges message `id` one failure that it caused (`why`, for the
// operator): retried by the next run, quarantined at kMaxAttempts, when
// its bound sender is told it was not applied and the operator alerted.
Result<void> ChargeFailure(Context& ctx, int64_t id, const std::string& why,
                           ProcessReport& report);

// Processes stored message `id` in a child process of its own, with
// nothing else in hand: the proof of whether the message itself stops the
// process that works on it. The child commits the outcome as the run would
// (a failure it survives included); a child that dies (a signal, the OOM
// killer, an abort) is charged to the message here. A run killed while
// waiting charges nothing, so that an outside kill never costs an honest
// message. REQUIRES: no other thread running (fork), no open transaction.
Result<void> ProcessAlone(Context& ctx, int64_t id, ProcessReport& report);

// One message, isolated, in this process. `in_child`: run by ProcessAlone.
Result<void> ProcessIsolated(Context& ctx, crypto::GpgContext& gpg, int64_t id,
                             ProcessReport& report, bool in_child = false);

// Whether gpg.home is set up for gpg processes side by side: its gpg.conf
// says `no-random-seed-file`. Quiet (for `check`).
bool GpgConfAllowsParallel(const config::Config& config);

// The same, and when not, says so in the log, once.
bool ParallelGnupgReady(const Context& ctx);

// ProcessInbox's loop with `workers` (>= 1) GnuPG workers over `ids`
// (pending, oldest first, none of them a suspect). `gpg` is the first
// worker's context. Every thread it starts has ended when it returns.
Result<void> ProcessInParallel(Context& ctx, crypto::GpgContext& gpg,
                               const std::vector<int64_t>& ids, int workers,
                               ProcessReport& report);

}  // namespace ct::app

#endif  // CYBERTROC_APP_ATTEMPTS_H_
