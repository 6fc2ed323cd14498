// ProcessAlone (app/inbound/attempts.h): a suspect message in a child process.
//
// Why a process and not this one: the question is whether the message
// stops the process that handles it (a crash, an abort, the OOM killer),
// and only a process of its own can die of it without taking the run
// along. Why fork without exec: the child runs the very code the run
// would, whatever program links this library (the CLI, a benchmark).
//
// What must not cross fork: a SQLite connection (SQLite's locks and WAL
// index are per process), so ours is closed before the fork and opened
// again after it; the child opens its own. No other thread runs then (the
// pipeline's have ended). The child opens a GnuPG context of its own,
// processes the one message exactly as the run would, commits, sends its
// report back on a pipe and leaves with _exit: no destructor of the
// parent's objects runs in it. It dies with the run (PR_SET_PDEATHSIG), so
// that a run killed from outside leaves nothing working behind it.
#include "app/inbound/alone.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "app/base/logging.h"
#include "app/inbound/attempts.h"
#include "app/inbound/process.h"
#include "crypto/runner.h"

namespace ct::app {
namespace {

// What the child sends back: its counts, or the error that stopped it
// (the database, not the message: see ProcessIsolated).
struct Answer {
  ProcessReport report;
  bool ok = false;
  ErrorKind kind = ErrorKind::kIo;
  char message[512] = {};
};
static_assert(std::is_trivially_copyable_v<Answer>);

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // the child died before answering
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The child's work, on its own connection and GnuPG context.
Result<void> WorkAlone(Context& ctx, int64_t id, ProcessReport& report) {
  auto db = OpenDatabase(ctx.config.store.database, DatabaseUse::kMustExist);
  CT_TRY(db);
  ctx.db = std::move(*db);
  // The parent's GnuPG runners: not ours to stop (their sockets close
  // with this process).
  [[maybe_unused]] auto* spares =
      new std::vector<crypto::GpgContext>(std::move(ctx.spare_gpg));
  ctx.spare_gpg.clear();
  auto gpg = crypto::GpgContext::Open(ctx.config.gpg.home,
                                      crypto::DefaultRunnerPath());
  CT_TRY(gpg);
  return ProcessIsolated(ctx, *gpg, id, report, /*in_child=*/true);
}

[[noreturn]] void ChildMain(Context& ctx, int64_t id, int fd, pid_t parent) {
  // Killed with the run; and if the run died before this line, stop now.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
    std::_Exit(1);
  Answer answer;
  if (auto done = WorkAlone(ctx, id, answer.report); done) {
    answer.ok = true;
  } else {
    answer.kind = done.error().kind;
    std::snprintf(answer.message, sizeof answer.message, "%s",
                  done.error().message.c_str());
  }
  const bool sent = WriteAll(fd, &answer, sizeof answer);
  std::_Exit(sent ? 0 : 1);
}

// How the child ended, for the operator.
std::string DescribeDeath(int status) {
  if (WIFSIGNALED(status))
    return fmt::format(
        "it stopped the process that handled it alone (signal {}: {})",
        WTERMSIG(status), strsignal(WTERMSIG(status)));
  return fmt::format(
      "it stopped the process that handled it alone (exit status {})",
      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void Add(ProcessReport& to, const ProcessReport& from) {
  to.applied += from.applied;
  to.refused += from.refused;
  to.quarantined += from.quarantined;
  to.ignored += from.ignored;
  to.helped += from.helped;
  to.failed += from.failed;
}

}  // namespace

Result<void> ProcessAlone(Context& ctx, int64_t id, ProcessReport& report) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Fail(ErrorKind::kIo,
                fmt::format("cannot make a pipe: {}", std::strerror(errno)));
  std::fflush(nullptr);  // nothing buffered is written twice
  const std::string database = ctx.config.store.database;
  { store::Database closed = std::move(ctx.db); }  // see above
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ChildMain(ctx, id, fds[1], parent);
  }
  const int fork_error = errno;
  ::close(fds[1]);
  auto reopened = OpenDatabase(database, DatabaseUse::kMustExist);
  if (!reopened) {
    ::close(fds[0]);
    if (pid > 0) ::kill(pid, SIGKILL);
    return std::unexpected(reopened.error());
  }
  ctx.db = std::move(*reopened);
  if (pid < 0) {
    ::close(fds[0]);
    return Fail(ErrorKind::kIo, fmt::format("cannot start a process: {}",
                                            std::strerror(fork_error)));
  }
  Answer answer;
  const bool answered = ReadAll(fds[0], &answer, sizeof answer);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return Fail(ErrorKind::kIo, fmt::format("waiting for process {}: {}", pid,
                                              std::strerror(errno)));
  }
  if (answered && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    Add(report, answer.report);
    if (!answer.ok) return Fail(answer.kind, answer.message);
    return {};
  }
  // Alone, with nothing else in hand, the process died: the message did it.
  const std::string why = DescribeDeath(status);
  Logger("inbox")->warn("message {}: {}", id, why);
  return ChargeFailure(ctx, id, why, report);
}

}  // namespace ct::app
