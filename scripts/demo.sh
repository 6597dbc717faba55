#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# nst demo: three calls between nst-cli user agents on loopback, at the
# same time, with Session-Expires 90 s (the smallest the RFC allows):
#
#   A  refresh by UPDATE      the callee allows UPDATE; the caller refreshes
#                             at 45 s by UPDATE, hangs up at 50 s
#   B  refresh by re-INVITE   the callee leaves UPDATE out of Allow; the
#                             caller refreshes at 45 s by re-INVITE
#   C  expiry                 the caller (the refresher) is killed at 10 s;
#                             the callee sends BYE at 90 - min(32, 90/3) = 60 s
#
# Takes about 65 seconds. Usage: demo.sh [path/to/nst-cli]
set -u

cli=${1:-$(dirname "$0")/../src/nst-cli}
[ -x "$cli" ] || { echo "demo: $cli not built (run make)" >&2; exit 1; }

out=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$out"' EXIT

start() {   # start NAME ARGS...: run nst-cli in the background, lines prefixed
    name=$1; shift
    "$cli" --name "$name" "$@" > "$out/$name.log" 2>&1 &
    eval "pid_$(echo "$name" | tr -c 'a-zA-Z0-9\n' _)=$!"
    pids="$pids $!"
}

echo "== nst demo: RFC 4028 session timers between nst-cli UAs on 127.0.0.1"
echo "== Session-Expires 90 s: refresh due at 45 s, expiry BYE at 60 s. About 65 s."
echo

start A-callee -b sip:127.0.0.1:15071 -e 90 listen
start B-callee -b sip:127.0.0.1:15072 -e 90 --no-update listen
start C-callee -b sip:127.0.0.1:15073 -e 90 listen
sleep 1
start A-caller -b sip:127.0.0.1:15081 -e 90 -d 50 call sip:a@127.0.0.1:15071
start B-caller -b sip:127.0.0.1:15082 -e 90 -d 50 call sip:b@127.0.0.1:15072
start C-caller -b sip:127.0.0.1:15083 -e 90 call sip:c@127.0.0.1:15073

# Follow the logs while the calls run.
tail -q -n +1 -f "$out"/A-callee.log "$out"/A-caller.log "$out"/B-callee.log \
    "$out"/B-caller.log "$out"/C-callee.log "$out"/C-caller.log &
tailpid=$!
pids="$pids $tailpid"

sleep 10
echo "$(date +%H:%M:%S.000) demo: killing C-caller (the refresher) to simulate a dead peer"
kill -9 "$pid_C_caller" 2>/dev/null

status=0
for n in A_callee A_caller B_callee B_caller C_callee; do
    eval "p=\$pid_$n"
    # bounded: every UA ends by itself well within 120 s
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
    if kill -0 "$p" 2>/dev/null; then
        echo "demo: $n did not finish" >&2; kill "$p"; status=1
    fi
    wait "$p"; rc=$?
    eval "rc_$n=$rc"
done
sleep 0.5
kill "$tailpid" 2>/dev/null

echo
echo "== results"
grep -h "sent by UPDATE" "$out"/A-caller.log >/dev/null && echo "A: refresh by UPDATE: yes" || { echo "A: refresh by UPDATE: MISSING"; status=1; }
grep -h "sent by INVITE" "$out"/B-caller.log >/dev/null && echo "B: refresh by re-INVITE: yes" || { echo "B: refresh by re-INVITE: MISSING"; status=1; }
if [ "${rc_C_callee:-0}" = 3 ] && grep -q "session expired" "$out"/C-callee.log; then
    echo "C: expiry BYE by the callee: yes (exit status 3 = session expired)"
else
    echo "C: expiry BYE: MISSING (exit status ${rc_C_callee:-?})"; status=1
fi
exit $status
