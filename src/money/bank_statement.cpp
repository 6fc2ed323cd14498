// What the two statement formats share: amounts, payment references, the
// identity of a line across imports.
#include "money/bank_statement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/grammar.h"
#include "core/limits.h"
#include "util/sha256.h"
#include "util/text.h"

namespace ct::money {
namespace {

constexpr size_t kMaxIntegerDigits = 12;  // as core::ParseMoney

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Drops grouping separators from the integer part `s` ("1 234", "1.234"
// with a ',' decimal mark) after checking that they group by three.
Result<std::string> Ungroup(std::string_view s, char decimal_mark) {
  const char other = decimal_mark == '.' ? ',' : '.';
  std::vector<std::string> groups(1);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      groups.back() += c;
    } else if (c == ' ' || c == '\'' || c == other) {
      groups.emplace_back();
    } else if (s.substr(i, 2) == "\xC2\xA0") {
      groups.emplace_back();
      ++i;
    } else if (s.substr(i, 3) == "\xE2\x80\xAF") {
      groups.emplace_back();
      i += 2;
    } else {
      return Fail(ErrorKind::kInvalidInput, "unexpected character");
    }
  }
  std::string digits;
  for (size_t g = 0; g < groups.size(); ++g) {
    const size_t n = groups[g].size();
    const bool ok = groups.size() == 1 ? n >= 1
                    : g == 0           ? n >= 1 && n <= 3
                                       : n == 3;
    if (!ok) return Fail(ErrorKind::kInvalidInput, "misplaced separator");
    digits += groups[g];
  }
  if (digits.size() > kMaxIntegerDigits)
    return Fail(ErrorKind::kInvalidInput, "too large");
  return digits;
}

size_t SkipSeparators(const std::string& s, size_t i) {
  for (int n = 0;
       n < 2 && i < s.size() &&
       std::string_view("-_ ./").find(s[i]) != std::string_view::npos;
       ++n)
    ++i;
  return i;
}

}  // namespace

Result<core::Money> ParseStatementAmount(std::string_view text,
                                         char decimal_mark, bool* negative) {
  auto bad = [&](std::string_view why) {
    return Fail(
        ErrorKind::kInvalidInput,
        fmt::format("bad amount '{}': {}", core::Excerpt(text, 30), why));
  };
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  *negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return bad("empty");
  const size_t mark = s.rfind(decimal_mark);
  auto digits = Ungroup(s.substr(0, mark), decimal_mark);
  if (!digits) return bad(digits.error().message);
  std::string fraction =
      mark == std::string_view::npos ? "" : std::string(s.substr(mark + 1));
  if (mark != std::string_view::npos && fraction.empty())
    return bad("no digits after the decimal mark");
  if (!std::all_of(fraction.begin(), fraction.end(), IsDigit))
    return bad("unexpected character in the decimals");
  if (fraction.size() > 2 &&
      fraction.find_first_not_of('0', 2) != std::string::npos)
    return bad("more precise than a cent");
  fraction = (fraction + "00").substr(0, 2);
  return core::Money::FromMinor(std::stoll(*digits) * 100 +
                                std::stoll(fraction));
}

std::vector<PaymentReference> FindPaymentReferences(std::string_view text) {
  const std::string s = util::AsciiUpper(text);
  std::vector<PaymentReference> found;
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    if (s.compare(i, 2, "CT") != 0 || (i > 0 && IsAlnum(s[i - 1]))) continue;
    size_t j = SkipSeparators(s, i + 2);
    if (j + 8 > s.size() ||
        !std::all_of(s.begin() + j, s.begin() + j + 8, IsAlnum))
      continue;
    auto id = core::NormalizeDealId("CT-" + s.substr(j, 8));
    if (!id) continue;
    j += 8;
    if (j < s.size() && IsDigit(s[j])) continue;  // longer than an id
    j = SkipSeparators(s, j);
    size_t end = j;
    while (end < s.size() && std::isalpha(static_cast<unsigned char>(s[end])))
      ++end;
    if (end < s.size() && IsAlnum(s[end])) continue;
    PaymentReference ref{*id, util::AsciiLower(s.substr(j, end - j))};
    if (std::find(found.begin(), found.end(), ref) == found.end())
      found.push_back(ref);
    i = end > i ? end - 1 : i;
  }
  return found;
}

std::string PayoutReference(int64_t id) {
  return "CT-PAYOUT-" + std::to_string(id);
}

std::optional<int64_t> FindPayoutReference(std::string_view text) {
  const std::string s = util::AsciiUpper(text);
  std::optional<int64_t> found;
  for (size_t i = 0; (i = s.find("CT", i)) != std::string::npos; i += 2) {
    if (i > 0 && IsAlnum(s[i - 1])) continue;
    size_t j = SkipSeparators(s, i + 2);
    if (s.compare(j, 6, "PAYOUT") != 0) continue;
    j = SkipSeparators(s, j + 6);
    size_t end = j;
    while (end < s.size() && IsDigit(s[end])) ++end;
    // 1 to 18 digits (an int64), then no letter or digit glued to them.
    if (end == j || end - j > 18 || (end < s.size() && IsAlnum(s[end])))
      continue;
    const int64_t id = std::stoll(s.substr(j, end - j));
    if (id <= 0) continue;
    if (found && *found != id) return std::nullopt;  // two payouts: neither
    found = id;
  }
  return found;
}

namespace internal {

std::string OneLine(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool blank = c < 0x20 || c == 0x7F || c == ' ';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<void> CheckLine(std::string_view format, const StatementLine& line) {
  for (auto [field, text, max] :
       {std::tuple{"reference", &line.reference, core::kMaxReferenceChars},
        std::tuple{"text", &line.text, kMaxLineTextChars},
        std::tuple{"date", &line.date, size_t{40}},
        std::tuple{"debtor", &line.debtor, kMaxLineTextChars},
        std::tuple{"end-to-end id", &line.end_to_end_id, size_t{40}}})
    if (auto ok = core::CheckFreeText(field, *text, max); !ok)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{} line {}: {}{}", format, line.position,
                              ok.error().message,
                              format == "csv"
                                  ? " (is the file UTF-8? iconv converts it)"
                                  : ""));
  return {};
}

std::string BankKey(std::string_view account, const StatementLine& line) {
  return account.empty() ? line.reference
                         : fmt::format("{}:{}", account, line.reference);
}

std::string ContentDigest(std::string_view account, const StatementLine& line) {
  const std::string content =
      fmt::format("{}|{}|{}|{}|{}", account, line.date, line.credit,
                  line.amount.ToString(), line.text);
  return util::Sha256Hex(content).substr(0, 32);
}

Result<void> Finish(Statement& statement) {
  std::map<std::string, int> seen;
  for (auto& line : statement.lines) {
    CT_TRY(CheckLine(statement.format, line));
    if (!line.reference.empty()) {
      line.key = BankKey(statement.account, line);
      continue;
    }
    // Two identical lines are two payments: the n-th of them keeps its
    // rank, so that importing the file again finds each one recorded.
    const std::string digest = ContentDigest(statement.account, line);
    line.key = fmt::format("sha256:{}#{}", digest, ++seen[digest]);
  }
  return {};
}

}  // namespace internal
}  // namespace ct::money
