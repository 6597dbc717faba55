#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh PROG OUTDIR SCENARIO... - make check-faults: each scenario (see
# scenario.sh) in a network namespace of its own, all at once, then the
# table and the checks (table.py). Environment: FAULTS_CALLS (200).
# A missing prerequisite fails the target: it never passes by skipping.
set -u
prog=$1 out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
calls=${FAULTS_CALLS:-200}
for tool in unshare nft ip python3; do
  command -v $tool >/dev/null || { echo "check-faults: $tool not found (scripts/setup-debian.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "check-faults: needs root (unshare -n, nft)"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$out"
start=$(date +%s)
echo "check-faults: scenarios $*, $calls calls each, in parallel (about 7 minutes); load $(cut -d' ' -f1-3 /proc/loadavg)"
pids=()
for s in "$@"; do
  timeout 600 unshare -n sh -c "ip link set lo up && exec bash '$here/scenario.sh' '$s' '$prog' '$out' '$calls'" \
    > "$out/$s.log" 2>&1 &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || { echo "check-faults: a scenario script failed:"; tail -n 5 "$out"/*.log; }
echo "check-faults: took $(( $(date +%s) - start )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/table.py" "$out" "$@" | tee "$out/table.md"
trc=${PIPESTATUS[0]}
[ $rc = 0 ] && [ $trc = 0 ]
