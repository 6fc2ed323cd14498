#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 16, ./build-fuzz) and runs each one for a
# short while from its seed corpus (tests/fuzz/corpus/<name>/). Prints one
# line per target and ends with "fuzz: N targets, S s each: no finding" or
# names what failed; exits non-zero when a target crashed, leaked, hit UB,
# hung or ran out of memory. The input that did it is kept in
# build-fuzz/fuzz-artifacts/ (see README.md here: reproduce, minimise).
# The targets run CT_FUZZ_JOBS (the number of cores) at a time, each in one
# process on one core: each still fuzzes for its whole time.
#   tests/fuzz/run.sh                 every target, CT_FUZZ_SECONDS (60) each
#   tests/fuzz/run.sh mime grammar    only those targets
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."

seconds=${CT_FUZZ_SECONDS:-60}
jobs=${CT_FUZZ_JOBS:-$(nproc)}
build=build-fuzz
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(mime signed_root grammar config rules)
fi

bash .ci/deps.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang-16 CXX=clang++-16 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCT_FUZZ=ON -DCT_TESTS=OFF "${launcher[@]}" >/dev/null
start=$SECONDS
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzz}"
# tests/run.sh reads this line for the build's share of the stage's time.
echo "fuzz: built in $((SECONDS - start)) s"

# UBSan findings must stop the run like ASan's do (the build already says
# -fno-sanitize-recover); the suppressions only name third-party code.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Stack traces with function names and lines, when LLVM's symbolizer is
# there (Debian: llvm-16 or llvm, not needed otherwise).
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer ||
             true)
if [[ -n "$symbolizer" ]]; then
  export ASAN_SYMBOLIZER_PATH=$symbolizer
fi
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
# fuzz_one TARGET: runs it, its output in $build/fuzz-TARGET.log and its exit
# status in $build/fuzz-TARGET.status.
fuzz_one() {
  local target=$1 code=0
  # New inputs go to build-fuzz/fuzz-corpus, the seeds in git stay as they are.
  local corpus=$build/fuzz-corpus/$target
  mkdir -p "$corpus"
  local dict=()
  if [[ -f tests/fuzz/$target.dict ]]; then
    dict=(-dict="tests/fuzz/$target.dict")
  fi
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: unbounded memory.
  "$build/tests/fuzz/${target}_fuzz" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$artifacts/$target-" "$corpus" \
    "tests/fuzz/corpus/$target" >"$build/fuzz-$target.log" 2>&1 || code=$?
  echo "$code" >"$build/fuzz-$target.status"
}
running=0
for target in "${targets[@]}"; do
  rm -f "$build/fuzz-$target.status"
  fuzz_one "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=()
for target in "${targets[@]}"; do
  log=$build/fuzz-$target.log
  if [[ "$(cat "$build/fuzz-$target.status" 2>/dev/null)" == 0 ]]; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" |
           grep -oE '[0-9]+$' || echo '?')
    echo "fuzz $target: ok, $runs runs in ${seconds} s"
  else
    echo "fuzz $target: FAILED (log below, input in $artifacts/)"
    # From the first report to libFuzzer's summary, without its progress.
    sed -n '/ERROR: \|runtime error\|fuzz check failed/,$p' "$log" |
      grep -vE '^#[0-9]+ +(NEW|REDUCE|pulse|INITED)' | head -80
    failed+=("$target")
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each: no finding"
