#!/usr/bin/env bash
# The test command of the README and of CI (.ci/run). Three stages:
#   plain     builds ./build (.ci/build.sh) and runs every CTest (unit,
#             integration, e2e);
#   fuzz      builds the libFuzzer targets in ./build-fuzz (clang) and runs
#             each briefly (tests/fuzz/run.sh, CT_FUZZ_SECONDS each);
#   sanitize  builds ./build-asan with AddressSanitizer + UBSan
#             (-DCT_SANITIZE=ON) and runs the same CTests there.
# CT_TEST_STAGES chooses (default "plain fuzz sanitize"). ctest runs
# CT_TEST_JOBS tests at a time (default: twice the cores; most tests spend
# their time waiting on servers, gpg and child processes). Extra arguments go
# to ctest, e.g.
#   tests/run.sh -L unit        CT_TEST_STAGES=plain tests/run.sh -R config
# It ends with each stage's time (build included, the build's share in
# brackets), then one line per stage, each CTest stage with ctest's own
# summary, so that the very last lines are the verdicts:
#   == time per stage (total, then the build's share): 24 min 50 s in all
#     plain (9 min 5 s: build 4 min 2 s)
#     ...
#   plain: 100% tests passed, 0 tests failed out of 12
#   (or "plain: 92% tests passed, 1 tests failed out of 12; failed: x_test (Failed)")
#   fuzz: 5 targets, 60 s each: no finding
#   sanitize: 100% tests passed, 0 tests failed out of 12
# and exits non-zero when any stage failed (every stage runs regardless).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

stages=${CT_TEST_STAGES:-plain fuzz sanitize}
test_jobs=${CT_TEST_JOBS:-$((2 * $(nproc)))}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# duration SECONDS: "12 min 3 s", or "45 s" under a minute.
duration() {
  if (($1 >= 60)); then
    echo "$(($1 / 60)) min $(($1 % 60)) s"
  else
    echo "$1 s"
  fi
}
# timing START BUILT: " (TOTAL: build B)" from the stage's start and the
# end of its build, both in $SECONDS.
timing() {
  echo " ($(duration $((SECONDS - $1))): build $(duration $(($2 - $1))))"
}

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
status=0
summaries=()
times=()

# run_ctest NAME BUILD_DIR START BUILT CTEST_ARGS...: ctest's summary to summaries,
# the stage's time (timing START BUILT) to times.
run_ctest() {
  local name=$1 dir=$2 start=$3 built=$4
  shift 4
  local log=$log_dir/$name.log code=0
  echo "== $name: ctest in $dir"
  ctest --test-dir "$dir" --output-on-failure -j"$test_jobs" "$@" 2>&1 | tee "$log" ||
    code=$?
  # ctest prints label timings and the list of failures after its summary.
  local summary failed
  summary=$(grep -E '[0-9]+% tests passed' "$log" | tail -n 1 || true)
  # The names of the failed tests, so that the closing lines alone say
  # which test to look at (ctest lists them as "  12 - name (Failed)").
  failed=$(sed -n '/The following tests FAILED:/,$p' "$log" |
    sed -nE 's/^[[:space:]]+[0-9]+ - ([^ ]+) \((.*)\).*$/\1 (\2)/p' |
    paste -sd ',' - | sed 's/,/, /g' || true)
  summary=${summary:-no test summary (did any test run?)}
  summaries+=("$name: $summary${failed:+; failed: $failed}")
  times+=("$name$(timing "$start" "$built")")
  if ((code != 0 && status == 0)); then status=$code; fi
}

for stage in $stages; do
  start=$SECONDS
  case $stage in
    plain)
      if bash .ci/build.sh; then
        run_ctest plain build "$start" "$SECONDS" "$@"
      else
        summaries+=("plain: the build failed")
        status=1
      fi
      ;;
    sanitize)
      # LeakSanitizer: tests/lsan.supp names only third-party code. UBSan
      # stops at the first finding (-fno-sanitize-recover in the build).
      export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
      # Deep enough stacks for the suppressions to see who allocated.
      export ASAN_OPTIONS=malloc_context_size=64
      # -O1 as AddressSanitizer advises, line tables only (-g1): stacks
      # keep their file and line, and this build is the longest of all.
      if bash .ci/deps.sh &&
        cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
          -DCT_SANITIZE=ON -DCT_BENCH=OFF "${launcher[@]}" >/dev/null &&
        cmake --build build-asan -j"$(nproc)"; then
        run_ctest sanitize build-asan "$start" "$SECONDS" "$@"
      else
        summaries+=("sanitize: the build failed")
        status=1
      fi
      unset LSAN_OPTIONS UBSAN_OPTIONS ASAN_OPTIONS
      ;;
    fuzz)
      echo "== fuzz: tests/fuzz/run.sh"
      code=0
      bash tests/fuzz/run.sh 2>&1 | tee "$log_dir/fuzz.log" || code=$?
      build_seconds=$(sed -nE 's/^fuzz: built in ([0-9]+) s$/\1/p' \
        "$log_dir/fuzz.log" | tail -n 1)
      summaries+=("$(tail -n 1 "$log_dir/fuzz.log")")
      times+=("fuzz$(timing "$start" $((start + ${build_seconds:-0})))")
      if ((code != 0 && status == 0)); then status=$code; fi
      ;;
    *)
      echo "tests/run.sh: unknown stage '$stage' (plain, sanitize, fuzz)" >&2
      exit 2
      ;;
  esac
done

# The first assertions that failed, repeated here so that the end of a long
# CI log says why without scrolling back through the build.
for log in "$log_dir"/plain.log "$log_dir"/sanitize.log; do
  [[ -f $log ]] || continue
  if grep -qE ': Failure$|\[  FAILED  \]' "$log"; then
    echo
    echo "== why $(basename "$log" .log) failed (first assertions):"
    grep -E -A4 ': Failure$' "$log" | head -n 40 || true
    grep -E '^\[  FAILED  \] [A-Za-z]' "$log" | sort -u | head -n 20 || true
  fi
done

echo
echo "== time per stage (total, then the build's share): $(duration "$SECONDS") in all"
printf '  %s\n' "${times[@]}"
printf '%s\n' "${summaries[@]}"
exit "$status"
