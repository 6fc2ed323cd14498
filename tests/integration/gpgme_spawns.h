// The processes GPGME started, read from its debug log: GPGME_DEBUG=9:FILE
// makes every GPGME-using process (cybertroc, or a test calling the
// crypto stage in-process) log each spawn with its argv. For the issue 9
// tests that count gpg processes per message.
#ifndef CYBERTROC_TESTS_INTEGRATION_GPGME_SPAWNS_H_
#define CYBERTROC_TESTS_INTEGRATION_GPGME_SPAWNS_H_

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cttest {

struct Spawn {
  std::vector<std::string> argv;

  bool Has(const std::string& arg) const {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
  }
  // GPGME's engine set-up: gpgconf, `gpg --version`, `gpgsm --version`.
  bool IsSetUp() const {
    return argv.empty() || argv[0].ends_with("gpgconf") || Has("--version");
  }
  // A detached signature is checked with --verify; a clear-signed text,
  // whose signed part GPGME wants back, with gpg's default command.
  bool IsVerify() const {
    return Has("--verify") ||
           (Has("--output") && !Has("--encrypt") && !Has("--sign") &&
            !Has("--decrypt") && !IsSetUp());
  }
  bool IsSignEncrypt() const { return Has("--encrypt") && Has("--sign"); }
  bool IsSignOnly() const {
    return !Has("--encrypt") && (Has("--sign") || Has("--detach-sign"));
  }
  bool IsEncryptOnly() const { return Has("--encrypt") && !Has("--sign"); }
  bool IsImport() const { return Has("--import"); }
  bool IsKeyListing() const {
    return Has("--list-keys") || Has("--list-secret-keys");
  }
  std::string Text() const {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
    return out;
  }
};

// The spawns logged in `text` (a GPGME debug log, or the part of one).
inline std::vector<Spawn> ParseSpawns(const std::string& text) {
  std::vector<Spawn> spawns;
  std::istringstream in(text);
  const std::string enter = "_gpgme_io_spawn: enter:";
  const std::string arg = "_gpgme_io_spawn: check: argv[";
  for (std::string line; std::getline(in, line);) {
    if (line.find(enter) != std::string::npos) {
      spawns.emplace_back();
      continue;
    }
    const size_t at = line.find(arg);
    if (at == std::string::npos || spawns.empty()) continue;
    const size_t eq = line.find("] = ", at);
    if (eq != std::string::npos)
      spawns.back().argv.push_back(line.substr(eq + 4));
  }
  return spawns;
}

// Every spawn in the log file `path` from byte `offset` on ("" if none).
inline std::vector<Spawn> SpawnsInFile(const std::string& path,
                                       size_t offset = 0) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {};
  std::stringstream all;
  all << file.rdbuf();
  const std::string text = all.str();
  return ParseSpawns(offset < text.size() ? text.substr(offset) : "");
}

inline size_t FileSize(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  return file ? static_cast<size_t>(file.tellg()) : 0;
}

template <typename Pred>
int CountIf(const std::vector<Spawn>& spawns, Pred pred) {
  return static_cast<int>(std::count_if(spawns.begin(), spawns.end(), pred));
}

inline std::string Describe(const std::vector<Spawn>& spawns) {
  std::string out;
  for (const auto& s : spawns) out += "  " + s.Text() + "\n";
  return out;
}

}  // namespace cttest

#endif  // CYBERTROC_TESTS_INTEGRATION_GPGME_SPAWNS_H_
