#include "core/reputation.h"

#include <fmt/format.h>

#include "core/limits.h"

namespace ct::core {

std::string YearMonth(Time t) { return FormatIsoTime(t).substr(0, 7); }

std::string FormatReputationLine(const ReputationSummary& s) {
  constexpr size_t kWhoChars = 60;
  const std::string who = Excerpt(s.who, kWhoChars);
  if (s.funded == 0 && s.plus + s.minus + s.neutral == 0)
    return fmt::format("{}: no funded deal yet", who);
  std::string line =
      fmt::format("{}: {} deal{} completed, {} returned, {} dispute{}", who,
                  s.completed, s.completed == 1 ? "" : "s", s.returned,
                  s.disputed, s.disputed == 1 ? "" : "s");
  if (s.defaults > 0)
    line += fmt::format(", {} deadline{} missed", s.defaults,
                        s.defaults == 1 ? "" : "s");
  line += fmt::format("; {} +, {} \u2212", s.plus, s.minus);
  if (s.since) line += "; since " + YearMonth(*s.since);
  return line;
}

}  // namespace ct::core
