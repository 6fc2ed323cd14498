// Money in integer minor units (cents). Never floating point: parsing reads
// digits, arithmetic is int64, rounding is explicit (half up).
#ifndef CYBERTROC_CORE_MONEY_H_
#define CYBERTROC_CORE_MONEY_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::core {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromMinor(int64_t minor) { return Money(minor); }

  constexpr int64_t minor() const { return minor_; }
  constexpr bool IsNegative() const { return minor_ < 0; }
  constexpr bool IsZero() const { return minor_ == 0; }

  constexpr Money operator+(Money o) const { return Money(minor_ + o.minor_); }
  constexpr Money operator-(Money o) const { return Money(minor_ - o.minor_); }
  constexpr Money operator*(int64_t k) const { return Money(minor_ * k); }
  Money& operator+=(Money o) {
    minor_ += o.minor_;
    return *this;
  }
  Money& operator-=(Money o) {
    minor_ -= o.minor_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;

  // "90.00", "-1.50": always two decimals, '.' as mark, no currency.
  std::string ToString() const;

 private:
  constexpr explicit Money(int64_t minor) : minor_(minor) {}
  int64_t minor_ = 0;
};

// Parses a party's or operator's amount: digits with at most two decimals,
// '.' or ',' as decimal mark, an optional currency code (before or after,
// case-insensitive) that must equal `currency`. Refuses signs, exponents,
// thousands separators ("12,345"), empty input and absurd sizes.
Result<Money> ParseMoney(std::string_view text, std::string_view currency);

// A configured rate: "2%" / "2.5%" (hundredths of a percent) or a fixed
// amount such as "1.50".
struct Rate {
  bool is_percent = false;
  int64_t basis_points = 0;  // 1% = 100 when is_percent
  Money fixed;               // when !is_percent

  // Percentage of `base` rounded to the cent, half up; or the fixed amount.
  Money Of(Money base) const;
};

Result<Rate> ParseRate(std::string_view text, std::string_view currency);
std::string RateToString(const Rate& rate);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_MONEY_H_
