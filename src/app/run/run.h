// One pass of the service (`cybertroc run`, and each turn of `daemon`):
// fetch, process, fire deadlines, send (DeliverOutbox). Guarded by a lock so
// that two runs never work on one database.
#ifndef CYBERTROC_APP_RUN_RUN_H_
#define CYBERTROC_APP_RUN_RUN_H_

#include <optional>
#include <string>

#include "app/base/context.h"
#include "app/deals/tick.h"
#include "app/inbound/intake.h"
#include "app/inbound/process.h"
#include "app/outbound/sender.h"

namespace ct::app {

struct RunReport {
  IntakeReport intake;
  ProcessReport processed;
  TickReport tick;
  SendReport sent;
  // A mail server that could not be reached (fetching or sending): the
  // other stages still ran, and nothing is lost — the next run resumes.
  std::optional<Error> outage;
};

// Fetch -> process -> deadlines -> send. A server outage does not stop the
// other stages; it is reported in `outage`. Database, GnuPG or
// configuration failures are errors.
Result<RunReport> RunOnce(Context& ctx);

}  // namespace ct::app

#endif  // CYBERTROC_APP_RUN_RUN_H_
