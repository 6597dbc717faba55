#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh PROG OUTDIR [CALLS] - make check-scale-out. Inside a network
# namespace of its own (it re-runs itself under unshare -n): Kamailio
# (kamailio.cfg) on 127.0.0.1:5060 spreads CALLS (2000) calls from one
# caller (nst-faults --role=uac, port 5050, SE 90; it refreshes half of the
# calls, the callees the other half) over two
# callee processes (nst-faults --role=uas, ports 5071 and 5072) with
# Record-Route. Timeline (s from start): calls start over 0-20, refresh
# once through the proxy at 45-65; callee 2 is killed (SIGKILL) at 70;
# every process writes its state at 165. check.py then checks that every
# refresh reached the process that owns the dialog and that only the dead
# process's calls ended (by expiry at the caller), and prints the table.
set -u
prog=$1 out=$2 calls=${3:-2000}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SCALE_OUT_NS:-}" ]; then
  for tool in unshare ip kamailio python3; do
    command -v $tool >/dev/null || { echo "check-scale-out: $tool not found (scripts/setup-debian.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
  done
  [ "$(id -u)" = 0 ] || { echo "check-scale-out: needs root (unshare -n)"; echo "0 passed, 1 failed"; exit 1; }
  mkdir -p "$out"
  start=$(date +%s)
  echo "check-scale-out: $calls calls, Kamailio dispatcher over 2 callees (about 3 minutes); load $(cut -d' ' -f1-3 /proc/loadavg)"
  SCALE_OUT_NS=1 timeout 400 unshare -n sh -c "ip link set lo up && exec bash '$0' '$prog' '$out' '$calls'" > "$out/run.log" 2>&1
  rc=$?
  [ $rc = 0 ] || { echo "check-scale-out: the run failed ($rc):"; tail -n 20 "$out/run.log"; }
  echo "check-scale-out: took $(( $(date +%s) - start )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$here/check.py" "$out" | tee "$out/table.md"
  trc=${PIPESTATUS[0]}
  [ $rc = 0 ] && [ $trc = 0 ]
  exit
fi

# ---- inside the namespace
PK=5060 PA=5050 SE=90 END=165 KILL=70
rm -f "$out"/*.txt "$out"/*.log.k
mkdir -p "$out/run"
printf '1 sip:127.0.0.1:5071\n1 sip:127.0.0.1:5072\n' > "$out/dispatcher.list"
sed "s|DISPATCHER_LIST|$out/dispatcher.list|" "$here/kamailio.cfg" > "$out/kamailio.cfg"
export GLIBC_TUNABLES=glibc.malloc.tcache_count=0
t0=$(date +%s)
echo "t0=$t0" > "$out/meta.txt"
echo "calls=$calls" >> "$out/meta.txt"
echo "se=$SE" >> "$out/meta.txt"
kamailio -f "$out/kamailio.cfg" -DD -E -m 128 -M 16 -Y "$out/run" 2>"$out/kamailio.log" &
kam=$!
sleep 1
kill -0 $kam 2>/dev/null || { echo "kamailio did not start:"; cat "$out/kamailio.log"; exit 1; }
for i in 1 2; do
  "$prog" --role=uas --port=507$i --calls="$calls" --callee-refreshes-half \
    --until=$(( t0 + END )) \
    --out="$out/uas$i.txt" 2>"$out/uas$i.log" &
  eval uas$i=$!
done
sleep 1
"$prog" --role=uac --port=$PA --peer=$PK --calls="$calls" --stagger=20 --se=$SE \
  --until=$(( t0 + END )) --out="$out/uac.txt" 2>"$out/uac.log" &
uac=$!
d=$(( t0 + KILL - $(date +%s) )); [ $d -gt 0 ] && sleep $d
kill -9 $uas2
echo "killed=$(date +%s.%N)" >> "$out/meta.txt"
wait $uac; echo "uac_exit=$?" >> "$out/meta.txt"
wait $uas1; echo "uas1_exit=$?" >> "$out/meta.txt"
kill $kam; wait $kam
echo "kamailio_exit=$?" >> "$out/meta.txt"
