// Each attempt at a stored message, counted on its row: begun, ended, a
// failure charged, quarantined after kMaxAttempts (docs/security.md,
// "Crashes"). Shared by the serial loop, the parallel pipeline and the
// child that processes a suspect alone.
#ifndef CYBERTROC_APP_INBOUND_ATTEMPTS_H_
#define CYBERTROC_APP_INBOUND_ATTEMPTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "app/base/context.h"
#include "app/inbound/process.h"
#include "crypto/keyring.h"
#include "store/records.h"

namespace ct::app {

// A message whose processing failed (or stopped the run) this many times is
// quarantined instead of being tried again.
inline constexpr int kMaxAttempts = 3;

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

// One message, isolated, in this process. `in_child`: run by ProcessAlone.
Result<void> ProcessIsolated(Context& ctx, crypto::GpgContext& gpg, int64_t id,
                             ProcessReport& report, bool in_child = false);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_ATTEMPTS_H_
