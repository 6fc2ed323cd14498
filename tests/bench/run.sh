#!/usr/bin/env bash
# cybertroc end to end against the GnuPG floor, workers, memory, and the
# queries at a million deals. Benchmarks are not tests: CI builds the
# programs (tests/bench/*.cpp) but never runs this.
#
#   tests/bench/run.sh                 everything but --rss (~10 min)
#   tests/bench/run.sh --rss           also peak RSS at 1,000 vs 10,000
#                                      messages (slow: 11,000 messages
#                                      through cybertroc, ~50 min today)
#   tests/bench/run.sh --only e2e      one part: e2e, strace, workers,
#                                      queries, rss (repeatable)
# Options:
#   --messages N    offers in the backlog (200)
#   --repeat K      timed runs of cybertroc and of the floor (3); medians
#   --workers N     compare [inbox] workers = 1 with workers = N (2)
#   --deals N       deals in the query database (1000000)
#   --rss-counts "A B"  the two backlogs of the rss part ("1000 10000")
#   --deals-db FILE reuse (or make and keep) that query database
#   --query-runs R  runs per query, median (5)
#   --build-dir D   the CMake build directory (build); --no-build: as is
#   --keep          keep the work directory (printed)
#
# What it does, in one work directory under /tmp:
#  1. builds cybertroc and the bench programs;
#  2. makes throwaway keys (tests/harness/gpg.sh), binds bob's key, and a
#     backlog of N clear-signed sale offers from alice to bob
#     (make_backlog): each opens a deal and sends two signed notifications
#     encrypted to alice and bob;
#  3. e2e: K times, from the same fresh state: one `cybertroc run`
#     (maildir in, dir:// out), timed, with its peak RSS (GNU time: the
#     largest of the process and its children), then `gpg_floor` on the
#     same messages and the notifications that run queued: N verifications
#     and one sign+encrypt per notification in one GPGME context.
#     Ratio = floor time / cybertroc time (target >= 0.85); and
#     the same cybertroc run without its GnuPG runner, for comparison;
#  4. strace: one more run under `strace -f -k`: gpg processes started and
#     fsync/fdatasync calls, per message, and the call sites of each;
#  5. workers: the same run with `[inbox] workers = 1` and `= N`, K
#     back-to-back pairs, the median of their ratios;
#  6. queries: a real shipped deal made through the pipeline, cloned by SQL
#     (clone_deals.sql) to 1,000,000 deals, then the median time of `show`,
#     `list --party`, `list --state shipped`, `list --overdue` (the first
#     page with `--limit 50` when this build has it), `tick` with nothing
#     due and an idle `run`;
#  7. rss (--rss): peak RSS of one run on 1,000 and on 10,000 offers.
# Ends with one Markdown table, the performance table of tests/bench/README.md.
#
# Needs: gnupg, sqlite3 (.ci/deps.sh), and for the counts `strace`; GNU
# `time` for peak RSS; `hyperfine` is used for the queries when present
# (apt-get install strace time hyperfine). Absolute times vary with the
# machine's load: the ratios are what to compare.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
readonly SCRIPT
BENCH=$(dirname "$SCRIPT")
SOURCE=$(readlink -f "$BENCH/../..")
readonly BENCH SOURCE

messages=200 repeat=3 workers=2 deals=1000000 deals_db="" query_runs=5
build_dir=$SOURCE/build build=1 keep=0 rss=0 rss_counts="1000 10000"
parts=()

usage() {
  sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

die() {
  echo "run.sh: $*" >&2
  exit 1
}

while (($#)); do
  case $1 in
    --messages) messages=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --workers) workers=$2; shift ;;
    --deals) deals=$2; shift ;;
    --rss-counts) rss_counts=$2; shift ;;
    --deals-db) deals_db=$(readlink -f "$2"); shift ;;
    --query-runs) query_runs=$2; shift ;;
    --build-dir) build_dir=$(readlink -f "$2"); shift ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --rss) rss=1 ;;
    --only) parts+=("$2"); shift ;;
    *) usage ;;
  esac
  shift
done
for number in "$messages" "$repeat" "$workers" "$deals" "$query_runs"; do
  [[ "$number" =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $number"
done
((${#parts[@]})) || parts=(e2e strace workers queries)
((rss)) && parts+=(rss)

wants() {
  local part
  for part in "${parts[@]}"; do [[ "$part" == "$1" ]] && return 0; done
  return 1
}

command -v gpg >/dev/null || die "gpg missing: apt-get install gnupg"
command -v sqlite3 >/dev/null || die "sqlite3 missing: apt-get install sqlite3"
have_time=0 have_strace=0 have_hyperfine=0
[[ -x /usr/bin/time ]] && have_time=1
command -v strace >/dev/null && have_strace=1
command -v hyperfine >/dev/null && have_hyperfine=1
((have_time)) || echo "note: no peak RSS without GNU time (apt-get install time)"

# ---- build -----------------------------------------------------------------

if ((build)); then
  if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    cmake -S "$SOURCE" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build_dir" -j2 --target cybertroc gpg_floor make_backlog \
    >/dev/null || die "build failed (cmake --build $build_dir)"
fi
CT_BIN=$build_dir/cybertroc
FLOOR=$build_dir/tests/gpg_floor
BACKLOG=$build_dir/tests/make_backlog
for program in "$CT_BIN" "$FLOOR" "$BACKLOG"; do
  [[ -x "$program" ]] || die "$program is not built"
done

# ---- work directory and keys -------------------------------------------------

work=$(mktemp -d /tmp/ct-bench.XXXXXX)
readonly work
cleanup() {
  "$SOURCE/tests/harness/gpg.sh" kill "$work/keys" 2>/dev/null || true
  if ((keep)); then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export CT_HARNESS_OWNER_PID=$$

"$SOURCE/tests/harness/gpg.sh" make-home "$work/keys" >/dev/null
# shellcheck disable=SC1091
. "$work/keys/keys.env"
ESCROW_HOME=$("$SOURCE/tests/harness/gpg.sh" party-home "$work/keys" escrow)
ALICE_HOME=$("$SOURCE/tests/harness/gpg.sh" party-home "$work/keys" alice)
BOB_HOME=$("$SOURCE/tests/harness/gpg.sh" party-home "$work/keys" bob)
readonly ESCROW_HOME ALICE_HOME BOB_HOME
# As docs/operator.md advises operators with workers > 1: without it, two gpg
# processes starting or exiting together wait ~250 ms on the random_seed
# lock. The floor uses the same home, so both sides get it.
echo no-random-seed-file >>"$ESCROW_HOME/gpg.conf"

# write_config DIR [WORKERS]: DIR/ct.conf for DIR/ct.db, DIR/maildir, DIR/out.
write_config() {
  local dir=$1 workers_line=""
  [[ -n "${2:-}" ]] && workers_line="workers = $2"
  mkdir -p "$dir/maildir/new" "$dir/maildir/cur" "$dir/maildir/tmp" "$dir/out"
  cat >"$dir/ct.conf" <<EOF
[store]
database = $dir/ct.db
[inbox]
url = maildir://$dir/maildir
$workers_line
[outbox]
url = dir://$dir/out
from = CyberTroc <escrow@example.test>
operator = operator@example.test
[gpg]
home = $ESCROW_HOME
escrow_key = $CT_FPR_ESCROW
operator_key = $CT_FPR_OPERATOR
encrypt_replies = true
[rules]
dir = $SOURCE/rules
[templates]
dir = $SOURCE/templates
default_language = en
[log]
level = warn
EOF
}

ct() { "$CT_BIN" --config "$1/ct.conf" "${@:2}"; }

# seed DIR N: a state with bob's key bound and N offers waiting in maildir.
seed() {
  local dir=$1 count=$2
  write_config "$dir"
  ct "$dir" init >/dev/null
  ct "$dir" keys bind bob@example.test "$CT_FPR_BOB" >/dev/null
  sqlite3 "$dir/ct.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
  "$BACKLOG" --home "$ALICE_HOME" --from alice@example.test \
    --buyer bob@example.test --to escrow@example.test --count "$count" \
    --maildir "$dir/maildir" >/dev/null
  cp -a "$dir/maildir" "$dir/backlog"  # what the floor verifies
}

# fresh SEED DIR [WORKERS]: a copy of SEED's state in DIR, ready to run.
fresh() {
  rm -rf "$2"
  mkdir -p "$2"
  cp -a "$1/maildir" "$1/backlog" "$1/ct.db" "$2/"
  write_config "$2" "${3:-}"
}

warm_agent() { gpg-connect-agent --homedir "$ESCROW_HOME" /bye >/dev/null 2>&1 || true; }

# timed OUT_PREFIX CMD...: runs CMD; OUT_PREFIX.ms (wall) and .kb (peak RSS).
timed() {
  local prefix=$1 start end status=0
  shift
  start=$(date +%s%N)
  if ((have_time)); then
    /usr/bin/time -f '%M' -o "$prefix.kb" "$@" >"$prefix.out" 2>"$prefix.err" || status=$?
  else
    "$@" >"$prefix.out" 2>"$prefix.err" || status=$?
    echo "" >"$prefix.kb"
  fi
  end=$(date +%s%N)
  echo $(((end - start) / 1000000)) >"$prefix.ms"
  return "$status"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
megabytes() { [[ -n "$1" ]] && awk -v kb="$1" 'BEGIN { printf "%.0f MB", kb / 1024 }' || echo "n/a"; }

declare -A result=()
note() { printf '%s\n' "$*" >&2; }

# ---- e2e: cybertroc against the floor ----------------------------------------------

run_e2e() {
  local seed_dir=$work/seed i dir ct_ms=() floor_ms=() kb=() ratios=() none_ms=()
  for ((i = 1; i <= repeat; ++i)); do
    dir=$work/e2e.$i
    # One worker against the one-context floor; the
    # workers part measures what more workers add.
    fresh "$seed_dir" "$dir" 1
    warm_agent
    timed "$dir/ct" "$CT_BIN" --config "$dir/ct.conf" --json run || die "cybertroc run failed: $(cat "$dir/ct.err")"
    local applied sent
    applied=$(grep -o '"applied": [0-9]*' "$dir/ct.out" | grep -o '[0-9]*$')
    sent=$(grep -o '"sent": [0-9]*' "$dir/ct.out" | grep -o '[0-9]*$')
    [[ "$applied" == "$messages" ]] || die "run applied ${applied:-?} of $messages: $(cat "$dir/ct.out" "$dir/ct.err")"
    ct_ms+=("$(cat "$dir/ct.ms")")
    kb+=("$(cat "$dir/ct.kb")")
    timed "$dir/floor" "$FLOOR" --home "$ESCROW_HOME" --signer "$CT_FPR_ESCROW" \
      --mail "$dir/backlog" --db "$dir/ct.db" --operator-key "$CT_FPR_OPERATOR" ||
      die "gpg_floor failed: $(cat "$dir/floor.err")"
    floor_ms+=("$(grep -o 'total_ms=[0-9.]*' "$dir/floor.out" | cut -d= -f2)")
    ratios+=("$(ratio "${floor_ms[-1]}" "${ct_ms[-1]}")")
    # The same run with GnuPG started from cybertroc itself (no runner,
    # src/crypto/runner.h): what the runner is worth.
    fresh "$seed_dir" "$dir.none" 1
    warm_agent
    CYBERTROC_GPG_RUNNER=none timed "$dir.none/ct" "$CT_BIN" --config "$dir.none/ct.conf" run ||
      die "cybertroc run without runner failed: $(cat "$dir.none/ct.err")"
    none_ms+=("$(cat "$dir.none/ct.ms")")
    rm -rf "$dir.none"
    note "e2e $i/$repeat: cybertroc $(seconds "${ct_ms[-1]}") ($applied applied, $sent sent), floor $(seconds "${floor_ms[-1]}"): ${ratios[-1]}; without runner $(seconds "${none_ms[-1]}")"
    result[sent]=$sent
    [[ "$dir" == "$work/e2e.1" ]] || rm -rf "$dir"
  done
  result[ct_ms]=$(printf '%s\n' "${ct_ms[@]}" | median)
  result[floor_ms]=$(printf '%s\n' "${floor_ms[@]}" | median)
  result[ct_kb]=$(printf '%s\n' "${kb[@]}" | median)
  result[none_ms]=$(printf '%s\n' "${none_ms[@]}" | median)
  # The median of the pairs' ratios: each pair ran back to back on the same
  # state, so load that drifts over the repeats moves both of a pair.
  result[ratio]=$(printf '%s\n' "${ratios[@]}" | median)
}

# ---- strace: gpg processes and fsyncs ---------------------------------------------

run_strace() {
  if ! ((have_strace)); then
    note "strace: not installed (apt-get install strace): no counts"
    return
  fi
  local dir=$work/strace
  fresh "$work/seed" "$dir"
  warm_agent
  local -a stack=(-k)
  strace -k -qq -e trace=none true 2>/dev/null || stack=()
  strace -f -qq "${stack[@]}" -e trace=execve,fsync,fdatasync -o "$dir/trace" \
    "$CT_BIN" --config "$dir/ct.conf" run >/dev/null 2>"$dir/err" ||
    die "cybertroc run under strace failed: $(cat "$dir/err")"
  local gpgs syncs
  gpgs=$(grep -E '^[0-9]+ +execve\("[^"]*/gpg[^"/]*"' "$dir/trace" | grep -cv ' = -1 ' || true)
  syncs=$(grep -cE '^[0-9]+ +(fsync|fdatasync)\(' "$dir/trace" || true)
  result[gpg]=$gpgs
  result[gpg_per]=$(ratio "$gpgs" "$messages")
  result[sync]=$syncs
  result[sync_per]=$(ratio "$syncs" "$messages")
  note "strace: $gpgs gpg processes, $syncs fsync+fdatasync for $messages messages"
  if ((${#stack[@]})); then
    note "call sites (count, event <= innermost cybertroc frames):"
    awk -v DEPTH=4 -f "$BENCH/strace_callers.awk" "$dir/trace" | sort -rn >&2
  fi
}

# ---- workers ---------------------------------------------------------------

run_workers() {
  local i n dir one=() more=() ratios=()
  # Back-to-back pairs, as for e2e: the median of the pairs' ratios.
  for ((i = 1; i <= repeat; ++i)); do
    for n in 1 "$workers"; do
      dir=$work/workers.$n
      fresh "$work/seed" "$dir" "$n"
      warm_agent
      if ! timed "$dir/ct" "$CT_BIN" --config "$dir/ct.conf" run; then
        if grep -q 'workers: unknown key' "$dir/ct.err"; then
          result[workers]="not supported by this build"
          note "workers: not supported by this build"
          return
        fi
        die "run with workers = $n failed: $(cat "$dir/ct.err")"
      fi
      if ((n == 1)); then one+=("$(cat "$dir/ct.ms")"); else more+=("$(cat "$dir/ct.ms")"); fi
      rm -rf "$dir"
    done
    ratios+=("$(ratio "${one[-1]}" "${more[-1]}")")
    note "workers $i/$repeat: 1: $(seconds "${one[-1]}"), $workers: $(seconds "${more[-1]}"): ${ratios[-1]}×"
  done
  local t1 tn
  t1=$(printf '%s\n' "${one[@]}" | median)
  tn=$(printf '%s\n' "${more[@]}" | median)
  result[workers]="$(printf '%s\n' "${ratios[@]}" | median)× (medians $(seconds "$t1") → $(seconds "$tn"); runs: ${ratios[*]})"
}

# ---- rss: 1,000 vs 10,000 messages ------------------------------------------

run_rss() {
  local count dir kb=()
  for count in $rss_counts; do
    dir=$work/rss.$count
    seed "$dir" "$count"
    warm_agent
    timed "$dir/ct" "$CT_BIN" --config "$dir/ct.conf" run || die "run on $count messages failed: $(cat "$dir/ct.err")"
    kb+=("$(cat "$dir/ct.kb")")
    note "rss: $count messages: $(megabytes "${kb[-1]}") in $(seconds "$(cat "$dir/ct.ms")")"
    rm -rf "$dir"
  done
  result[rss]="$(megabytes "${kb[0]}") → $(megabytes "${kb[1]}") ($(ratio "${kb[1]}" "${kb[0]}")×)"
}

# ---- queries at a million deals ------------------------------------------------

# shipped_deal DIR: one real sale taken to `shipped` through mail and CLI.
shipped_deal() {
  local dir=$1 id role due
  seed "$dir" 1
  ct "$dir" run >/dev/null
  id=$(sqlite3 "$dir/ct.db" 'SELECT id FROM deals')
  printf '%s 11\n' "$id" >"$dir/accept.txt"
  "$SOURCE/tests/harness/sign.sh" clearsign "$BOB_HOME" bob@example.test \
    bob@example.test escrow@example.test "$dir/accept.txt" "$dir/maildir/new/2.accept"
  ct "$dir" run >/dev/null
  while IFS='|' read -r role due; do
    ct "$dir" deposit "$id" "$role" "$due" --ref "VIR-$role" >/dev/null
  done < <(sqlite3 "$dir/ct.db" "SELECT role, printf('%d.%02d', due / 100, due % 100)
                                  FROM parties WHERE deal_id = '$id'")
  printf '%s 40 Colissimo 6A12345678901\n' "$id" >"$dir/ship.txt"
  "$SOURCE/tests/harness/sign.sh" clearsign "$ALICE_HOME" alice@example.test \
    alice@example.test escrow@example.test "$dir/ship.txt" "$dir/maildir/new/3.ship"
  ct "$dir" run >/dev/null
  [[ "$(sqlite3 "$dir/ct.db" "SELECT state FROM deals WHERE id = '$id'")" == shipped ]] ||
    die "the template deal did not reach shipped"
  echo "$id"
}

make_deals_db() {
  local dir=$1 id
  id=$(shipped_deal "$dir")
  [[ "$id" =~ ^CT-[0-9A-Z]{8}$ ]] || die "unexpected deal id $id"
  note "queries: cloning $id to $deals deals (a few minutes)"
  {
    echo "CREATE TEMP TABLE bench_args AS SELECT $deals AS total, '$id' AS template, 50000 AS parties;"
    cat "$BENCH/clone_deals.sql"
  } | sqlite3 "$dir/ct.db" >/dev/null
}

# query_ms NAME DIR ARGS...: median wall time in ms of `cybertroc ARGS`.
query_ms() {
  local name=$1 dir=$2 i start end times=()
  shift 2
  ct "$dir" "$@" >/dev/null 2>&1 || die "cybertroc $* failed"  # warm-up
  if ((have_hyperfine)); then
    local cmd
    cmd=$(printf '%q ' "$CT_BIN" --config "$dir/ct.conf" "$@")
    hyperfine -N --runs "$query_runs" --export-json "$dir/$name.json" "$cmd" >/dev/null 2>&1
    awk -F': ' '/"median"/ { gsub(/[ ,]/, "", $2); printf "%.0f\n", $2 * 1000; exit }' "$dir/$name.json"
    return
  fi
  for ((i = 0; i < query_runs; ++i)); do
    start=$(date +%s%N)
    ct "$dir" "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | median
}

# A listing with no --limit in this build loads every matching deal: one
# capped run instead of a median.
capped_ms() {
  local dir=$1 start end status=0
  shift
  start=$(date +%s%N)
  timeout 60 "$CT_BIN" --config "$dir/ct.conf" "$@" >/dev/null 2>&1 || status=$?
  end=$(date +%s%N)
  ((status == 124)) && { echo "> 60000"; return; }
  echo $(((end - start) / 1000000))
}

run_queries() {
  local dir=$work/deals
  mkdir -p "$dir"
  write_config "$dir"
  if [[ -n "$deals_db" && -f "$deals_db" ]]; then
    note "queries: reusing $deals_db"
    cp "$deals_db" "$dir/ct.db"
  else
    make_deals_db "$dir"
    if [[ -n "$deals_db" ]]; then cp "$dir/ct.db" "$deals_db"; fi
  fi
  rm -rf "$dir/maildir/new/"* "$dir/maildir/cur/"*
  local count page=() limited=0 show_id party
  count=$(sqlite3 "$dir/ct.db" 'SELECT count(*) FROM deals')
  result[deals]=$count
  show_id=$(sqlite3 "$dir/ct.db" "SELECT id FROM deals ORDER BY id LIMIT 1 OFFSET $((count / 2))")
  party=party4242@example.test
  if ct "$dir" list --help 2>&1 | grep -q -- '--limit'; then
    page=(--limit 50)
    limited=1
  fi
  result[show]=$(query_ms show "$dir" show "$show_id")
  result[party]=$(query_ms party "$dir" list --party "$party" "${page[@]}")
  if ((limited)); then
    result[state]=$(query_ms state "$dir" list --state shipped "${page[@]}")
  else
    result[state]=$(capped_ms "$dir" list --state shipped)
  fi
  result[overdue]=$(query_ms overdue "$dir" list --overdue "${page[@]}")
  result[tick]=$(query_ms tick "$dir" tick)
  result[idle]=$(query_ms idle "$dir" run)
  if ((have_strace)); then
    strace -f -qq -e trace=execve -o "$dir/idle.trace" \
      "$CT_BIN" --config "$dir/ct.conf" run >/dev/null 2>&1
    result[idle_gpg]=$(grep -E '^[0-9]+ +execve\("[^"]*/gpg[^"/]*"' "$dir/idle.trace" |
      grep -cv ' = -1 ' || true)
  fi
  result[page]=$( ((limited)) && echo "first page, --limit 50" || echo "whole list: no --limit in this build")
  note "queries at $count deals: show ${result[show]} ms, list --party ${result[party]} ms, --state ${result[state]} ms, --overdue ${result[overdue]} ms, tick ${result[tick]} ms, idle run ${result[idle]} ms"
}

# ---- main ------------------------------------------------------------------

if wants e2e || wants strace || wants workers; then
  seed "$work/seed" "$messages"
fi
wants e2e && run_e2e
wants strace && run_strace
wants workers && run_workers
wants rss && run_rss
wants queries && run_queries

r() { echo "${result[$1]:-not measured}"; }
ms() { [[ -n "${result[$1]:-}" ]] && echo "${result[$1]} ms" || echo "not measured"; }
echo
echo "| measure | result |"
echo "|---|---|"
if wants e2e; then
  echo "| backlog: $messages signed offers → $(r sent) signed, encrypted notifications; one \`cybertroc run\` | $(seconds "${result[ct_ms]}") (median of $repeat) |"
  echo "| bare GnuPG floor on the same messages ($messages verify, $(r sent) sign+encrypt, one GPGME context) | $(seconds "${result[floor_ms]}") |"
  echo "| **floor / cybertroc**, one worker, median of the runs' ratios (target ≥ 0.85) | **$(r ratio)** |"
  echo "| peak RSS of that run | $(megabytes "${result[ct_kb]}") |"
  echo "| the same run without the GnuPG runner (\`CYBERTROC_GPG_RUNNER=none\`) | $(seconds "${result[none_ms]}"): floor / that = $(ratio "${result[floor_ms]}" "${result[none_ms]}") |"
fi
if wants strace && [[ -n "${result[gpg]:-}" ]]; then
  echo "| gpg processes started per message (the floor: 3) | $(r gpg_per) ($(r gpg) in all) |"
  echo "| fsync + fdatasync per message | $(r sync_per) ($(r sync) in all) |"
fi
wants workers && echo "| workers = $workers vs 1, median of $repeat pairs' ratios (target ≥ 1.6×) | $(r workers) |"
wants rss && echo "| peak RSS, backlog of ${rss_counts/ / → } messages (target ≤ 1.1×) | $(r rss) |"
if wants queries; then
  echo "| at $(r deals) deals: \`show\` (target ≤ 20 ms) | $(ms show) |"
  echo "| \`list --party EMAIL\`, $(r page) (target ≤ 50 ms) | $(ms party) |"
  echo "| \`list --state shipped\`, $(r page) (target ≤ 50 ms) | $(ms state) |"
  echo "| \`list --overdue\`, $(r page) (target ≤ 50 ms) | $(ms overdue) |"
  echo "| \`tick\`, nothing due (target ≤ 100 ms) | $(ms tick) |"
  echo "| idle \`run\` (target ≤ 50 ms) | $(ms idle)${result[idle_gpg]:+, ${result[idle_gpg]} gpg processes} |"
fi
