// tick: fire due deadlines and reminders only.
#include <fmt/format.h>

#include <iostream>

#include "app/deals.h"
#include "cli/common.h"

namespace ct::cli {

Result<void> RunTick(const Globals& globals, const Args& args) {
  Syntax syntax("tick");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) return {};  // --help
  auto ctx = OpenContext(globals);
  if (!ctx) return std::unexpected(ctx.error());
  auto report = app::Tick(*ctx);
  if (!report) return std::unexpected(report.error());
  if (globals.json) {
    PrintJson(util::Json::Object()
                  .Set("deals", report->deals)
                  .Set("timeouts", report->timeouts)
                  .Set("reminders", report->reminders)
                  .Set("failures", report->failures)
                  .Set("account_changes", report->account_changes));
  } else {
    std::cout << fmt::format(
        "tick: {} deals examined, {} deadlines passed, {} reminders sent{}\n",
        report->deals, report->timeouts, report->reminders,
        report->account_changes == 0
            ? ""
            : fmt::format(", {} payout account changes applied",
                          report->account_changes));
  }
  if (report->failures > 0) {
    return Fail(ErrorKind::kIo, fmt::format("tick: {} deals failed (see log)",
                                            report->failures));
  }
  return {};
}

}  // namespace ct::cli
