// Running commands from the integration and e2e tests: a shell command
// with its output captured, a command in the background, whether a file is
// locked, a loopback port nothing listens on. GoogleTest-free.
#ifndef CYBERTROC_TESTS_SUPPORT_PROCESSES_H_
#define CYBERTROC_TESTS_SUPPORT_PROCESSES_H_

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace cttest {

namespace fs = std::filesystem;

struct Cmd {
  int status = -1;  // exit status; 128 + N when killed by signal N
  std::string out;  // stdout
  std::string err;  // stderr
  std::string All() const { return out + err; }
};

// A waitpid() status as an exit status (128 + N when killed by signal N).
int DecodeStatus(int status);

// Runs `command` with /bin/sh; stdout and stderr captured apart.
Cmd Shell(const std::string& command);

// A command running in the background (sh -c), stdout and stderr to files.
// The destructor kills it when it is still running.
class Background {
 public:
  Background(const std::string& command, const fs::path& out,
             const fs::path& err);
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background();

  pid_t pid() const { return pid_; }

  // True once it has exited (reaps it).
  bool Finished();

  // Waits for the end; its status and what it wrote.
  Cmd Wait();

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  Cmd result_;
  fs::path out_, err_;
};

// True while some process holds an flock/POSIX lock on `path`
// (/proc/locks names the file by device and inode).
bool FileIsLocked(const fs::path& path);

// A loopback TCP port that nothing listens on: bound, then released (the
// kernel will not hand it out again soon).
int ClosedLoopbackPort();

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_PROCESSES_H_
