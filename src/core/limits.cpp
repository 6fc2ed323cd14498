#include "core/limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "util/text.h"

namespace ct::core {
namespace {

// C0 (tab, CR, LF included), DEL, and C1 (U+0080..U+009F,
// "\xC2\x80".."\xC2\x9F").
bool IsControl(std::string_view s, size_t i, size_t len) {
  const auto c = static_cast<uint8_t>(s[i]);
  if (len == 1) return c < 0x20 || c == 0x7F;
  return len == 2 && c == 0xC2 && static_cast<uint8_t>(s[i + 1]) <= 0x9F;
}

// The Unicode direction controls: embeddings and overrides (U+202A..U+202E,
// "\xE2\x80\xAA".."\xE2\x80\xAE") and isolates (U+2066..U+2069,
// "\xE2\x81\xA6".."\xE2\x81\xA9"). In a mail reader or a terminal they
// reorder the text around them, so that what a person reads is not what was
// written ("Trojan Source", CVE-2021-42574).
bool IsDirectionControl(std::string_view s, size_t i, size_t len) {
  if (len != 3 || static_cast<uint8_t>(s[i]) != 0xE2) return false;
  const auto b1 = static_cast<uint8_t>(s[i + 1]);
  const auto b2 = static_cast<uint8_t>(s[i + 2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) ||
         (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

}  // namespace

std::string Excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t len = util::Utf8SequenceLength(text, i);
    if (chars++ == max_chars) return out + "…";
    if (len == 0 || IsControl(text, i, len) ||
        IsDirectionControl(text, i, len)) {
      out += '?';
      i += std::max<size_t>(len, 1);
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

size_t CountChars(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

Result<void> CheckFreeText(std::string_view field, std::string_view text,
                           size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++chars) {
    const size_t len = util::Utf8SequenceLength(text, i);
    if (len == 0)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: not valid UTF-8 text", field));
    if (IsControl(text, i, len))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: control characters (line breaks, tabs…) "
                              "are not allowed",
                              field));
    if (IsDirectionControl(text, i, len))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: text direction controls (U+202A to "
                              "U+202E, U+2066 to U+2069) are not allowed",
                              field));
    i += len;
  }
  if (chars > max_chars)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{}: at most {} characters (this one has {})",
                            field, max_chars, chars));
  return {};
}

}  // namespace ct::core
