#include "processes.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <vector>

#include "text_files.h"

namespace cttest {

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

Cmd Shell(const std::string& command) {
  Cmd result;
  char err_template[] = "/tmp/ct-stderr-XXXXXX";
  const int err_fd = mkstemp(err_template);
  if (err_fd < 0) return result;
  ::close(err_fd);
  FILE* pipe =
      popen(("{ " + command + "\n} 2>" + Quote(err_template)).c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 8192> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
      result.out.append(buffer.data(), n);
    }
    result.status = DecodeStatus(pclose(pipe));
  }
  result.err = ReadFile(err_template);
  ::unlink(err_template);
  return result;
}

Background::Background(const std::string& command, const fs::path& out,
                       const fs::path& err)
    : out_(out), err_(err) {
  pid_ = fork();
  if (pid_ == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) _exit(126);
    dup2(o, 1);
    dup2(e, 2);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
}

Background::~Background() {
  if (pid_ > 0 && !done_) {
    ::kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
}

bool Background::Finished() {
  if (done_ || pid_ <= 0) return true;
  int status;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    done_ = true;
    result_.status = DecodeStatus(status);
  }
  return done_;
}

Cmd Background::Wait() {
  if (pid_ > 0 && !done_) {
    int status;
    waitpid(pid_, &status, 0);
    done_ = true;
    result_.status = DecodeStatus(status);
  }
  result_.out = ReadFile(out_);
  result_.err = ReadFile(err_);
  return result_;
}

bool FileIsLocked(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const std::string suffix = ":" + std::to_string(st.st_ino);
  for (const std::string& line : Lines(ReadFile("/proc/locks"))) {
    std::istringstream fields(line);
    std::string field;
    std::vector<std::string> parts;
    while (fields >> field) parts.push_back(field);
    // "1: FLOCK  ADVISORY  WRITE 4242 00:2c:1234567 0 EOF" (blocked
    // waiters add a "->" column: only the holders count).
    if (parts.size() < 6 || parts[1] == "->") continue;
    const std::string& where = parts[5];
    if (where.size() > suffix.size() &&
        where.compare(where.size() - suffix.size(), suffix.size(), suffix) ==
            0) {
      return true;
    }
  }
  return false;
}

int ClosedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;  // tcpmux: closed on any test machine
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace cttest
