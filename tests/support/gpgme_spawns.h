// The processes GPGME started, read from its debug log: GPGME_DEBUG=9:FILE
// makes every GPGME-using process (cybertroc, or a test calling the
// crypto stage in-process) log each spawn with its argv. For the tests
// that count gpg processes per message.
#ifndef CYBERTROC_TESTS_SUPPORT_GPGME_SPAWNS_H_
#define CYBERTROC_TESTS_SUPPORT_GPGME_SPAWNS_H_

#include <algorithm>
#include <string>
#include <vector>

namespace cttest {

struct Spawn {
  std::vector<std::string> argv;

  bool Has(const std::string& arg) const;
  // GPGME's engine set-up: gpgconf, `gpg --version`, `gpgsm --version`.
  bool IsSetUp() const;
  // A detached signature is checked with --verify; a clear-signed text,
  // whose signed part GPGME wants back, with gpg's default command.
  bool IsVerify() const;
  bool IsSignEncrypt() const { return Has("--encrypt") && Has("--sign"); }
  bool IsSignOnly() const {
    return !Has("--encrypt") && (Has("--sign") || Has("--detach-sign"));
  }
  bool IsEncryptOnly() const { return Has("--encrypt") && !Has("--sign"); }
  bool IsImport() const { return Has("--import"); }
  bool IsKeyListing() const {
    return Has("--list-keys") || Has("--list-secret-keys");
  }
  // The command line, arguments separated by blanks.
  std::string Text() const;
};

// The spawns logged in `text` (a GPGME debug log, or the part of one).
std::vector<Spawn> ParseSpawns(const std::string& text);

// Every spawn in the log file `path` from byte `offset` on ("" if none).
std::vector<Spawn> SpawnsInFile(const std::string& path, size_t offset = 0);

size_t FileSize(const std::string& path);

template <typename Pred>
int CountIf(const std::vector<Spawn>& spawns, Pred pred) {
  return static_cast<int>(std::count_if(spawns.begin(), spawns.end(), pred));
}

// One command line a line, for failure messages.
std::string Describe(const std::vector<Spawn>& spawns);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_GPGME_SPAWNS_H_
