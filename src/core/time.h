// Time in the core is a plain UTC instant with second precision. The core
// never reads a clock: the shell passes `now` in (see app/base/clock.h).
#ifndef CYBERTROC_CORE_TIME_H_
#define CYBERTROC_CORE_TIME_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::core {

using Time = std::chrono::sys_seconds;
using Days = std::chrono::days;

// "2027-01-31T12:00:00Z" (also accepts a "+HH:MM"/"-HH:MM" offset and a
// space instead of 'T').
Result<Time> ParseIsoTime(std::string_view text);
// "2027-01-31T12:00:00Z".
std::string FormatIsoTime(Time t);
// For people: "2027-01-31 12:00 UTC".
std::string FormatHumanTime(Time t);
// "in 3 days", "in 5 hours", "2 days ago".
std::string FormatRelative(Time t, Time now);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_TIME_H_
