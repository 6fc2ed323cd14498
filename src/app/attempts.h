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

// Counts one more attempt at message `id`, committed before the work starts
// so that even a run that dies on it leaves a trace. The row (its attempts
// as they were before this one) when there is work to do; nullopt when it
// is no longer "new", or out of attempts (then quarantined).
Result<std::optional<store::InboxRecord>> BeginAttempt(Context& ctx, int64_t id,
                                                       ProcessReport& report);

// Ends the attempt whose outcome is `done`: a failure is recorded on the
// message (quarantined at the last attempt) and the run goes on. An error
// means the run must stop: the database is busy, or cannot be written (not
// even that record).
Result<void> EndAttempt(Context& ctx, int64_t id, const Result<void>& done,
                        ProcessReport& report);

// Whether gpg.home is set up for gpg processes side by side: its gpg.conf
// says `no-random-seed-file`. Quiet (for `check`).
bool GpgConfAllowsParallel(const config::Config& config);

// The same, and when not, says so in the log, once.
bool ParallelGnupgReady(const Context& ctx);

// ProcessInbox's loop with `workers` (>= 2) GnuPG workers over `ids`
// (pending, oldest first); `retried` are those an earlier attempt did not
// finish. `gpg` is the first worker's context.
Result<void> ProcessInParallel(Context& ctx, crypto::GpgContext& gpg,
                               const std::vector<int64_t>& ids,
                               const std::vector<int64_t>& retried, int workers,
                               ProcessReport& report);

}  // namespace ct::app

#endif  // CYBERTROC_APP_ATTEMPTS_H_
