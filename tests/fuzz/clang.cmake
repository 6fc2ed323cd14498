# Included by the top-level CMakeLists.txt when CT_FUZZ=ON: libFuzzer needs
# clang, and the code it fuzzes needs std::expected (C++23).
#
# Debian 12's clang 14 with libstdc++ 12 has no usable std::expected:
# - <expected> is empty unless __cpp_concepts >= 202002L, and clang 14 says
#   201907L because it lacks P0848 (conditionally trivial special members);
# - defining __cpp_concepts=202002L is not enough: without P0848 clang 14
#   picks the defaulted destructor of expected<T, E>, deleted as soon as E
#   has a non-trivial destructor (our Error holds a std::string).
# So, when a probe shows it is needed, we put in front of the system headers
# a copy of the installed <expected> with those two points changed: the
# guard asks for C++23 only, and expected always has its user-provided
# destructor (destroying the active member, as the constrained one does).
# Only trivial destructibility is lost, which nothing here relies on, and
# only in this build dir. A newer clang (16+) needs no copy: the probe
# passes and nothing is changed.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CT_FUZZ needs clang (libFuzzer): configure a separate "
    "build dir with CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCT_FUZZ=ON")
endif()

# Coverage for the fuzzer in every library; the fuzz targets link libFuzzer.
add_compile_options(-fsanitize=fuzzer-no-link)

set(_ct_probe ${CMAKE_BINARY_DIR}/ct_expected_probe.cpp)
file(WRITE ${_ct_probe} [=[
#include <expected>
#include <string>
std::expected<int, std::string> Half(int x) {
  if (x % 2) return std::unexpected(std::string("odd"));
  return x / 2;
}
std::expected<void, std::string> Check(int x) {
  if (x) return {};
  return std::unexpected(std::string("zero"));
}
int main() {
  auto a = Half(4), b = Half(3);
  auto c = a;
  c = b;
  return (*a == 2 && !c && !Check(0)) ? 0 : 1;
}
]=])

function(_ct_probe_expected result include_dir)
  try_compile(ok ${CMAKE_BINARY_DIR}/ct_expected_probe SOURCES ${_ct_probe}
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${include_dir}"
    CXX_STANDARD 23 CXX_STANDARD_REQUIRED ON
    OUTPUT_VARIABLE output)
  set(${result} ${ok} PARENT_SCOPE)
  set(_ct_probe_output "${output}" PARENT_SCOPE)
endfunction()

_ct_probe_expected(_ct_expected_ok "")
if(NOT _ct_expected_ok)
  # Where the compiler finds <expected>: ask it for the dependency list.
  execute_process(
    COMMAND ${CMAKE_CXX_COMPILER} -std=c++2b -M ${_ct_probe}
    OUTPUT_VARIABLE _ct_deps RESULT_VARIABLE _ct_rc ERROR_QUIET)
  string(REGEX MATCH "[^ \t\n\\\\]*/expected[ \t\n]" _ct_header "${_ct_deps}")
  string(STRIP "${_ct_header}" _ct_header)
  if(NOT _ct_header)
    message(FATAL_ERROR "CT_FUZZ: cannot find <expected> (${_ct_rc})")
  endif()
  file(READ ${_ct_header} _ct_text)
  string(REPLACE "#if __cplusplus > 202002L && __cpp_concepts >= 202002L"
    "#if __cplusplus > 202002L" _ct_text "${_ct_text}")
  string(REGEX REPLACE "[ \t]*constexpr ~expected\\(\\) = default;\n" ""
    _ct_text "${_ct_text}")
  string(REGEX REPLACE "constexpr ~expected\\(\\)[ \t\n]*requires[^{]*{"
    "constexpr ~expected()\n      {" _ct_text "${_ct_text}")
  set(_ct_shim ${CMAKE_BINARY_DIR}/clang-expected)
  file(WRITE ${_ct_shim}/expected "${_ct_text}")
  _ct_probe_expected(_ct_expected_ok ${_ct_shim})
  if(NOT _ct_expected_ok)
    message(FATAL_ERROR "CT_FUZZ: ${CMAKE_CXX_COMPILER} cannot compile "
      "std::expected, even with the patched ${_ct_header}:\n${_ct_probe_output}")
  endif()
  message(STATUS "CT_FUZZ: std::expected from a patched copy of ${_ct_header}")
  include_directories(BEFORE SYSTEM ${_ct_shim})
endif()
