#include "harness.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "processes.h"
#include "text_files.h"

namespace cttest {

std::string HarnessFpr(const std::map<std::string, std::string>& keys,
                       std::string name) {
  for (char& c : name) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
  auto it = keys.find("CT_FPR_" + name);
  return it == keys.end() ? "" : it->second;
}

fs::path MakePartyHome(const fs::path& gnupg_dir, const std::string& name) {
  Cmd home = Shell(Quote(kHarnessDir + "/gpg.sh") + " party-home " +
                   Quote(gnupg_dir) + " " + name);
  if (home.status != 0 || Lines(home.out).empty())
    throw std::runtime_error("gpg.sh party-home " + name + ": " + home.All());
  return Lines(home.out).back();
}

fs::path MakeEscrowHome(const fs::path& gnupg_dir, const std::string& label) {
  const fs::path dest = gnupg_dir / "party" / ("escrow-" + label);
  Cmd home =
      Shell("CT_PARTY_PUBLIC_KEYS=operator " + Quote(kHarnessDir + "/gpg.sh") +
            " party-home " + Quote(gnupg_dir) + " escrow " + Quote(dest));
  if (home.status != 0)
    throw std::runtime_error("gpg.sh party-home escrow: " + home.All());
  return dest;
}

fs::path DeliverToMaildir(const fs::path& maildir, const fs::path& file) {
  static long long last_micros = 0;
  static int sequence = 0;
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(maildir / sub);
  long long micros = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  if (micros <= last_micros) micros = last_micros + 1;
  last_micros = micros;
  char name[96];
  std::snprintf(name, sizeof name, "%lld.M%06lldP%dQ%d.ct-test",
                micros / 1000000, micros % 1000000, static_cast<int>(getpid()),
                ++sequence);
  const fs::path tmp = maildir / "tmp" / name;
  WriteFile(tmp, ReadFile(file));
  fs::rename(tmp, maildir / "new" / name);
  return maildir / "new" / name;
}

}  // namespace cttest
