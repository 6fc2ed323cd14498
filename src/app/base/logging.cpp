#include "app/base/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ct::app {
namespace {

// UTC like every time cybertroc prints; the pid tells overlapping cron runs
// and CLI calls apart in a shared file. %^…%$ colours the level on a tty.
constexpr char kPattern[] = "%Y-%m-%dT%H:%M:%S.%eZ [%P] %n %^%l%$: %v";

using SinkPtr = std::shared_ptr<spdlog::sinks::sink>;

// Every logger writes into `sinks`; swapping what `sinks` holds redirects
// them all without touching the loggers.
struct LoggingState {
  std::mutex mutex;  // guards everything below except `sinks`' content
  std::shared_ptr<spdlog::sinks::dist_sink_mt> sinks;
  spdlog::level::level_enum level = spdlog::level::info;
  std::string file;  // "" = stderr
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
};

SinkPtr WithPattern(SinkPtr sink) {
  sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      kPattern, spdlog::pattern_time_type::utc));
  return sink;
}

SinkPtr StderrSink() {
  return WithPattern(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
}

Result<SinkPtr> FileSink(const std::string& path, ErrorKind kind_on_error) {
  try {
    return WithPattern(std::make_shared<spdlog::sinks::basic_file_sink_mt>(
        path, /*truncate=*/false));
  } catch (const spdlog::spdlog_ex& e) {
    return Fail(kind_on_error,
                "log.file: cannot open '" + path + "': " + e.what());
  }
}

LoggingState& State() {
  // Never destroyed: loggers may still be used while statics are torn down.
  static LoggingState* const state = [] {
    auto* s = new LoggingState;
    s->sinks = std::make_shared<spdlog::sinks::dist_sink_mt>(
        std::vector<SinkPtr>{StderrSink()});
    return s;
  }();
  return *state;
}

}  // namespace

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  static const std::pair<std::string_view, spdlog::level::level_enum>
      kLevels[] = {
          {"trace", spdlog::level::trace},
          {"debug", spdlog::level::debug},
          {"info", spdlog::level::info},
          {"warn", spdlog::level::warn},
          {"warning", spdlog::level::warn},
          {"error", spdlog::level::err},
          {"err", spdlog::level::err},
          {"critical", spdlog::level::critical},
          {"off", spdlog::level::off},
      };
  std::string lower(name);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  for (const auto& [level_name, level] : kLevels) {
    if (level_name == lower) return level;
  }
  return Fail(ErrorKind::kConfig,
              "log.level: expected trace, debug, info, warn, error, critical "
              "or off, got '" +
                  std::string(name) + "'");
}

Result<void> SetUpLogging(const config::LogConfig& config) {
  auto level = ParseLogLevel(config.level);
  CT_TRY(level);
  Result<SinkPtr> sink = config.file.empty()
                             ? Result<SinkPtr>(StderrSink())
                             : FileSink(config.file, ErrorKind::kConfig);
  CT_TRY(sink);

  LoggingState& state = State();
  std::lock_guard lock(state.mutex);
  state.sinks->set_sinks({*sink});
  state.file = config.file;
  state.level = *level;
  for (auto& [name, logger] : state.loggers) logger->set_level(*level);
  return {};
}

std::shared_ptr<spdlog::logger> Logger(std::string_view stage) {
  LoggingState& state = State();
  std::lock_guard lock(state.mutex);
  if (auto found = state.loggers.find(stage); found != state.loggers.end()) {
    return found->second;
  }
  auto logger =
      std::make_shared<spdlog::logger>(std::string(stage), state.sinks);
  logger->set_level(state.level);
  // Few lines per message: flushing each one costs little and means a
  // crash or `tail -f` never misses the last lines.
  logger->flush_on(spdlog::level::trace);
  state.loggers.emplace(std::string(stage), logger);
  return logger;
}

Result<void> ReopenLogFile() {
  LoggingState& state = State();
  std::lock_guard lock(state.mutex);
  if (state.file.empty()) return {};
  auto sink = FileSink(state.file, ErrorKind::kIo);
  CT_TRY(sink);
  state.sinks->set_sinks({*sink});
  return {};
}

}  // namespace ct::app
