#include "core/money.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "core/limits.h"
#include "util/text.h"

namespace ct::core {
namespace {

// Twelve integer digits (a hundred billion) is far beyond any deal and far
// below int64 overflow, so arithmetic on parsed amounts cannot overflow.
constexpr size_t kMaxIntegerDigits = 12;

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool SameCurrency(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Splits an optional leading or trailing currency code off `text`.
Result<std::string_view> StripCurrency(std::string_view text,
                                       std::string_view currency) {
  size_t lead = 0;
  while (lead < text.size() && IsAlpha(text[lead])) ++lead;
  size_t trail = 0;
  while (trail < text.size() && IsAlpha(text[text.size() - 1 - trail])) ++trail;
  if (lead > 0 && trail > 0 && lead < text.size())
    return Fail(ErrorKind::kInvalidInput, "two currency codes");
  std::string_view code;
  if (lead > 0) {
    code = text.substr(0, lead);
    text.remove_prefix(lead);
  } else if (trail > 0) {
    code = text.substr(text.size() - trail);
    text.remove_suffix(trail);
  }
  if (!code.empty() && !SameCurrency(code, currency))
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("currency {} is not {}", code, currency));
  return util::Trim(text);
}

// Parses "123", "123.4", "123,45" into minor units.
Result<int64_t> ParseDecimal(std::string_view s) {
  size_t i = 0;
  int64_t units = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (i >= kMaxIntegerDigits)
      return Fail(ErrorKind::kInvalidInput, "amount too large");
    units = units * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return Fail(ErrorKind::kInvalidInput, "expected digits");
  int64_t cents = 0;
  if (i < s.size()) {
    if (s[i] != '.' && s[i] != ',')
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("unexpected '{}'", s[i]));
    std::string_view frac = s.substr(i + 1);
    if (frac.empty() || frac.size() > 2)
      return Fail(ErrorKind::kInvalidInput,
                  "expected one or two decimals after the decimal mark");
    for (char c : frac)
      if (!IsDigit(c))
        return Fail(ErrorKind::kInvalidInput,
                    fmt::format("unexpected '{}'", c));
    cents = (frac[0] - '0') * 10 + (frac.size() == 2 ? frac[1] - '0' : 0);
  }
  return units * 100 + cents;
}

}  // namespace

std::string Money::ToString() const {
  int64_t abs = minor_ < 0 ? -minor_ : minor_;
  return fmt::format("{}{}.{:02}", minor_ < 0 ? "-" : "", abs / 100, abs % 100);
}

Result<Money> ParseMoney(std::string_view text, std::string_view currency) {
  std::string_view s = util::Trim(text);
  auto number = StripCurrency(s, currency);
  if (!number)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("bad amount '{}': {}", Excerpt(s, 32),
                            number.error().message));
  auto minor = ParseDecimal(*number);
  if (!minor)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("bad amount '{}': {}", Excerpt(s, 32),
                            minor.error().message));
  return Money::FromMinor(*minor);
}

Money Rate::Of(Money base) const {
  if (!is_percent) return fixed;
  // Half up on non-negative amounts: add half the divisor before dividing.
  int64_t scaled = base.minor() * basis_points;
  int64_t rounded = (scaled + 5000) / 10000;
  return Money::FromMinor(rounded);
}

Result<Rate> ParseRate(std::string_view text, std::string_view currency) {
  std::string_view s = util::Trim(text);
  Rate rate;
  if (!s.empty() && s.back() == '%') {
    auto pct = ParseDecimal(util::Trim(s.substr(0, s.size() - 1)));
    if (!pct || *pct > 100 * 100)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("bad percentage '{}': expected 0% to 100% "
                              "with at most two decimals",
                              s));
    rate.is_percent = true;
    rate.basis_points = *pct;
    return rate;
  }
  auto amount = ParseMoney(s, currency);
  CT_TRY(amount);
  rate.fixed = *amount;
  return rate;
}

std::string RateToString(const Rate& rate) {
  if (!rate.is_percent) return rate.fixed.ToString();
  std::string s =
      fmt::format("{}.{:02}", rate.basis_points / 100, rate.basis_points % 100);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

}  // namespace ct::core
