#!/usr/bin/env bash
# Builds cybertroc in ./build (RelWithDebInfo) after making sure the Debian
# packages are there. Extra arguments go to the configure step, e.g.
#   .ci/build.sh -DCMAKE_BUILD_TYPE=Debug
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

bash .ci/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build build -j"$(nproc)"
