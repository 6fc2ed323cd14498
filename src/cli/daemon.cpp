// daemon: `run` in a loop every inbox.poll_interval seconds, for systemd.
// SIGTERM/SIGINT finish the message in hand and exit 0; SIGHUP reopens the
// log file (logrotate).
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "app/base/clock.h"
#include "app/base/logging.h"
#include "app/run/run.h"
#include "app/run/run_lock.h"
#include "cli/common.h"

namespace ct::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reopen_log{false};

extern "C" void OnSignal(int sig) {
  // Only atomics here: everything else happens in the loop.
  if (sig == SIGHUP)
    g_reopen_log = true;
  else
    g_stop = true;
}

void InstallHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
}

// Sleeps `seconds`, waking early for a stop request or a log reopen.
void Pause(int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < until) {
    if (g_reopen_log.exchange(false)) {
      if (auto ok = app::ReopenLogFile(); !ok)
        app::Logger("cli")->error("reopening the log: {}", ok.error().message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

Result<void> RunDaemon(const Globals& globals, const Args& args) {
  Syntax syntax("daemon");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  InstallHandlers();
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  ctx->stop = &g_stop;
  auto lock = app::RunLock::Acquire(ctx->config.store.database, false);
  if (!lock) {
    if (lock.error().kind != ErrorKind::kBusy)
      return std::unexpected(lock.error());
    fmt::print("daemon: busy: {}\n", lock.error().message);
    return {};
  }
  auto log = app::Logger("cli");
  log->info("daemon started, polling every {} s, {} GnuPG workers",
            ctx->config.inbox.poll_interval, ctx->config.inbox.workers);
  while (!g_stop) {
    auto now = app::Now();
    CT_TRY(now);
    ctx->now = *now;
    auto report = app::RunOnce(*ctx);
    // Database, GnuPG or configuration trouble: an operator must look.
    CT_TRY(report);
    if (report->outage)
      log->warn("mail server unreachable: {}", report->outage->message);
    Pause(ctx->config.inbox.poll_interval);
  }
  log->info("daemon stopping (signal)");
  return {};
}

}  // namespace ct::cli
