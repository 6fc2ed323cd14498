#include "core/limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace ct::core {
namespace {

// Length of the UTF-8 sequence starting at `s[i]`, 0 when it is not valid
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n || b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  return n;
}

// C0 (tab, CR, LF included), DEL, and C1 (U+0080..U+009F,
// "\xC2\x80".."\xC2\x9F").
bool IsControl(std::string_view s, size_t i, size_t len) {
  const auto c = static_cast<uint8_t>(s[i]);
  if (len == 1) return c < 0x20 || c == 0x7F;
  return len == 2 && c == 0xC2 && static_cast<uint8_t>(s[i + 1]) <= 0x9F;
}

}  // namespace

std::string Excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t len = SequenceLength(text, i);
    if (chars++ == max_chars) return out + "…";
    if (len == 0 || IsControl(text, i, len)) {
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
    const size_t len = SequenceLength(text, i);
    if (len == 0)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: not valid UTF-8 text", field));
    if (IsControl(text, i, len))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: control characters (line breaks, tabs…) "
                              "are not allowed",
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
