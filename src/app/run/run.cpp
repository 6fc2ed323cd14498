#include "app/run/run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

#include "app/base/logging.h"
#include "app/base/secret.h"
#include "app/deals/tick.h"
#include "app/inbound/intake.h"
#include "app/inbound/isolation.h"
#include "core/limits.h"
#include "crypto/runner.h"
#include "mail/open_source.h"
#include "mail/url.h"
#include "store/repos.h"
#include "util/read_file.h"

namespace ct::app {

namespace {

// Fetching stage: open the source, store every message, acknowledge.
Result<IntakeReport> Fetch(Context& ctx) {
  auto password = ReadSecret(ctx.config.inbox.password_file);
  CT_TRY(password);
  std::string name = ctx.config.inbox.url;
  if (auto url = mail::ParseMailUrl(ctx.config.inbox.url))
    name = url->Redacted();
  auto source = mail::OpenSource(ctx.config.inbox, *password);
  CT_TRY(source);
  auto intake = Intake(ctx, **source, name);
  CT_TRY(intake);
  CT_TRY((*source)->Close());
  return intake;
}

// A GnuPG that cannot start is the operator's problem, not a message's:
// found before the first stored message is tried (each attempt counts
// towards its quarantine), and only when there is one.
Result<void> ReadyForInbox(Context& ctx, crypto::GpgContext& gpg) {
  auto pending = store::InboxRepo(ctx.db).Pending();
  CT_TRY(pending);
  if (pending->empty()) return {};
  auto handle = gpg.Handle();
  CT_TRY(handle);
  return {};
}

}  // namespace

Result<RunReport> RunOnce(Context& ctx) {
  // The workers' GnuPG contexts, and their runners, end with the run.
  struct EndSpares {
    Context& ctx;
    ~EndSpares() { ctx.spare_gpg.clear(); }
  } end_spares{ctx};
  RunReport report;
  auto intake = Fetch(ctx);
  if (intake) {
    report.intake = *intake;
  } else if (intake.error().kind == ErrorKind::kIo) {
    Logger("inbox")->error("fetching: {}", intake.error().message);
    report.outage = intake.error();
  } else {
    return std::unexpected(intake.error());
  }
  // Starts no process until GnuPG has work: an idle run costs none.
  auto gpg = crypto::GpgContext::Open(ctx.config.gpg.home,
                                      crypto::DefaultRunnerPath());
  CT_TRY(gpg);
  CT_TRY(ReadyForInbox(ctx, *gpg));
  auto processed = ProcessInbox(ctx, *gpg);
  CT_TRY(processed);
  report.processed = *processed;
  auto tick = Tick(ctx);
  CT_TRY(tick);
  report.tick = *tick;
  auto sent = DeliverOutbox(ctx, *gpg);
  CT_TRY(sent);
  report.sent = *sent;
  if (sent->outage) {
    Logger("outbox")->error("sending: {}", sent->outage->message);
    if (!report.outage) report.outage = sent->outage;
  }
  return report;
}

}  // namespace ct::app
