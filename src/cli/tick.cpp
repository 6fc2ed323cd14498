// tick: fire due deadlines and reminders only.
#include "app/deals/tick.h"

#include <fmt/format.h>

#include <iostream>

#include "app/deals/deals.h"
#include "cli/common.h"

namespace ct::cli {

Result<void> RunTick(const Globals& globals, const Args& args) {
  Syntax syntax("tick");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto report = app::Tick(*ctx);
  CT_TRY(report);
  if (globals.json) {
    PrintJson(util::Json::Object()
                  .Set("deals", report->deals)
                  .Set("timeouts", report->timeouts)
                  .Set("reminders", report->reminders)
                  .Set("failures", report->failures)
                  .Set("account_changes", report->account_changes)
                  .Set("listings_expired", report->listings_expired)
                  .Set("listing_reminders", report->listing_reminders));
  } else {
    std::cout << fmt::format(
        "tick: {} deals examined, {} deadlines passed, {} reminders sent, "
        "{} listings expired, {} listing reminders{}\n",
        report->deals, report->timeouts, report->reminders,
        report->listings_expired, report->listing_reminders,
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
