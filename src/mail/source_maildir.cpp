// A local maildir read with std::filesystem rather than vmime, whose maildir
// store moves every message from new/ to cur/ as soon as the folder is
// opened, before we have stored anything.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <system_error>

#include "mail/adapters.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;

// A maildir file name split at its info part: "BASE" or "BASE:2,FLAGS".
struct Entry {
  fs::path path;
  std::string base;
  std::string flags;
  bool in_new = false;
};

Entry Split(const fs::directory_entry& file, bool in_new) {
  const std::string name = file.path().filename().string();
  Entry entry{file.path(), name, "", in_new};
  const size_t colon = name.find(':');
  if (colon != std::string::npos) {
    entry.base = name.substr(0, colon);
    if (name.compare(colon, 3, ":2,") == 0)
      entry.flags = name.substr(colon + 3);
  }
  return entry;
}

// A uid we hand out is a plain file name; anything else could walk the tree.
bool ValidUid(const std::string& uid) {
  return !uid.empty() && uid.front() != '.' &&
         uid.find_first_of("/:") == std::string::npos &&
         std::none_of(uid.begin(), uid.end(),
                      [](unsigned char c) { return c < 0x20; });
}

void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

class MaildirSource : public Source {
 public:
  explicit MaildirSource(fs::path root) : root_(std::move(root)) {}

  Result<std::vector<std::string>> List() override {
    Result<std::vector<Entry>> entries = Scan();
    if (!entries) return std::unexpected(entries.error());
    std::set<std::string> uids;  // sorted: maildir names start with a time
    for (const Entry& entry : *entries) {
      if (entry.flags.find('S') == std::string::npos) uids.insert(entry.base);
    }
    return std::vector<std::string>(uids.begin(), uids.end());
  }

  Result<Fetched> Fetch(const std::string& uid, size_t max_size) override {
    Result<Entry> entry = Locate(uid);
    if (!entry) return std::unexpected(entry.error());
    std::error_code ec;
    const uintmax_t size = fs::file_size(entry->path, ec);
    if (ec) return Fail(ErrorKind::kIo, Where(uid) + ": " + ec.message());
    Fetched fetched{uid, "", size > max_size, static_cast<size_t>(size)};
    const size_t want =
        fetched.oversized ? std::min<uintmax_t>(size, kOversizedPrefix) : size;
    std::ifstream in(entry->path, std::ios::binary);
    fetched.raw.resize(want);
    in.read(fetched.raw.data(), static_cast<std::streamsize>(want));
    if (in.bad() || static_cast<size_t>(in.gcount()) != want) {
      return Fail(ErrorKind::kIo, Where(uid) + ": cannot read it whole");
    }
    if (fetched.oversized) fetched.raw = HeaderOnly(fetched.raw);
    return fetched;
  }

  Result<void> Acknowledge(const std::string& uid) override {
    Result<Entry> entry = Locate(uid);
    if (!entry) return std::unexpected(entry.error());
    if (!entry->in_new && entry->flags.find('S') != std::string::npos) {
      return {};  // already acknowledged
    }
    std::string flags = entry->flags + "S";
    std::sort(flags.begin(), flags.end());  // maildir wants them in order
    flags.erase(std::unique(flags.begin(), flags.end()), flags.end());
    const fs::path target = root_ / "cur" / (uid + ":2," + flags);
    std::error_code ec;
    fs::rename(entry->path, target, ec);
    if (ec) return Fail(ErrorKind::kIo, Where(uid) + ": " + ec.message());
    SyncDirectory(root_ / "cur");
    if (entry->in_new) SyncDirectory(root_ / "new");
    return {};
  }

  Result<void> Close() override { return {}; }

 private:
  std::string Where(const std::string& uid) const {
    return "maildir://" + root_.string() + " message " + uid;
  }

  Result<std::vector<Entry>> Scan() const {
    std::vector<Entry> entries;
    for (const char* sub : {"new", "cur"}) {
      std::error_code ec;
      for (fs::directory_iterator it(root_ / sub, ec), end; !ec && it != end;
           it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with(".") || !it->is_regular_file(ec)) continue;
        entries.push_back(Split(*it, sub[0] == 'n'));
      }
      if (ec) {
        return Fail(ErrorKind::kIo, "maildir://" + root_.string() + "/" + sub +
                                        ": " + ec.message());
      }
    }
    return entries;
  }

  Result<Entry> Locate(const std::string& uid) const {
    if (!ValidUid(uid)) {
      return Fail(ErrorKind::kNotFound, "no maildir message '" + uid + "'");
    }
    Result<std::vector<Entry>> entries = Scan();
    if (!entries) return std::unexpected(entries.error());
    for (const Entry& entry : *entries) {
      if (entry.base == uid) return entry;
    }
    return Fail(ErrorKind::kNotFound, Where(uid) + " is gone");
  }

  fs::path root_;
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
