#include "crypto/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "crypto/gpg_runner.h"
#include "crypto/runner_wire.h"

extern char** environ;

namespace ct::crypto {
namespace {

constexpr const char* kRunnerName = "cybertroc-gpg-runner";

bool Executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

std::string FindRunner() {
  if (const char* env = std::getenv("CYBERTROC_GPG_RUNNER")) {
    const std::string path = env;
    return path == "none" ? std::string() : path;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::string near = (self.parent_path() / kRunnerName).string();
    if (Executable(near)) return near;
  }
  const std::string installed =
      std::string(CT_INSTALL_LIBEXEC_DIR) + "/" + kRunnerName;
  return Executable(installed) ? installed : std::string();
}

void Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// posix_spawn's attribute and file actions, released on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawnattr_init(&attr_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    ::posix_spawnattr_destroy(&attr_);
    ::posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

const std::string& DefaultRunnerPath() {
  static const std::string path = FindRunner();
  return path;
}

Result<void> GpgRunner::Start() {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    return Fail(ErrorKind::kIo,
                std::string("GnuPG runner socket: ") + std::strerror(errno));
  SpawnSetup setup;
  // Its end as fd 0 (dup2 clears close-on-exec); stdout is not ours to
  // share (`--json` output goes there); stderr stays, for its complaints.
  // Nothing else: another thread's GnuPG operation may hold pipes made
  // without close-on-exec at this very moment (GPGME makes them so), and
  // a runner holding a copy of one would keep that gpg's output open
  // forever: the operation, and the run, would hang.
  ::posix_spawn_file_actions_adddup2(&setup.actions_, ends[1], 0);
  ::posix_spawn_file_actions_addopen(&setup.actions_, 1, "/dev/null", O_WRONLY,
                                     0);
  ::posix_spawn_file_actions_addclosefrom_np(&setup.actions_, 3);
  // Its own process group, so that a Ctrl-C meant for us does not kill it
  // in the middle of an operation; default signal handling and an empty
  // mask, whatever this thread blocks.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, sig);
  ::posix_spawnattr_setsigmask(&setup.attr_, &none);
  ::posix_spawnattr_setsigdefault(&setup.attr_, &defaults);
  ::posix_spawnattr_setpgroup(&setup.attr_, 0);
  ::posix_spawnattr_setflags(&setup.attr_, POSIX_SPAWN_SETSIGMASK |
                                               POSIX_SPAWN_SETSIGDEF |
                                               POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> args = {path_};
  if (!home_.empty()) args.insert(args.end(), {"--homedir", home_});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int err = ::posix_spawn(&pid, path_.c_str(), &setup.actions_,
                                &setup.attr_, argv.data(), environ);
  ::close(ends[1]);
  if (err != 0) {
    ::close(ends[0]);
    return Fail(ErrorKind::kIo, "cannot start the GnuPG runner " + path_ +
                                    ": " + std::strerror(err));
  }
  pid_ = pid;
  fd_ = ends[0];
  return {};
}

void GpgRunner::Stop() {
  if (fd_ >= 0) ::close(fd_);  // the runner ends at end of input
  fd_ = -1;
  if (pid_ > 0) Reap(pid_);
  pid_ = 0;
}

Result<RawOutcome> GpgRunner::Exchange(const std::string& frame) {
  if (!wire::WriteFrame(fd_, frame))
    return Fail(ErrorKind::kIo, "the GnuPG runner does not read");
  std::string answer;
  if (wire::ReadFrame(fd_, wire::kMaxFrameBytes, answer) !=
      wire::FrameStatus::kOk)
    return Fail(ErrorKind::kIo, "the GnuPG runner stopped answering");
  auto outcome = wire::DecodeOutcome(answer);
  if (!outcome) return Fail(ErrorKind::kIo, "garbled GnuPG runner answer");
  return std::move(*outcome);
}

Result<RawOutcome> GpgRunner::Call(const RawRequest& request) {
  const std::string frame = wire::EncodeRequest(request);
  Error last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) CT_TRY(Start());
    auto outcome = Exchange(frame);
    if (outcome) return outcome;
    last = outcome.error();
    // Whatever state it is in, this runner is done: ended, not waited on
    // for an answer that may never come.
    if (pid_ > 0) ::kill(pid_, SIGKILL);
    Stop();
  }
  return Fail(ErrorKind::kIo, last.message + " (" + path_ + ")");
}

}  // namespace ct::crypto
