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

struct LinearExpr {
  std::map<std::string, int64_t> coef;  // variable -> integer coefficient

  LinearExpr& Add(const LinearExpr& other, int64_t factor = 1);
  bool operator==(const LinearExpr& other) const;
  std::string ToString() const;
};

// Parses "a + b - c" / "2 * franchise". Variables are [a-z_][a-z0-9_]*.
Result<LinearExpr> ParseExpr(std::string_view text);

// Evaluates with the given variable values; unknown variables are an error.
Result<Money> Evaluate(const LinearExpr& expr,
                       const std::map<std::string, Money>& vars);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_EXPR_H_
