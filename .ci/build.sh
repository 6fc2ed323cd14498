#!/usr/bin/env bash
# Builds cybertroc in ./build (-O2, line tables) after making sure the Debian
# packages are there; compiles through ccache when it is installed.
#   .ci/build.sh            every package (.ci/deps.sh), everything: the two
#                           programs, the tests and the benchmarks
#   .ci/build.sh demo       only the demo's packages (.ci/deps.sh demo) and
#                           the two programs, cybertroc and
#                           cybertroc-gpg-runner, in ./build-demo
#                           (CT_TESTS=OFF), without optimisation nor debug
#                           information: the demo handles a dozen mails, and
#                           -O0 compiles in a third less time than -O2
# Further arguments go to the configure step, e.g.
#   .ci/build.sh -DCMAKE_BUILD_TYPE=Debug
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

profile=all
if [[ "${1:-}" == demo ]]; then
  profile=demo
  shift
fi
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

bash .ci/deps.sh "$profile"
if [[ "$profile" == demo ]]; then
  cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" -DCT_TESTS=OFF \
    "${launcher[@]}" "$@"
  cmake --build build-demo -j"$(nproc)" --target cybertroc cybertroc-gpg-runner
else
  # Line tables only (-g1): file and line in backtraces and sanitizer
  # reports, a quarter less to compile than full debug information (for a
  # debugger's view of variables, configure with -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g").
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_TESTS=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "${launcher[@]}" "$@"
  cmake --build build -j"$(nproc)"
fi
