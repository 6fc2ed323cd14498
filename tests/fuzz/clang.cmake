# Included by the top-level CMakeLists.txt when CT_FUZZ=ON: libFuzzer needs
# clang, and the code it fuzzes is C++23 written for g++ 12 and libstdc++ 12.
#
# Debian 12's clang 14 cannot compile it: it lacks P0848 (conditionally
# trivial special members: libstdc++'s std::expected<T, Error> has a deleted
# destructor), P0960 (make_shared of an aggregate, crypto/key_cache.cpp) and
# rejects libstdc++ 12's std::ranges::subrange (config/config.cpp). clang 16
# (Debian 12's clang-16, tests/fuzz/run.sh uses it) has all three; it only
# says __cpp_concepts 201907L, and libstdc++ 12 hides std::expected below
# 202002L: we say 202002L, which its P0848 support makes true for what
# libstdc++ uses it for (<expected>, <variant>).

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CT_FUZZ needs clang (libFuzzer): configure a separate "
    "build dir: CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DCT_FUZZ=ON")
endif()
if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR "CT_FUZZ needs clang 16 or later (Debian 12: clang-16), "
    "not ${CMAKE_CXX_COMPILER_VERSION}: see tests/fuzz/clang.cmake")
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
int main() {
  auto a = Half(4), b = Half(3);
  auto c = a;
  c = b;
  return (*a == 2 && !c) ? 0 : 1;
}
]=])
foreach(_ct_flags "" "-D__cpp_concepts=202002L;-Wno-macro-redefined")
  try_compile(_ct_expected_ok ${CMAKE_BINARY_DIR}/ct_expected_probe
    SOURCES ${_ct_probe} COMPILE_DEFINITIONS ${_ct_flags}
    CXX_STANDARD 23 CXX_STANDARD_REQUIRED ON OUTPUT_VARIABLE _ct_output)
  if(_ct_expected_ok)
    add_compile_options(${_ct_flags})
    break()
  endif()
endforeach()
if(NOT _ct_expected_ok)
  message(FATAL_ERROR "CT_FUZZ: ${CMAKE_CXX_COMPILER} cannot compile "
    "std::expected:\n${_ct_output}")
endif()
