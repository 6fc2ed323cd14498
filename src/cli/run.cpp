// run: one pass for cron — fetch, process, deadlines.
#include "app/run/run.h"

#include <fmt/format.h>

#include <iostream>

#include "app/run/run_lock.h"
#include "cli/common.h"

namespace ct::cli {

Result<void> RunRun(const Globals& globals, const Args& args) {
  Syntax syntax("run [--wait]");
  syntax.options.add_options()(
      "wait", "wait for another run to finish instead of exiting");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto lock =
      app::RunLock::Acquire(ctx->config.store.database, vm.count("wait") > 0);
  if (!lock) {
    if (lock.error().kind != ErrorKind::kBusy)
      return std::unexpected(lock.error());
    // docs/operator.md: a second run exits 0 saying it is busy.
    if (globals.json)
      PrintJson(util::Json::Object()
                    .Set("busy", true)
                    .Set("detail", lock.error().message));
    else
      std::cout << "run: busy: " << lock.error().message << "\n";
    return {};
  }
  auto report = app::RunOnce(*ctx);
  CT_TRY(report);
  const auto& r = *report;
  if (globals.json) {
    PrintJson(util::Json::Object()
                  .Set("fetched", r.intake.fetched)
                  .Set("duplicates", r.intake.duplicates)
                  .Set("oversized", r.intake.oversized)
                  .Set("applied", r.processed.applied)
                  .Set("refused", r.processed.refused)
                  .Set("quarantined", r.processed.quarantined)
                  .Set("ignored", r.processed.ignored)
                  .Set("help", r.processed.helped)
                  .Set("failed", r.processed.failed)
                  .Set("timeouts", r.tick.timeouts)
                  .Set("reminders", r.tick.reminders)
                  .Set("sent", r.sent.sent)
                  .Set("retried", r.sent.retried)
                  .Set("gave_up", r.sent.gave_up + r.sent.failed));
  } else {
    std::cout << fmt::format(
        "run: {} fetched ({} duplicates, {} oversized); {} applied, {} "
        "refused, "
        "{} quarantined, {} ignored, {} help, {} failed (tried again next "
        "run); {} deadlines, {} reminders; {} sent, {} to retry, {} given "
        "up\n",
        r.intake.fetched, r.intake.duplicates, r.intake.oversized,
        r.processed.applied, r.processed.refused, r.processed.quarantined,
        r.processed.ignored, r.processed.helped, r.processed.failed,
        r.tick.timeouts, r.tick.reminders, r.sent.sent, r.sent.retried,
        r.sent.gave_up + r.sent.failed);
  }
  if (r.outage)  // nothing lost: the next run resumes
    return Fail(ErrorKind::kIo, "run: " + r.outage->message);
  if (r.tick.failures > 0)
    return Fail(ErrorKind::kIo,
                fmt::format("run: {} deals failed (see log)", r.tick.failures));
  return {};
}

}  // namespace ct::cli
