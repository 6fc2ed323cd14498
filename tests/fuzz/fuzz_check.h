// What the fuzz targets share: the input as text, and a check that stops the
// run (libFuzzer keeps the input as a crash) when a promise of the code
// under test is broken, not only when it crashes.
#ifndef CYBERTROC_TESTS_FUZZ_FUZZ_CHECK_H_
#define CYBERTROC_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ct::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

// True when `part` lies inside `whole` (views into the same buffer). An
// empty view points nowhere in particular (often nullptr): it is inside.
inline bool Inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() &&
         part.data() + part.size() <= whole.data() + whole.size();
}

// True when every line feed of `text` ends a CRLF.
inline bool AllCrlf(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
  }
  return true;
}

}  // namespace ct::fuzz

#endif  // CYBERTROC_TESTS_FUZZ_FUZZ_CHECK_H_
