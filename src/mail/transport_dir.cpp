// dir:///path: one file per message, written atomically (a dot-file in the
// same directory, fsync, rename), named so that `ls` lists them in the order
// they were sent: "20261122T003325.123456789Z-PID-COUNTER.eml".
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "mail/adapters.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kFileMode = 0640;  // the outbox may hold personal data

std::string UniqueName() {
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  const time_t seconds = static_cast<time_t>(nanos / 1000000000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
  char name[96];
  std::snprintf(name, sizeof name, "%s.%09lldZ-%d-%06u.eml", stamp,
                static_cast<long long>(nanos % 1000000000),
                static_cast<int>(::getpid()), ++counter);
  return name;
}

Result<void> WriteAll(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(ErrorKind::kIo, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return Fail(ErrorKind::kIo, std::strerror(errno));
  return {};
}

void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the file itself is complete
  ::fsync(fd);
  ::close(fd);
}

class DirTransport : public Transport {
 public:
  explicit DirTransport(fs::path dir) : dir_(std::move(dir)) {}

  Result<void> Send(const Envelope& env, const std::string& raw) override {
    if (Result<void> ok = CheckEnvelope(env); !ok) return ok;
    const std::string name = UniqueName();
    const fs::path tmp = dir_ / ("." + name + ".tmp");
    const int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd < 0) return Fail(ErrorKind::kIo, Where(tmp, std::strerror(errno)));
    ::fchmod(fd, kFileMode);  // whatever the umask says
    Result<void> written = WriteAll(fd, raw);
    ::close(fd);
    if (written && ::rename(tmp.c_str(), (dir_ / name).c_str()) != 0) {
      written = Fail(ErrorKind::kIo, std::strerror(errno));
    }
    if (!written) {
      ::unlink(tmp.c_str());
      return Fail(ErrorKind::kIo, Where(dir_ / name, written.error().message));
    }
    SyncDirectory(dir_);
    return {};
  }

  Result<void> Close() override { return {}; }

 private:
  static std::string Where(const fs::path& file, const std::string& why) {
    return "cannot write " + file.string() + ": " + why;
  }

  fs::path dir_;
};

}  // namespace

Result<std::unique_ptr<Transport>> OpenDirTransport(const MailUrl& url) {
  std::error_code ec;
  fs::create_directories(url.path, ec);  // convenient for tests
  if (!fs::is_directory(url.path, ec)) {
    return Fail(ErrorKind::kConfig,
                url.Redacted() + " is not a directory we can create");
  }
  return std::make_unique<DirTransport>(url.path);
}

}  // namespace ct::mail
