#include "util/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ct::util {
namespace {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::unexpected<Error> Problem(ErrorKind kind, std::string_view what,
                               const std::string& path,
                               const std::string& why) {
  return Fail(kind, std::string(what) + " " + path + ": " + why);
}

}  // namespace

std::string ByteSize(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0)
    return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes,
                                    std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return Problem(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo, what,
                   path, err == ENOENT ? "no such file" : std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode))
    return Problem(ErrorKind::kInvalidInput, what, path,
                   "is a directory, not a file");
  const std::string too_big = "larger than " + ByteSize(max_bytes) +
                              ", the most cybertroc reads for it";
  // A regular file says its size: refuse before reading a byte. Devices and
  // pipes do not, so the read below stops one byte past the limit too.
  if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > max_bytes)
    return Problem(ErrorKind::kInvalidInput, what, path, too_big);
  std::string data;
  char buffer[65536];
  for (;;) {
    const size_t want = std::min(sizeof buffer, max_bytes + 1 - data.size());
    const ssize_t n = ::read(fd.get(), buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Problem(ErrorKind::kIo, what, path, std::strerror(errno));
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
    if (data.size() > max_bytes)
      return Problem(ErrorKind::kInvalidInput, what, path, too_big);
  }
  return data;
}

}  // namespace ct::util
