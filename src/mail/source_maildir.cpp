// A local maildir, read by hand with readdir/open/rename rather than through
// vmime, for two reasons: vmime's maildir store moves every message from new/
// to cur/ as soon as the folder is opened, before we have stored anything
// (so a crash would lose where they were), and it rescans the folder for
// every message.
//
// Cost. cur/ only grows: every message we acknowledge stays there with the S
// flag. So no per-message operation may read it. List() reads the names of
// new/ and cur/ once (names only, no stat; a cur/ name carrying S is skipped
// before anything is allocated for it) and remembers where each message it
// reports lies; Fetch() and Acknowledge() then open or rename that path.
// Only a uid that List() did not report, or a file another client moved
// since, costs a scan of cur/.
#include "mail/source_maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "mail/source.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;

// Where a message lies: its file name in new/ or cur/. Only the name is
// kept, not a path: a run lists every message of the maildir, and a
// std::filesystem::path holds its components besides (a backlog's peak
// memory must not grow with it).
struct Entry {
  std::string name;
  bool in_new = false;
};

// A maildir name split at its info part: "BASE" or "BASE:2,FLAGS" (another
// info version, "BASE:1,...", has a base and no flags).
struct Name {
  std::string_view base;
  std::string_view flags;
};

Name Split(std::string_view name) {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) return {name, {}};
  Name split{name.substr(0, colon), {}};
  if (name.substr(colon).starts_with(":2,"))
    split.flags = name.substr(colon + 3);
  return split;
}

// A uid we hand out is a plain file name; anything else could walk the tree
// or garble a log line. Names that fail this are not messages to us: List()
// never reports them, and they stay where they are.
bool ValidUid(std::string_view uid) {
  return !uid.empty() && uid.front() != '.' &&
         uid.find_first_of("/:") == std::string_view::npos &&
         std::none_of(uid.begin(), uid.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// Calls visit(name) for each regular file of `dir` whose name does not
// start with '.' (maildir's hidden files; also "." and ".."). Symbolic links
// are not followed: a maildir holds plain files.
template <typename Visit>
Result<void> ForEachFile(const fs::path& dir, Visit visit) {
  std::unique_ptr<DIR, DirCloser> handle(::opendir(dir.c_str()));
  if (!handle)
    return Fail(ErrorKind::kIo, dir.string() + ": " + strerror(errno));
  for (errno = 0; const dirent* entry = ::readdir(handle.get()); errno = 0) {
    if (entry->d_name[0] == '.') continue;
    bool regular = entry->d_type == DT_REG;
    if (entry->d_type == DT_UNKNOWN) {  // some file systems do not say
      struct stat st {};
      regular = ::fstatat(::dirfd(handle.get()), entry->d_name, &st,
                          AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISREG(st.st_mode);
    }
    if (regular) visit(std::string_view(entry->d_name));
  }
  if (errno != 0) {
    return Fail(ErrorKind::kIo, dir.string() + ": " + strerror(errno));
  }
  return {};
}

bool Exists(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Reads at most `want` bytes of the open file `fd` into `out`.
bool ReadPrefix(int fd, size_t want, std::string& out) {
  out.resize(want);
  size_t done = 0;
  while (done < want) {
    const ssize_t n = ::read(fd, out.data() + done, want - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

class MaildirSource : public Source {
 public:
  explicit MaildirSource(fs::path root) : root_(std::move(root)) {}
  ~MaildirSource() override { (void)Close(); }

  // Only the unusual places are remembered (a message in cur/ that another
  // client moved there unseen, a name in new/ with an info part): a plain
  // new/UID is found again by its name, so that the memory a run needs
  // does not grow with the backlog.
  Result<std::vector<std::string>> List() override {
    listed_.clear();
    std::vector<std::string> uids;
    // cur/ first, so that a base in both (a copy left by another client)
    // resolves to the new/ file, which Acknowledge() then moves.
    for (const bool in_new : {false, true}) {
      const fs::path dir = root_ / (in_new ? "new" : "cur");
      Result<void> read = ForEachFile(dir, [&](std::string_view name) {
        const Name split = Split(name);
        if (split.flags.find('S') != std::string_view::npos) return;
        if (!ValidUid(split.base)) return;
        uids.emplace_back(split.base);
        if (in_new && name == split.base) {
          listed_.erase(uids.back());
        } else {
          listed_[uids.back()] = Entry{std::string(name), in_new};
        }
      });
      if (!read) return Fail(ErrorKind::kIo, Prefix() + read.error().message);
    }
    // Sorted (maildir names start with a time), each once.
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    uids.shrink_to_fit();
    return uids;
  }

  Result<Fetched> Fetch(const std::string& uid, size_t max_size) override {
    Result<Entry> entry = Locate(uid);
    CT_TRY(entry);
    const fs::path path = PathOf(*entry);
    const int fd =
        ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0 && errno == ENOENT) return Gone(uid);  // moved just now
    if (fd < 0)
      return Fail(ErrorKind::kIo, Where(uid) + ": " + strerror(errno));
    struct stat st {};
    Fetched fetched{uid, "", false, 0};
    bool ok = ::fstat(fd, &st) == 0;
    if (ok) {
      fetched.size = static_cast<size_t>(st.st_size);
      fetched.oversized = fetched.size > max_size;
      const size_t want = fetched.oversized
                              ? std::min(fetched.size, kOversizedPrefix)
                              : fetched.size;
      ok = ReadPrefix(fd, want, fetched.raw);
    }
    ::close(fd);
    if (!ok) return Fail(ErrorKind::kIo, Where(uid) + ": cannot read it whole");
    if (fetched.oversized) fetched.raw = HeaderOnly(fetched.raw);
    return fetched;
  }

  Result<void> Acknowledge(const std::string& uid) override {
    Result<Entry> entry = Locate(uid);
    CT_TRY(entry);
    const std::string_view old_flags = Split(entry->name).flags;
    if (!entry->in_new && old_flags.find('S') != std::string_view::npos) {
      return {};  // already acknowledged
    }
    std::string flags = std::string(old_flags) + "S";
    std::sort(flags.begin(), flags.end());  // maildir wants them in order
    flags.erase(std::unique(flags.begin(), flags.end()), flags.end());
    const std::string target_name = uid + ":2," + flags;
    const fs::path target = root_ / "cur" / target_name;
    if (::rename(PathOf(*entry).c_str(), target.c_str()) != 0) {
      if (errno == ENOENT) return Gone(uid);
      return Fail(ErrorKind::kIo, Where(uid) + ": " + strerror(errno));
    }
    // The directories are synced once, at Close(): a rename lost to a power
    // cut only makes us fetch the message again, and the store recognises
    // it (same server uid, same Message-ID and digest).
    renamed_in_new_ = renamed_in_new_ || entry->in_new;
    renamed_ = true;
    // A re-Fetch finds it there: by its usual name, or as remembered.
    if (target_name == AcknowledgedName(uid)) {
      listed_.erase(uid);
    } else {
      listed_[uid] = Entry{target_name, false};
    }
    return {};
  }

  Result<void> Close() override {
    if (renamed_) SyncDirectory(root_ / "cur");
    if (renamed_in_new_) SyncDirectory(root_ / "new");
    renamed_ = renamed_in_new_ = false;
    return {};
  }

 private:
  std::string Prefix() const { return "maildir://" + root_.string() + ": "; }
  std::string Where(const std::string& uid) const {
    return "maildir://" + root_.string() + " message " + uid;
  }
  std::unexpected<Error> Gone(const std::string& uid) {
    listed_.erase(uid);
    return Fail(ErrorKind::kNotFound, Where(uid) + " is gone");
  }

  // Where `uid` lies now: where List() saw it, else new/UID, else
  // cur/UID:2,S, else wherever a scan finds it (moved by another client, or
  // never listed).
  Result<Entry> Locate(const std::string& uid) {
    if (!ValidUid(uid)) {
      return Fail(ErrorKind::kNotFound, "no maildir message '" + uid + "'");
    }
    if (auto it = listed_.find(uid); it != listed_.end()) {
      if (Exists(PathOf(it->second))) return it->second;
      listed_.erase(it);
    }
    if (Exists(root_ / "new" / uid)) return Entry{uid, true};
    if (Exists(root_ / "cur" / AcknowledgedName(uid)))
      return Entry{AcknowledgedName(uid), false};
    std::optional<Entry> found;
    for (const bool in_new : {true, false}) {
      const fs::path dir = root_ / (in_new ? "new" : "cur");
      Result<void> read = ForEachFile(dir, [&](std::string_view name) {
        const Name split = Split(name);
        if (!found && split.base == uid)
          found = Entry{std::string(name), in_new};
      });
      if (!read) return Fail(ErrorKind::kIo, Prefix() + read.error().message);
      if (found) return *found;
    }
    return Gone(uid);
  }

  // What Acknowledge() names a message that came to new/ without flags.
  static std::string AcknowledgedName(const std::string& uid) {
    return uid + ":2,S";
  }

  fs::path PathOf(const Entry& entry) const {
    return root_ / (entry.in_new ? "new" : "cur") / entry.name;
  }

  fs::path root_;
  std::map<std::string, Entry> listed_;  // uid -> where List() saw it
  bool renamed_ = false;                 // acknowledged since the last Close()
  bool renamed_in_new_ = false;          // ... a message that was in new/
};

}  // namespace

Result<std::unique_ptr<Source>> OpenMaildirSource(const MailUrl& url) {
  const fs::path root = url.path;
  std::error_code ec;
  for (const char* sub : {"new", "cur"}) {
    if (!fs::is_directory(root / sub, ec)) {
      return Fail(
          ErrorKind::kConfig,
          url.Redacted() + " is not a maildir (no " + sub + "/ directory)");
    }
  }
  return std::make_unique<MaildirSource>(root);
}

}  // namespace ct::mail
