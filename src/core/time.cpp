#include "core/time.h"

#include <fmt/format.h>

#include <cstdio>

namespace ct::core {
namespace {

bool ReadInt(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<Time> ParseIsoTime(std::string_view s) {
  auto bad = [&] {
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("bad time '{}': expected 2027-01-31T12:00:00Z", s));
  };
  int y, mo, d, h, mi, sec;
  if (!ReadInt(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' ||
      !ReadInt(s, 5, 2, &mo) || s[7] != '-' || !ReadInt(s, 8, 2, &d) ||
      (s[10] != 'T' && s[10] != ' ') || !ReadInt(s, 11, 2, &h) ||
      s[13] != ':' || !ReadInt(s, 14, 2, &mi) || s[16] != ':' ||
      !ReadInt(s, 17, 2, &sec))
    return bad();
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                  std::chrono::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad();
  std::string_view zone = s.substr(19);
  int offset_minutes = 0;
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
             zone[3] == ':') {
    int oh, om;
    if (!ReadInt(zone, 1, 2, &oh) || !ReadInt(zone, 4, 2, &om)) return bad();
    offset_minutes = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  Time t = std::chrono::sys_days(ymd) + std::chrono::hours(h) +
           std::chrono::minutes(mi) + std::chrono::seconds(sec);
  return t - std::chrono::minutes(offset_minutes);
}

namespace {
struct Parts {
  int y;
  unsigned mo, d;
  long h, mi, s;
};
Parts Split(Time t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  return {int(ymd.year()),
          unsigned(ymd.month()),
          unsigned(ymd.day()),
          long(hms.hours().count()),
          long(hms.minutes().count()),
          long(hms.seconds().count())};
}
}  // namespace

std::string FormatIsoTime(Time t) {
  Parts p = Split(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", p.y, p.mo, p.d,
                     p.h, p.mi, p.s);
}

std::string FormatHumanTime(Time t) {
  Parts p = Split(t);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", p.y, p.mo, p.d, p.h,
                     p.mi);
}

std::string FormatRelative(Time t, Time now) {
  auto delta = t - now;
  bool past = delta.count() < 0;
  long secs = past ? -delta.count() : delta.count();
  std::string amount;
  if (secs >= 2 * 86400)
    amount = fmt::format("{} days", secs / 86400);
  else if (secs >= 2 * 3600)
    amount = fmt::format("{} hours", secs / 3600);
  else if (secs >= 120)
    amount = fmt::format("{} minutes", secs / 60);
  else
    return "now";
  return past ? amount + " ago" : "in " + amount;
}

}  // namespace ct::core
