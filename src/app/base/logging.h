// Logging for the shell (never in core/, which is pure and returns what
// happened instead; docs/design.md): spdlog, one named logger per stage, all
// writing through the same sinks so that one switch (log.file, SIGHUP) moves
// every stage at once. Nothing here ever logs a secret; callers
// must not log passwords or whole message bodies either.
#ifndef CYBERTROC_APP_BASE_LOGGING_H_
#define CYBERTROC_APP_BASE_LOGGING_H_

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include <memory>
#include <string_view>

#include "config/config.h"
#include "core/error.h"

namespace ct::app {

// "trace", "debug", "info", "warn"/"warning", "error"/"err", "critical",
// "off" (any case). kConfig "log.level: …" for anything else.
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// Sends every logger (made before or after) to `config.file`, or to stderr
// when it is empty, at `config.level`; lines look like
//   2027-01-31T12:00:00.123Z [4242] inbox info: fetched 3 messages
// (UTC, pid, stage, level). May be called again, e.g. by `check`. On error
// (unknown level: kConfig; file that cannot be opened: kConfig naming it)
// logging is left as it was. Until it is first called, loggers write to
// stderr at info.
Result<void> SetUpLogging(const config::LogConfig& config);

// The logger of one stage. The names in use: "inbox" (fetching, verifying
// and applying incoming mail), "outbox" (sending), "app" (deadlines and the
// services behind deals, listings, accounts and bank files) and "cli"
// (subcommands). The same object for the same name; safe from any thread;
// never null. Callers may keep it.
std::shared_ptr<spdlog::logger> Logger(std::string_view stage);

// Closes and reopens log.file so that logrotate can move it away. Call it
// from the main loop after SIGHUP was seen, never from the signal handler
// (not async-signal-safe). No-op when logging to stderr. If the file cannot
// be reopened: kIo, and lines keep going to the old file.
Result<void> ReopenLogFile();

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_LOGGING_H_
