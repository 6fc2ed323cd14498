// sendmail:///usr/sbin/sendmail: `sendmail -i -f FROM -- RCPT...`, started
// with posix_spawn (no shell, so no quoting to get wrong), the message on
// its standard input. The whole run is bounded by the timeout.
#include "mail/transport_sendmail.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "mail/transport.h"

extern char** environ;

namespace ct::mail {
namespace {

using Clock = std::chrono::steady_clock;

// A sendmail that exits early would kill us with SIGPIPE on the next write:
// block it on this thread while writing, and swallow the one we caused.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Writes `data` to the non-blocking `fd` before `deadline`.
Result<void> Feed(int fd, const std::string& data, Clock::time_point deadline) {
  ScopedSigpipeBlock no_sigpipe;
  for (size_t done = 0; done < data.size();) {
    pollfd pfd{fd, POLLOUT, 0};
    const int ready = ::poll(&pfd, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return Fail(ErrorKind::kIo, "timed out writing to it");
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Fail(ErrorKind::kIo, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

// Waits for `pid` until `deadline`, then kills it. Returns its wait status.
Result<int> Reap(pid_t pid, Clock::time_point deadline) {
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) {
      return Fail(ErrorKind::kIo, std::strerror(errno));
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pid, SIGKILL);  // its own process group: children too
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return Fail(ErrorKind::kIo, "timed out, killed");
}

class SendmailTransport : public Transport {
 public:
  SendmailTransport(std::string program, std::chrono::milliseconds timeout)
      : program_(std::move(program)), timeout_(timeout) {}

  Result<void> Send(const Envelope& env, const std::string& raw) override {
    CT_TRY(CheckEnvelope(env));
    Result<void> sent = Run(env, raw);
    if (!sent) {
      return Fail(sent.error().kind,
                  program_ + " (sendmail): " + sent.error().message);
    }
    return {};
  }

  Result<void> Close() override { return {}; }

 private:
  Result<void> Run(const Envelope& env, const std::string& raw) const {
    std::vector<std::string> args = {program_, "-i", "-f", env.from, "--"};
    args.insert(args.end(), env.to.begin(), env.to.end());
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      return Fail(ErrorKind::kIo, std::strerror(errno));
    }
    Fd read_end(ends[0]);
    Fd write_end(ends[1]);
    Result<pid_t> pid = Spawn(args, read_end.get());
    CT_TRY(pid);
    read_end.Reset();
    ::fcntl(write_end.get(), F_SETFL, O_NONBLOCK);

    const Clock::time_point deadline = Clock::now() + timeout_;
    Result<void> fed = Feed(write_end.get(), raw, deadline);
    write_end.Reset();  // EOF: sendmail -i reads up to here
    Result<int> status = Reap(*pid, deadline);
    CT_TRY(status);
    if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return fed;
    if (WIFEXITED(*status)) {
      return Fail(ErrorKind::kIo,
                  "exited with status " + std::to_string(WEXITSTATUS(*status)));
    }
    return Fail(ErrorKind::kIo,
                "killed by signal " + std::to_string(WTERMSIG(*status)));
  }

  // Starts `args` with `stdin_fd` as its standard input and /dev/null as its
  // output, in a process group of its own so that a timeout kills whatever
  // it started too (nothing may keep running, or keep our pipes open).
  static Result<pid_t> Spawn(std::vector<std::string>& args, int stdin_fd) {
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    pid_t pid = 0;
    const int error = ::posix_spawn(&pid, argv[0], &actions, &attributes,
                                    argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) return Fail(ErrorKind::kIo, std::strerror(error));
    return pid;
  }

  std::string program_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<Transport>> OpenSendmailTransport(
    const MailUrl& url, std::chrono::milliseconds timeout) {
  if (::access(url.path.c_str(), X_OK) != 0) {
    return Fail(ErrorKind::kConfig,
                url.Redacted() + ": " + url.path + " is not executable");
  }
  return std::make_unique<SendmailTransport>(url.path, timeout);
}

}  // namespace ct::mail
