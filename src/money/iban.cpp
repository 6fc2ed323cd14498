#include "money/iban.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "core/limits.h"
#include "util/text.h"

namespace ct::money {
namespace {

// IBAN lengths by country, from the SWIFT IBAN registry (ISO 13616). A
// length check catches most typing slips that the mod-97 check lets
// through (a digit dropped and another doubled).
constexpr std::array<std::pair<std::string_view, int>, 78> kLengths = {{
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20},
    {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21},
    {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28},
    {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28},
    {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18},
    {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29},
    {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31}, {"SE", 24}, {"SI", 19},
    {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"LY", 25},
}};

// The longest IBAN of the standard has 34 characters; a longer input is
// not echoed whole.
constexpr size_t kLongestIban = 34;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `text` without ASCII blanks and no-break spaces (U+00A0, U+202F), which
// phones insert between the groups, upper-cased.
std::string Compact(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE2 && text.substr(i, 3) == "\xE2\x80\xAF") {
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  return util::AsciiUpper(out);
}

int RegistryLength(std::string_view country) {
  for (const auto& [code, length] : kLengths)
    if (code == country) return length;
  return 0;
}

std::unexpected<Error> Bad(std::string_view text, std::string_view why) {
  return Fail(ErrorKind::kInvalidInput,
              fmt::format("'{}' is not a valid IBAN: {}",
                          core::Excerpt(text, kLongestIban + 10), why));
}

}  // namespace

bool Mod97Valid(std::string_view iban) {
  if (iban.size() < 5) return false;
  // The first four characters go to the end, letters become 10..35; the
  // remainder is computed digit by digit so that no big number is needed.
  int remainder = 0;
  auto feed = [&](char c) {
    const int value = IsDigit(c) ? c - '0' : c - 'A' + 10;
    remainder = value >= 10 ? (remainder * 100 + value) % 97
                            : (remainder * 10 + value) % 97;
  };
  for (char c : iban.substr(4)) feed(c);
  for (char c : iban.substr(0, 4)) feed(c);
  return remainder == 1;
}

Result<Iban> ParseIban(std::string_view text) {
  std::string iban = Compact(text);
  if (iban.starts_with("IBAN")) iban.erase(0, 4);
  if (iban.empty()) return Bad(text, "it is empty");
  if (iban.size() > kLongestIban)
    return Bad(text, "an IBAN has at most 34 characters");
  if (!std::all_of(iban.begin(), iban.end(),
                   [](char c) { return IsUpper(c) || IsDigit(c); }))
    return Bad(text, "only letters and digits are allowed");
  if (iban.size() < 4 || !IsUpper(iban[0]) || !IsUpper(iban[1]) ||
      !IsDigit(iban[2]) || !IsDigit(iban[3]))
    return Bad(text, "it starts with a country code and two check digits");
  const int length = RegistryLength(iban.substr(0, 2));
  if (length == 0)
    return Bad(text, fmt::format("no IBAN country {}", iban.substr(0, 2)));
  if (static_cast<int>(iban.size()) != length)
    return Bad(text, fmt::format("an IBAN of {} has {} characters, not {}",
                                 iban.substr(0, 2), length, iban.size()));
  if (!Mod97Valid(iban))
    return Bad(text, "the check digits do not match (a typing error?)");
  return Iban(std::move(iban));
}

std::string Iban::Grouped() const {
  std::string out;
  for (size_t i = 0; i < text_.size(); i += 4) {
    if (i > 0) out += ' ';
    out += text_.substr(i, 4);
  }
  return out;
}

std::string Iban::Masked() const {
  return text_.substr(0, 4) + " **** **** " + text_.substr(text_.size() - 4);
}

Result<std::string> ParseBic(std::string_view text) {
  const std::string bic = Compact(text);
  auto bad = [&](std::string_view why) {
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("'{}' is not a valid BIC: {}",
                            core::Excerpt(text, 20), why));
  };
  if (bic.size() != 8 && bic.size() != 11)
    return bad("a BIC has 8 or 11 characters");
  auto alnum = [](char c) { return IsUpper(c) || IsDigit(c); };
  if (!std::all_of(bic.begin(), bic.begin() + 6, IsUpper))
    return bad("it starts with 4 letters (bank) and 2 letters (country)");
  if (!std::all_of(bic.begin() + 6, bic.end(), alnum))
    return bad("only letters and digits are allowed");
  return bic;
}

}  // namespace ct::money
