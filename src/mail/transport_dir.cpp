// dir:///path: one file per message, written atomically: a dot-file in the
// same directory, fsync, rename, so that a reader never sees half of one.
// The directory is synced once for a batch of messages, by Flush (and
// Close): until then a crash may lose a name, never leave half a file, and
// the caller records messages as sent only after Flush.
//
// A message with a delivery key is named KEY.eml (the sender's keys start
// with the zero-padded outbox row id, so `ls` lists them in queue order),
// and is not written again when that file exists: a retry after a crash
// between the rename and the caller recording the message as sent finds it
// there. One without a key gets a fresh name that sorts in sending order:
// "20261122T003325.123456789Z-PID-COUNTER.eml".
//
// A crash while writing leaves a ".NAME.eml.tmp" behind; opening the
// transport removes them. That is safe even under another process writing
// to the same directory right then: its rename then fails, and the message
// is retried later (one database has one `run` at a time, see RunLock).
#include <dirent.h>
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
#include <memory>
#include <string_view>

#include "mail/adapters.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kFileMode = 0640;  // the outbox may hold personal data
constexpr std::string_view kTempSuffix = ".eml.tmp";

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

// Makes the directory's entries durable. A file system that cannot sync a
// directory (EINVAL) syncs its entries with the files.
Result<void> SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorKind::kIo, std::strerror(errno));
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int error = errno;
  ::close(fd);
  if (!synced) return Fail(ErrorKind::kIo, std::strerror(error));
  return {};
}

bool IsRegularFile(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// Removes the temporary files ".NAME.eml.tmp" that crashed writers left.
void RemoveStaleTemps(const fs::path& dir) {
  std::unique_ptr<DIR, DirCloser> handle(::opendir(dir.c_str()));
  if (!handle) return;  // OpenDirTransport reports an unusable directory
  while (const dirent* entry = ::readdir(handle.get())) {
    const std::string_view name = entry->d_name;
    if (name.starts_with('.') && name.size() > 1 + kTempSuffix.size() &&
        name.ends_with(kTempSuffix)) {
      ::unlinkat(::dirfd(handle.get()), entry->d_name, 0);
    }
  }
}

class DirTransport : public Transport {
 public:
  explicit DirTransport(fs::path dir) : dir_(std::move(dir)) {}

  Result<void> Send(const Envelope& env, const std::string& raw) override {
    CT_TRY(CheckEnvelope(env));
    const std::string name =
        env.delivery_key.empty() ? UniqueName() : env.delivery_key + ".eml";
    const fs::path file = dir_ / name;
    if (!env.delivery_key.empty() && IsRegularFile(file)) {
      // Written by an attempt that crashed before it was recorded: the file
      // is whole (renamed after fsync); Flush makes its name durable too.
      unsynced_ = true;
      return {};
    }
    const fs::path tmp = dir_ / ("." + std::string(name, 0, name.size() - 4) +
                                 std::string(kTempSuffix));
    const int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd < 0) return Where(tmp, Fail(ErrorKind::kIo, std::strerror(errno)));
    ::fchmod(fd, kFileMode);  // whatever the umask says
    Result<void> written = WriteAll(fd, raw);
    ::close(fd);
    if (written && ::rename(tmp.c_str(), file.c_str()) != 0) {
      written = Fail(ErrorKind::kIo, std::strerror(errno));
    }
    if (!written) {
      ::unlink(tmp.c_str());
      return Where(file, written);
    }
    unsynced_ = true;
    return {};
  }

  Result<void> Flush() override {
    if (!unsynced_) return {};
    if (Result<void> ok = SyncDirectory(dir_); !ok) return Where(dir_, ok);
    unsynced_ = false;
    return {};
  }

  Result<void> Close() override { return Flush(); }

  ~DirTransport() override { (void)Flush(); }

 private:
  static Result<void> Where(const fs::path& file, const Result<void>& failed) {
    return Fail(ErrorKind::kIo, "cannot write " + file.string() + ": " +
                                    failed.error().message);
  }

  fs::path dir_;
  bool unsynced_ = false;  // names renamed in since the last directory sync
};

}  // namespace

Result<std::unique_ptr<Transport>> OpenDirTransport(const MailUrl& url) {
  std::error_code ec;
  fs::create_directories(url.path, ec);  // convenient for tests
  if (!fs::is_directory(url.path, ec)) {
    return Fail(ErrorKind::kConfig,
                url.Redacted() + " is not a directory we can create");
  }
  RemoveStaleTemps(url.path);
  return std::make_unique<DirTransport>(url.path);
}

}  // namespace ct::mail
