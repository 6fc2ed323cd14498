// Amount formulas of the rules files ("bond + price + shipping",
// "bond - franchise") as linear combinations of named variables. Linear on
// purpose: the rules loader can then prove, symbolically, that every ending
// pays out exactly what was deposited (see rules/validate.cpp).
#ifndef CYBERTROC_CORE_EXPR_H_
#define CYBERTROC_CORE_EXPR_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/money.h"

namespace ct::core {

// The largest coefficient a formula may have, written or after expansion
// ("2 * franchise"). Rules need small ones; the bound keeps coefficient
// arithmetic, and amounts (< 10^14 minor units) times coefficients, far
// from int64 overflow.
inline constexpr int64_t kMaxCoefficient = 1000;

struct LinearExpr {
  std::map<std::string, int64_t> coef;  // variable -> integer coefficient

  LinearExpr& Add(const LinearExpr& other, int64_t factor = 1);
  bool operator==(const LinearExpr& other) const;
  std::string ToString() const;
};

// Parses "a + b - c" / "2 * franchise". Variables are [a-z_][a-z0-9_]*.
// A coefficient above kMaxCoefficient (either sign) is a kConfig error.
Result<LinearExpr> ParseExpr(std::string_view text);

// Evaluates with the given variable values; unknown variables are an error.
Result<Money> Evaluate(const LinearExpr& expr,
                       const std::map<std::string, Money>& vars);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_EXPR_H_
