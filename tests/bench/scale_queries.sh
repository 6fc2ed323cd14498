#!/usr/bin/env bash
# Times the read paths that must stay fast at scale on a
# database filled by make_deals.sql. Not a test: it prints figures.
#
#   tests/bench/scale_queries.sh CYBERTROC CONFIG [NOW] [RUNS]
#
# CONFIG names the database that make_deals.sql filled (with its default
# @now unless NOW, an ISO time, says otherwise); its inbox must be an empty
# maildir and its outbox a dir:// URL so that `run` is idle. Each command
# runs RUNS times (default 5) after one warm-up; the median wall time is
# printed in milliseconds, with the CPU time of one more run (perf stat
# task-clock, children included, when perf is there), which other load on
# the machine disturbs less, and the size of its output.
set -euo pipefail

bin=${1:?usage: scale_queries.sh CYBERTROC CONFIG [NOW] [RUNS]}
conf=${2:?usage: scale_queries.sh CYBERTROC CONFIG [NOW] [RUNS]}
now=${3:-2027-01-31T12:00:00Z}
runs=${4:-5}
db=$(sed -n 's/^database *= *//p' "$conf" | head -n 1)
[[ -f $db ]] || { echo "no database $db" >&2; exit 2; }

# A deal with mail rows (make_deals.sql's deal 0) and a seller with ~25 deals.
show_id=$(sqlite3 "$db" "SELECT deal_id FROM inbox WHERE server_uid = 'ship-0:2,S'")
light=seller123@example.test
# A cursor somewhere in the middle (deal n/2 when it has mail rows).
half=$(sqlite3 "$db" "SELECT coalesce((SELECT deal_id FROM inbox WHERE
  server_uid = 'ship-' || ((SELECT count(*) FROM deals) / 20 * 10) || ':2,S'),
  '$show_id')")

median_ms() {  # command...: median wall time of $runs runs, in ms
  local times=() start end
  "$@" >/dev/null 2>&1 || true
  for ((r = 0; r < runs; r++)); do
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    times+=("$(echo "($end - $start) * 1000" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

ct() { CYBERTROC_NOW=$now "$bin" --config "$conf" "$@"; }
perf_out=$(mktemp)
trap 'rm -f "$perf_out"' EXIT

measure() {  # label, cybertroc arguments...
  local label=$1
  shift
  local ms cpu lines
  ms=$(median_ms ct "$@")
  cpu=-
  if command -v perf >/dev/null; then
    CYBERTROC_NOW=$now perf stat -x, -e task-clock -o "$perf_out" \
      "$bin" --config "$conf" "$@" >/dev/null 2>&1 || true
    cpu=$(awk -F, '$3 == "task-clock" { printf "%.1f", $1 }' "$perf_out")
  fi
  lines=$(ct "$@" 2>/dev/null | wc -l || true)
  printf '%-44s %8.1f ms wall %7s ms cpu %7s lines\n' "$label" "$ms" \
    "$cpu" "$lines"
}

echo "deals: $(sqlite3 "$db" 'SELECT count(*) FROM deals'), now $now"
measure "show $show_id" show "$show_id"
measure "show --json" --json show "$show_id"
measure "list --party $light" list --party "$light"
measure "list --party power.seller (first page)" list --party power.seller@example.test
measure "list --state disputed (first page)" list --state disputed
measure "list --state shipped (first page)" list --state shipped
measure "list --state shipped --after (mid)" list --state shipped --after "$half"
measure "list (first page)" list
measure "list --after (mid)" list --after "$half"
measure "list --overdue" list --overdue
measure "--json list --party power.seller" --json list --party power.seller@example.test
measure "list --party power.seller --limit 0" list --party power.seller@example.test --limit 0
measure "tick (nothing due)" tick
measure "run (idle)" run
