#include "app/base/gpg_pool.h"

#include <cctype>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include "app/base/logging.h"
#include "core/limits.h"
#include "crypto/runner.h"
#include "util/read_file.h"

namespace ct::app {
namespace {

// Whether `text` (a gpg.conf) has the option `name` on a line of its own.
bool HasOption(const std::string& text, std::string_view name) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    const std::string_view option = std::string_view(line).substr(start);
    if (option.starts_with(name) &&
        (option.size() == name.size() ||
         std::isspace(static_cast<unsigned char>(option[name.size()]))))
      return true;
  }
  return false;
}

}  // namespace

Result<crypto::GpgContext> OpenGpg(const Context& ctx) {
  auto gpg = crypto::GpgContext::Open(ctx.config.gpg.home,
                                      crypto::DefaultRunnerPath());
  CT_TRY(gpg);
  // Made now (offline from the start), so that a GnuPG that cannot start
  // fails the command before it touches anything; `run` opens lazily.
  CT_TRY(gpg->Handle());
  return gpg;
}

Result<crypto::GpgContext> TakeGpg(Context& ctx) {
  if (ctx.spare_gpg.empty()) return OpenGpg(ctx);
  crypto::GpgContext gpg = std::move(ctx.spare_gpg.back());
  ctx.spare_gpg.pop_back();
  return gpg;
}

void KeepGpg(Context& ctx, std::vector<crypto::GpgContext>& workers) {
  for (auto& gpg : workers) ctx.spare_gpg.push_back(std::move(gpg));
  workers.clear();
}

bool GpgConfAllowsParallel(const config::Config& config) {
  // Every gpg process locks gpg.home/random_seed to read it at start and to
  // write it at exit, and libgcrypt backs off 250 ms when another process
  // holds it: side by side, gpg processes keep waiting for each other
  // (measured: two workers twice as slow as one). `no-random-seed-file` in
  // gpg.conf does without the file (getrandom still seeds each process).
  // Read at every run, so that the fix needs no restart.
  const std::string conf = config.gpg.home + "/gpg.conf";
  auto text = util::ReadFileLimited(conf, core::kMaxConfigFileBytes,
                                    "GnuPG configuration");
  return text && HasOption(*text, "no-random-seed-file");
}

bool ParallelGnupgReady(const Context& ctx) {
  if (GpgConfAllowsParallel(ctx.config)) return true;
  const std::string conf = ctx.config.gpg.home + "/gpg.conf";
  static std::once_flag once;
  std::call_once(once, [&] {
    Logger("inbox")->warn(
        "inbox.workers = {}, but {} lacks the line `no-random-seed-file`: "
        "parallel gpg processes would wait for each other's lock on "
        "random_seed; running one gpg process at a time",
        ctx.config.inbox.workers, conf);
  });
  return false;
}

}  // namespace ct::app
