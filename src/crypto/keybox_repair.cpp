#include "crypto/keybox_repair.h"

#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ct::crypto {
namespace {

namespace fs = std::filesystem;

// GnuPG's lock file starts with the holder's pid: a gpg that is still
// running (between its two renames) must be left to finish them itself.
bool HeldByLiveProcess(const fs::path& lock) {
  std::ifstream in(lock);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

Result<bool> FinishInterruptedKeyboxWrite(const std::string& home) {
  const fs::path dir(home);
  const fs::path keybox = dir / "pubring.kbx";
  const fs::path backup = dir / "pubring.kbx~";
  const fs::path written = dir / "pubring.kbx.tmp";
  std::error_code ec;
  if (fs::exists(keybox, ec) || !fs::exists(backup, ec)) return false;
  if (HeldByLiveProcess(dir / "pubring.kbx.lock")) return false;
  if (fs::exists(written, ec))
    fs::rename(written, keybox, ec);
  else
    fs::copy_file(backup, keybox, ec);
  if (ec)
    return Fail(ErrorKind::kIo,
                "cannot restore " + keybox.string() + ": " + ec.message());
  return true;
}

}  // namespace ct::crypto
