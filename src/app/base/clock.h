// The one place cybertroc reads the time. Everything else receives `now` as
// an argument, so that tests can pin the clock with CYBERTROC_NOW.
#ifndef CYBERTROC_APP_BASE_CLOCK_H_
#define CYBERTROC_APP_BASE_CLOCK_H_

#include "core/error.h"
#include "core/time.h"

namespace ct::app {

// Environment variable that overrides the clock, e.g. 2027-01-31T12:00:00Z.
inline constexpr char kNowVariable[] = "CYBERTROC_NOW";

// The current time, to the second. When CYBERTROC_NOW is set (and not
// empty) that instant is returned instead; a malformed value is a kConfig
// error "CYBERTROC_NOW: …" rather than a silent fall back to the real clock,
// which would make a test pass or fail by the date it runs on.
Result<core::Time> Now();

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_CLOCK_H_
