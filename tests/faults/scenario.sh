#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# scenario.sh NAME PROG OUTDIR CALLS - one fault scenario of check-faults,
# run by run.sh inside a network namespace of its own (only lo, up). The
# caller (uac, port 5060, the refresher) and the callee (uas, port 5070)
# are two nst-faults processes; nftables drops their packets:
#   loss       5% of SIP packets at random, both directions, from the first
#              INVITE until t=385 s (every call lives >= 365 s under loss);
#              state written at t=420 s
#   partition  every SIP packet dropped from t=60 to t=100 s; state at 200 s
#   deadpeer   the caller killed (SIGKILL) at t=70 s, after every call's
#              first refresh; a sink on its port records what the callee
#              sends there; the callee's state at t=175 s
# Writes OUTDIR/NAME/{uac,uas,sink,meta}.txt for table.py.
set -u
name=$1 prog=$2 out=$3/$1 calls=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" && rm -f "$out"/*.txt
PA=5060 PB=5070 SE=90 STAGGER=20

# mallinfo2() counts the blocks glibc keeps in its per-thread cache as in
# use; without the cache the callee's heap figures are what it holds.
export GLIBC_TUNABLES=glibc.malloc.tcache_count=0
t0=$(date +%s)
at() { local d=$(( t0 + $1 - $(date +%s) )); [ $d -gt 0 ] && sleep $d; }
meta() { echo "$1=$2" >> "$out/meta.txt"; }

# Dropped on input: a drop on output would fail the sender's sendto() with
# EPERM, and nta would end the transaction at once instead of retransmitting
# as it does when the network loses a packet silently.
nft -f - <<NFT || { echo "$name: nft failed"; exit 1; }
table inet faults {
  chain count {
    type filter hook input priority -10; policy accept;
    udp dport { $PA, $PB } counter
  }
  chain fault {
    type filter hook input priority 0; policy accept;
  }
}
NFT
drop_all()  { nft add rule inet faults fault udp dport "{ $PA, $PB }" counter drop; }
drop_some() { nft add rule inet faults fault udp dport "{ $PA, $PB }" \
                numgen random mod 100 "<" "$1" counter drop; }
restore()   { nft list chain inet faults fault | grep -o 'packets [0-9]*' | \
                head -1 | sed 's/packets /dropped=/' >> "$out/meta.txt"
              nft flush chain inet faults fault; }

case $name in
  loss) end=420 ;;
  partition) end=200 ;;
  deadpeer) end=175 ;;
  *) echo "unknown scenario $name"; exit 2 ;;
esac
meta t0 "$t0"; meta se "$SE"; meta calls "$calls"; meta until $(( t0 + end ))

[ "$name" = loss ] && { drop_some 5; meta fault_start "$t0"; }
"$prog" --role=uas --port=$PB --calls="$calls" --until=$(( t0 + end )) --out="$out/uas.txt" \
  2>"$out/uas.log" &
uas=$!
sleep 0.5
"$prog" --role=uac --port=$PA --peer=$PB --calls="$calls" --stagger=$STAGGER \
  --se=$SE --until=$(( t0 + end )) --out="$out/uac.txt" 2>"$out/uac.log" &
uac=$!

case $name in
  loss)
    at 385; meta fault_end "$(date +%s.%N)"; restore ;;
  partition)
    at 60; meta fault_start "$(date +%s.%N)"; drop_all
    at 100; meta fault_end "$(date +%s.%N)"; restore ;;
  deadpeer)
    at 70; kill -9 $uac; meta killed "$(date +%s.%N)"
    python3 "$here/sink.py" $PA $(( t0 + end )) "$out/sink.txt" &
    sink=$! ;;
esac
wait $uas; meta uas_exit $?
if [ "$name" = deadpeer ]; then
  wait $sink; meta sink_exit $?
else
  wait $uac; meta uac_exit $?
fi
meta sip_packets "$(nft list chain inet faults count | grep -o 'packets [0-9]*' | head -1 | cut -d' ' -f2)"
nft delete table inet faults
