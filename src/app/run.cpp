#include "app/run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

#include "app/logging.h"
#include "core/limits.h"
#include "crypto/runner.h"
#include "mail/url.h"
#include "store/repos.h"
#include "util/read_file.h"

namespace ct::app {

Result<RunLock> RunLock::Acquire(const std::string& database, bool wait) {
  std::string path = database + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorKind::kIo, "cannot open lock file " + path);
  if (::flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Fail(ErrorKind::kBusy,
                "another cybertroc run is working on " + database);
  }
  return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<std::string> ReadSecret(const std::string& path) {
  if (path.empty()) return std::string();
  auto text =
      util::ReadFileLimited(path, core::kMaxSecretFileBytes, "secret file");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  std::string line = text->substr(0, text->find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

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
