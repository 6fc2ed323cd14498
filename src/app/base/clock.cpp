#include "app/base/clock.h"

#include <chrono>
#include <cstdlib>
#include <string>

namespace ct::app {

Result<core::Time> Now() {
  const char* pinned = std::getenv(kNowVariable);
  if (pinned == nullptr || *pinned == '\0') {
    return std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
  }
  auto time = core::ParseIsoTime(pinned);
  if (!time) {
    return Fail(ErrorKind::kConfig,
                std::string(kNowVariable) + ": " + time.error().message);
  }
  return *time;
}

}  // namespace ct::app
