// dir:///path: one file per message, whole or not at all. Send writes the
// message to a dot-file in the same directory; Flush makes every file of
// the batch durable with one syncfs(2), then renames them to their names and
// syncs the directory. A reader never sees half a file, and a crash before
// Flush leaves only dot-files, which the next open removes: the caller
// records messages as sent only after Flush, so they are written again.
//
// Why one syncfs rather than an fsync per file: each fsync of a new file
// waits for its own journal commit, and that wait was most of the time a
// run spent beyond the GnuPG work (measured). syncfs waits once for the whole
// batch; its cost grows with other dirty data on the same file system,
// which for an outbox directory is the spool it lives in.
//
// A message with a delivery key is named KEY.eml (the sender's keys start
// with the zero-padded outbox row id, so `ls` lists them in queue order),
// and is not written again when that file exists: such a file was synced
// before it got its name, so a retry after a crash between Flush and the
// caller recording the message finds it whole. One without a key gets a
// fresh name that sorts in sending order:
// "20261122T003325.123456789Z-PID-COUNTER.eml".
//
// Removing stale dot-files at open is safe even under another process
// writing to the same directory right then: its rename then fails, and the
// message is retried later (one database has one `run` at a time, see
// RunLock).
#include "mail/transport_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "mail/transport.h"

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
  return {};
}

// Makes the data of every file written to `dir`'s file system durable
// (`whole_fs`), or the directory's entries. A file system that cannot sync
// a directory (EINVAL) syncs its entries with the files.
Result<void> SyncDirectory(const fs::path& dir, bool whole_fs) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorKind::kIo, std::strerror(errno));
  const bool synced =
      (whole_fs ? ::syncfs(fd) : ::fsync(fd)) == 0 || errno == EINVAL;
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
    // Written and named by an attempt that crashed before it was recorded:
    // the file is whole, it was synced before it got its name.
    if (!env.delivery_key.empty() && (IsRegularFile(file) || IsPending(file)))
      return {};
    const fs::path tmp = dir_ / ("." + std::string(name, 0, name.size() - 4) +
                                 std::string(kTempSuffix));
    const int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd < 0) return Where(tmp, Fail(ErrorKind::kIo, std::strerror(errno)));
    ::fchmod(fd, kFileMode);  // whatever the umask says
    Result<void> written = WriteAll(fd, raw);
    if (::close(fd) != 0 && written)
      written = Fail(ErrorKind::kIo, std::strerror(errno));
    if (!written) {
      ::unlink(tmp.c_str());
      return Where(file, written);
    }
    pending_.push_back({tmp, file});
    return {};
  }

  // Data first, names after: a name never points at unsynced data.
  Result<void> Flush() override {
    if (pending_.empty()) return {};
    if (auto ok = SyncDirectory(dir_, true); !ok) return Where(dir_, ok);
    for (const auto& [tmp, file] : pending_) {
      if (::rename(tmp.c_str(), file.c_str()) != 0) {
        const Result<void> failed = Fail(ErrorKind::kIo, std::strerror(errno));
        Discard();
        return Where(file, failed);
      }
    }
    pending_.clear();
    if (auto ok = SyncDirectory(dir_, false); !ok) return Where(dir_, ok);
    return {};
  }

  Result<void> Close() override { return Flush(); }

  ~DirTransport() override { (void)Flush(); }

 private:
  struct Pending {
    fs::path tmp, file;
  };

  bool IsPending(const fs::path& file) const {
    return std::any_of(pending_.begin(), pending_.end(),
                       [&](const auto& p) { return p.file == file; });
  }

  // After a failed rename: the rest of the batch is not named, the caller
  // sends those messages again.
  void Discard() {
    for (const auto& [tmp, file] : pending_) ::unlink(tmp.c_str());
    pending_.clear();
  }

  static Result<void> Where(const fs::path& file, const Result<void>& failed) {
    return Fail(ErrorKind::kIo, "cannot write " + file.string() + ": " +
                                    failed.error().message);
  }

  fs::path dir_;
  std::vector<Pending> pending_;  // written, not yet synced nor named
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
