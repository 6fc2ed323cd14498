#include "util/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ext/stdio_filebuf.h>
#include <utility>

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
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::unexpected<Error> Problem(ErrorKind kind, std::string_view what,
                               const std::string& path,
                               const std::string& why) {
  return Fail(kind, std::string(what) + " " + path + ": " + why);
}

std::string TooBig(size_t max_bytes) {
  return "larger than " + ByteSize(max_bytes) +
         ", the most cybertroc reads for it";
}

// An input stream over a file descriptor it owns (libstdc++'s
// stdio_filebuf: the standard library opens streams by name only).
class FdStream : public std::istream {
 public:
  explicit FdStream(int fd) : std::istream(nullptr), buffer_(fd, std::ios::in) {
    rdbuf(&buffer_);
  }

 private:
  __gnu_cxx::stdio_filebuf<char> buffer_;
};

// Copies what `in` holds, up to `max_bytes`, into an unlinked temporary
// file, and returns it open at its start.
Result<int> Spool(int in, size_t max_bytes, std::string_view what,
                  const std::string& path) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string name = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") +
                     "/cybertroc-input-XXXXXX";
  Fd out(::mkstemp(name.data()));
  if (out.get() < 0)
    return Problem(
        ErrorKind::kIo, what, path,
        "cannot make a temporary copy: " + std::string(std::strerror(errno)));
  ::unlink(name.c_str());
  char buffer[65536];
  size_t copied = 0;
  for (;;) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Problem(ErrorKind::kIo, what, path, std::strerror(errno));
    if (n == 0) break;
    copied += static_cast<size_t>(n);
    if (copied > max_bytes)
      return Problem(ErrorKind::kInvalidInput, what, path, TooBig(max_bytes));
    for (ssize_t done = 0; done < n;) {
      const ssize_t w =
          ::write(out.get(), buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        return Problem(ErrorKind::kIo, what, path,
                       "cannot make a temporary copy: " +
                           std::string(std::strerror(errno)));
      done += w;
    }
  }
  if (::lseek(out.get(), 0, SEEK_SET) != 0)
    return Problem(ErrorKind::kIo, what, path, std::strerror(errno));
  return out.Release();
}

}  // namespace

std::string ByteSize(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0)
    return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

namespace {

// `path` opened for reading, and what fstat says of it, unless it is a
// directory: the errors name `what` and `path`.
Result<std::unique_ptr<Fd>> OpenForReading(const std::string& path,
                                           std::string_view what,
                                           struct stat& st) {
  auto fd = std::make_unique<Fd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd->get() < 0) {
    const int err = errno;
    return Problem(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo, what,
                   path, err == ENOENT ? "no such file" : std::strerror(err));
  }
  if (::fstat(fd->get(), &st) != 0)
    return Problem(ErrorKind::kIo, what, path, std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    return Problem(ErrorKind::kInvalidInput, what, path,
                   "is a directory, not a file");
  return fd;
}

}  // namespace

Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes,
                                    std::string_view what) {
  struct stat st {};
  auto opened = OpenForReading(path, what, st);
  CT_TRY(opened);
  const Fd& fd = **opened;
  const std::string too_big = TooBig(max_bytes);
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

Result<std::unique_ptr<std::istream>> OpenFileLimited(const std::string& path,
                                                      size_t max_bytes,
                                                      std::string_view what) {
  struct stat st {};
  auto opened = OpenForReading(path, what, st);
  CT_TRY(opened);
  Fd& fd = **opened;
  if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > max_bytes)
    return Problem(ErrorKind::kInvalidInput, what, path, TooBig(max_bytes));
  if (S_ISREG(st.st_mode)) return std::make_unique<FdStream>(fd.Release());
  auto copy = Spool(fd.get(), max_bytes, what, path);
  CT_TRY(copy);
  return std::make_unique<FdStream>(*copy);
}

}  // namespace ct::util
