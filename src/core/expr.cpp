#include "core/expr.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

namespace ct::core {

LinearExpr& LinearExpr::Add(const LinearExpr& other, int64_t factor) {
  for (const auto& [var, k] : other.coef) {
    int64_t& c = coef[var];
    c += k * factor;
    if (c == 0) coef.erase(var);
  }
  return *this;
}

bool LinearExpr::operator==(const LinearExpr& other) const {
  return coef == other.coef;
}

std::string LinearExpr::ToString() const {
  std::string out;
  for (const auto& [var, k] : coef) {
    if (!out.empty())
      out += k < 0 ? " - " : " + ";
    else if (k < 0)
      out += "-";
    int64_t abs = k < 0 ? -k : k;
    out += abs == 1 ? var : fmt::format("{} * {}", abs, var);
  }
  return out.empty() ? "0" : out;
}

Result<LinearExpr> ParseExpr(std::string_view text) {
  LinearExpr expr;
  size_t i = 0;
  int sign = 1;
  bool expect_term = true;
  auto skip = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
  };
  auto bad = [&](const std::string& why) {
    return Fail(ErrorKind::kConfig,
                fmt::format("bad amount formula '{}': {}", text, why));
  };
  for (skip(); i < text.size(); skip()) {
    char c = text[i];
    if (!expect_term) {
      if (c != '+' && c != '-') return bad("expected + or -");
      sign = c == '+' ? 1 : -1;
      ++i;
      expect_term = true;
      continue;
    }
    int64_t factor = 1;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      factor = 0;
      while (i < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[i]))) {
        factor = factor * 10 + (text[i++] - '0');
        if (factor > kMaxCoefficient)
          return bad(fmt::format("a factor above {}", kMaxCoefficient));
      }
      skip();
      if (i >= text.size() || text[i] != '*') return bad("expected '*'");
      ++i;
      skip();
    }
    size_t start = i;
    while (i < text.size() &&
           (std::islower(static_cast<unsigned char>(text[i])) ||
            text[i] == '_' ||
            (i > start && std::isdigit(static_cast<unsigned char>(text[i])))))
      ++i;
    if (i == start) return bad("expected a variable name");
    LinearExpr term;
    const std::string var(text.substr(start, i - start));
    term.coef[var] = factor * sign;
    expr.Add(term);
    if (auto it = expr.coef.find(var);
        it != expr.coef.end() && std::abs(it->second) > kMaxCoefficient)
      return bad(fmt::format("'{}' more than {} times", var, kMaxCoefficient));
    expect_term = false;
  }
  if (expect_term) return bad("expected a variable name");
  return expr;
}

Result<Money> Evaluate(const LinearExpr& expr,
                       const std::map<std::string, Money>& vars) {
  Money total;
  for (const auto& [var, k] : expr.coef) {
    auto it = vars.find(var);
    if (it == vars.end())
      return Fail(ErrorKind::kInternal,
                  fmt::format("unknown amount '{}'", var));
    total += it->second * k;
  }
  return total;
}

}  // namespace ct::core
