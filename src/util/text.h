// Small text helpers that every stage uses, the pure core included. Case and
// blanks are ASCII only, whatever the locale: they serve protocol words,
// header and parameter names, addresses and configuration keys. The UTF-8
// check is the strict one of RFC 3629.
//
// A leaf library (ct_text): it depends on nothing, so that src/core can use it.
#ifndef CYBERTROC_UTIL_TEXT_H_
#define CYBERTROC_UTIL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ct::util {

// `text` with A-Z turned into a-z (AsciiLower) or a-z into A-Z (AsciiUpper);
// every other byte, UTF-8 included, unchanged.
std::string AsciiLower(std::string_view text);
std::string AsciiUpper(std::string_view text);

// Space, tab, LF, CR, vertical tab, form feed: what isspace() accepts in the
// "C" locale.
bool IsAsciiSpace(char c);

// `text` without the IsAsciiSpace() bytes at both ends.
std::string_view Trim(std::string_view text);

// The value of a hex digit (0-9, a-f, A-F), -1 for any other byte.
int HexValue(char c);

// The bytes as lower-case hex, two digits each.
std::string HexEncode(std::string_view bytes);

// Length (1 to 4) of the UTF-8 sequence that starts at text[i], or 0 when no
// valid one starts there: a stray continuation byte, a truncated sequence,
// an overlong form, a surrogate (U+D800..U+DFFF) or a value above U+10FFFF.
// REQUIRES: i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

// True when all of `text` is valid UTF-8 (see Utf8SequenceLength).
bool IsValidUtf8(std::string_view text);

}  // namespace ct::util

#endif  // CYBERTROC_UTIL_TEXT_H_
