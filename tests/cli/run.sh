#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh: the nst-cli test suite (make check-cli).
#
# Runs nst-cli user agents on 127.0.0.1 (free UDP/TCP ports from
# CLI_PORT_BASE on), drives them with commands written to their stdin (a
# fifo each) and checks their timestamped event lines and exit status:
# the negotiated timer in `status`, hold/unhold (the peer sees a re-INVITE
# with a=sendonly/sendrecv), reinvite, update, bye, quit, an unknown
# command, end of input, SIGTERM, --help, usage errors, a rejected call,
# --lifetime, --glib, and the expiry exit status against SIPp as a peer
# that answers and goes silent (the scenario of the interop case
# callee-silent-peer, tests/interop/scenarios/callee-silent-peer.xml).
# Failures and who said them: --bind and call targets that are not SIP
# URIs, a port in use (nta's reason), a 503 that nta made up, a proxy's
# 407 without credentials (SIPp, scenarios/uas-407.xml: exit 4 at once),
# -T against a callee that would impose a timer, -T as callee (no timer
# in its 2xx's Supported) and in the reinvite/update commands, a 2xx that
# makes a -T caller refresh (warned), a liblinphone file with ha1 and no
# password (refused at start), a PBX's BYE with Reason (SIPp,
# scenarios/uas-bye-reason.xml: its source and Reason printed), a refresh
# answered 481 (the interop scenario caller-481.xml: who said it, exit 8),
# a target whose transport --bind does not open. Transports: TCP as
# written in the target, TLS with a CA made here by openssl (verified both
# ways; a peer signed by another CA fails), IPv6 (TCP; UDP with --media);
# --media (RTP both ways).
# An idle call costs no CPU (no loop that polls without waiting).
#
# Prints one line per case, "PASS name" or "FAIL name: reason (logs: DIR)",
# then "N passed, M failed"; exits 1 if any case failed. About 70 s: the
# expiry case needs real time (BYE 60 s after the answer) and runs beside
# the others; the untrusted TLS peer waits 32 s for its 408 beside it.
#
# usage: run.sh [-c NST_CLI] [-o LOG_DIR] [-p BASE_PORT] [-s SCENARIO_DIR]
# The same settings from the environment: NST_CLI, CLI_LOGDIR,
# CLI_PORT_BASE, CLI_SCENARIOS; SIPP (the sipp binary, default sipp).

set -u

here=$(cd "$(dirname "$0")" && pwd)
nst_cli=${NST_CLI:-$here/../../src/nst-cli}
log_dir=${CLI_LOGDIR:-}
port=${CLI_PORT_BASE:-26000}
scen_dir=${CLI_SCENARIOS:-$here/../interop/scenarios}
sipp=${SIPP:-sipp}

while getopts c:o:p:s:h opt; do
    case $opt in
    c) nst_cli=$OPTARG ;;
    o) log_dir=$OPTARG ;;
    p) port=$OPTARG ;;
    s) scen_dir=$OPTARG ;;
    *) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
done

if [ ! -x "$nst_cli" ]; then
    echo "ERROR: nst-cli not found at $nst_cli (build first, or pass -c)" >&2
    exit 1
fi
[ -n "$log_dir" ] || log_dir=$(mktemp -d "${TMPDIR:-/tmp}/nst-cli-test.XXXXXX")
rm -rf "$log_dir" && mkdir -p "$log_dir" || exit 1
log_dir=$(cd "$log_dir" && pwd)

# ------------------------------------------------------------------ helpers
pass=0 fail=0
all_pids=""
cleanup() {
    local p
    for p in $all_pids; do kill -TERM "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2 (logs: $log_dir)"; fail=$((fail + 1)); }

# next_port: a port no socket uses (UDP nor TCP), from $port on
next_port() {
    while [ -n "$(ss -Htuan "( sport = :$port )" 2>/dev/null)" ]; do
        port=$((port + 1))
    done
    NEXT_PORT=$port
    port=$((port + 1))
}

# ua NAME LIMIT ARGS...: start nst-cli (under timeout) with stdin from the
# fifo NAME.in, whose writer end stays open in fd ${FD[NAME]}; its output
# goes to NAME.log, its exit status to NAME.rc once it is done.
declare -A FD PID
ua() {
    local name=$1 limit=$2; shift 2
    local fifo=$log_dir/$name.in fd
    rm -f "$fifo" "$log_dir/$name.rc" && mkfifo "$fifo"
    (
        for fd in "${FD[@]}"; do [ -n "$fd" ] && eval "exec $fd>&-"; done
        timeout -k 5 "$limit" "$nst_cli" -n "$name" "$@" < "$fifo" > "$log_dir/$name.log" 2>&1
        echo $? > "$log_dir/$name.rc"
    ) &
    PID[$name]=$!
    all_pids="$all_pids $!"
    exec {fd}> "$fifo"
    FD[$name]=$fd
}

say() {     # say NAME COMMAND: one line on NAME's stdin
    { echo "$2" 1>&"${FD[$1]}"; } 2>/dev/null
}

eof() {     # eof NAME: close NAME's stdin
    local fd=${FD[$1]:-}
    [ -n "$fd" ] && exec {fd}>&- && FD[$1]=""
}

# seen NAME REGEX [SECONDS]: wait until NAME's output has a line matching
# REGEX (grep -E); false after SECONDS (default 5)
seen() {
    local i=0 n=$(( ${3:-5} * 10 ))
    while [ $i -lt $n ]; do
        grep -Eq -- "$2" "$log_dir/$1.log" 2>/dev/null && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

# count NAME REGEX: lines of NAME's output matching REGEX
count() { grep -Ec -- "$2" "$log_dir/$1.log" 2>/dev/null; }

# ended NAME [SECONDS]: wait until NAME has exited (default 10 s); RC is
# its exit status ("" if it is still running)
ended() {
    local i=0 n=$(( ${2:-10} * 10 ))
    RC=""
    while [ $i -lt $n ]; do
        if [ -f "$log_dir/$1.rc" ]; then
            RC=$(cat "$log_dir/$1.rc"); eof "$1"; return 0
        fi
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

alive() { [ ! -f "$log_dir/$1.rc" ] && kill -0 "${PID[$1]}" 2>/dev/null; }

# ------------------------------------------------------------------ expiry
# nst-cli listen against SIPp (callee-silent-peer.xml: SIPp asks to be the
# refresher, never refreshes): nst sends BYE at 60 s, exit status 3.
# Started first, checked last.
expiry_start() {
    EXPIRY=""
    if ! command -v "$sipp" >/dev/null 2>&1; then
        EXPIRY="sipp not found (apt-get install sip-tester)"; return
    fi
    if [ ! -f "$scen_dir/callee-silent-peer.xml" ]; then
        EXPIRY="no scenario $scen_dir/callee-silent-peer.xml"; return
    fi
    next_port; local nport=$NEXT_PORT
    next_port; local sport=$NEXT_PORT
    next_port; local mport=$NEXT_PORT; port=$((port + 4))
    next_port; local cport=$NEXT_PORT
    ua X-expiry 85 -b "sip:127.0.0.1:$nport" -e 90 listen
    seen X-expiry 'listening on' 5 || { EXPIRY="nst-cli did not start"; return; }
    (
        cd "$log_dir" && timeout -k 5 80 "$sipp" -sf "$scen_dir/callee-silent-peer.xml" \
            -i 127.0.0.1 -p "$sport" -mp "$mport" -cp "$cport" -m 1 -nostdin -f 10 \
            -trace_err -error_file "$log_dir/X-sipp-errors.log" \
            -trace_msg -message_file "$log_dir/X-sipp-messages.log" \
            "127.0.0.1:$nport" > "$log_dir/X-sipp.out" 2>&1
        echo $? > "$log_dir/X-sipp.rc"
    ) &
    all_pids="$all_pids $!"
    if seen X-expiry 'session timer negotiated' 10; then
        say X-expiry status
    fi
}

expiry_check() {
    local name=expiry-exit-status
    if [ -n "$EXPIRY" ]; then ko $name "$EXPIRY"; return; fi
    if ! ended X-expiry 80; then ko $name "nst-cli still running after 80 s"; return; fi
    local i=0
    while [ ! -f "$log_dir/X-sipp.rc" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    local src
    src=$(cat "$log_dir/X-sipp.rc" 2>/dev/null || echo "?")
    if [ "$RC" != 3 ]; then ko $name "nst-cli exit $RC, expected 3 (session expired)"
    elif [ "$src" != 0 ]; then ko $name "SIPp exit $src (see X-sipp-errors.log)"
    elif ! grep -q 'status: session timer: interval 90 s, peer refreshes' "$log_dir/X-expiry.log"; then
        ko $name "status did not show 'interval 90 s, peer refreshes'"
    elif ! grep -Eq 'status: next timer in [0-9.]+ s: expiry BYE' "$log_dir/X-expiry.log"; then
        ko $name "status did not name the expiry BYE as the next timer"
    elif ! grep -q 'session expired' "$log_dir/X-expiry.log"; then
        ko $name "no 'session expired' line"
    else ok $name
    fi
}

# ------------------------------------------------------------------ refresh 481
# nst-cli calls SIPp (interop scenario caller-481.xml), refreshes at 45 s
# and gets 481: nst sends BYE; nst-cli names the 481 and its sender and
# exits 8. Started early, checked last.
refresh481_start() {
    R481=""
    if ! command -v "$sipp" >/dev/null 2>&1; then R481="sipp not found"; return; fi
    if [ ! -f "$scen_dir/caller-481.xml" ]; then R481="no scenario $scen_dir/caller-481.xml"; return; fi
    next_port; R481_PORT=$NEXT_PORT
    next_port; local mport=$NEXT_PORT; port=$((port + 4))
    next_port; local nport=$NEXT_PORT
    (
        cd "$log_dir" && timeout -k 5 80 "$sipp" -sf "$scen_dir/caller-481.xml" \
            -i 127.0.0.1 -p "$R481_PORT" -mp "$mport" -m 1 -nostdin \
            -trace_err -error_file "$log_dir/X481-sipp-errors.log" > "$log_dir/X481-sipp.out" 2>&1
        echo $? > "$log_dir/X481-sipp.rc"
    ) &
    all_pids="$all_pids $!"
    sleep 0.5
    ua X481 85 -b "sip:127.0.0.1:$nport" -e 90 call "sip:sipp@127.0.0.1:$R481_PORT"
}

refresh481_check() {
    local name=refresh-481-exit-status
    if [ -n "$R481" ]; then ko $name "$R481"; return; fi
    if ! ended X481 60; then ko $name "nst-cli still running 60 s after the 481"; return; fi
    if [ "$RC" != 8 ]; then ko $name "nst-cli exit $RC, expected 8 (a refresh failed)"
    elif ! grep -q "refresh failed: 481 Call/Transaction Does Not Exist (said by 127.0.0.1:$R481_PORT)" "$log_dir/X481.log"; then
        ko $name "no 'refresh failed: 481 ... (said by 127.0.0.1:$R481_PORT)' line"
    elif ! grep -q "call ended (a refresh failed: 481 Call/Transaction Does Not Exist, said by 127.0.0.1:$R481_PORT; nst sent BYE)" "$log_dir/X481.log"; then
        ko $name "the 'call ended' line does not say which refresh failed"
    else ok $name
    fi
}

# ------------------------------------------------------------------ cases
case_help() {
    local out rc c missing=""
    out=$("$nst_cli" --help 2>&1); rc=$?
    for c in hold unhold reinvite update bye status quit help --config --session-expires \
             --min-se --refresher --refresh-method --peer-without-timer --no-timer "Exit status" \
             "  8  a refresh failed"; do
        grep -q -- "$c" <<<"$out" || missing="$missing $c"
    done
    if [ $rc != 0 ]; then ko help "--help exit $rc, expected 0"
    elif [ -n "$missing" ]; then ko help "--help does not list:$missing"
    else ok help
    fi
    out=$("$nst_cli" --version 2>&1); rc=$?
    if [ $rc = 0 ] && grep -q '^nst-cli ' <<<"$out"; then ok version
    else ko version "--version exit $rc: $out"
    fi
}

case_usage() {
    local args rc bad=""
    for args in "--bogus listen" "-e abc listen" "-e 60 listen" "-m 30 listen" \
                "-r sometimes listen" "" "dance" "call" "listen extra" \
                "-c /nonexistent/nst.conf listen" "-w 70 listen" \
                "-m 300 -e 300 -w 268 listen" "-b notaurl listen" \
                "-b sip: listen" "call not-a-uri" "-e 1x listen" \
                "call sip:a@127.0.0.1;transport=foo" \
                "-R sip:127.0.0.1 listen" "--expires 0 listen" \
                "--password-file /nonexistent listen" "-P notauri listen" \
                "--password pw listen"; do
        # shellcheck disable=SC2086
        timeout 5 "$nst_cli" $args > /dev/null 2>&1 < /dev/null; rc=$?
        [ $rc = 2 ] || bad="$bad '$args'->$rc"
    done
    if [ -z "$bad" ]; then ok usage-errors
    else ko usage-errors "expected exit 2:$bad"
    fi
}

# A listens, B calls; commands on both. Leaves them in the call.
pair() {    # pair A B [EXTRA-OPTIONS-OF-BOTH...]
    local a=$1 b=$2; shift 2
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    PORT_A=$pa
    ua "$a" 60 -b "sip:127.0.0.1:$pa" -e 90 "$@" listen
    seen "$a" 'commands: reading stdin' 5 || return 1
    ua "$b" 60 -b "sip:127.0.0.1:$pb" -e 90 "$@" call "sip:a@127.0.0.1:$pa"
    seen "$a" 'session timer negotiated' 5 && seen "$b" 'session timer negotiated' 5
}

case_call() {
    if ! pair A B; then
        ko call-established "no call between A and B"; return 1
    fi
    say A status; say B status
    if seen A 'status: session timer: interval 90 s, peer refreshes, refreshes so far 0' &&
       seen B 'status: session timer: interval 90 s, we refresh by UPDATE, refreshes so far 0' &&
       seen A 'status: next timer in [0-9.]+ s: expiry BYE' &&
       seen B 'status: next timer in [0-9.]+ s: refresh' &&
       seen A 'status: call ready' && seen B 'status: counters: refreshes sent 0'; then
        ok call-established-status
    else
        ko call-established-status "status lines missing in A.log/B.log"
    fi

    say A frobnicate
    say A status
    if seen A "error: unknown command 'frobnicate'" && [ "$(count A 'status: call ready')" -ge 2 ] &&
       alive A; then
        ok unknown-command
    else
        ko unknown-command "no error line, or A died"
    fi

    say B hold
    if seen A 're-INVITE from peer answered 200 OK \(SDP a=sendonly\)' &&
       seen A 'media: audio recvonly' && seen B 'hold: re-INVITE answered 200' &&
       say B status && seen B 'status: call ready .*audio sendonly'; then
        ok hold
    else
        ko hold "A did not see a re-INVITE with a=sendonly, or B no 200"
    fi

    say B unhold
    if seen A 're-INVITE from peer answered 200 OK \(SDP (a=)?sendrecv\)' &&
       seen B 'unhold: re-INVITE answered 200' && seen A 'media: audio sendrecv'; then
        ok unhold
    else
        ko unhold "A did not see a re-INVITE with a=sendrecv, or B no 200"
    fi

    say B update
    if seen B 'update: UPDATE answered 200' && seen A 'UPDATE from peer answered 200'; then
        ok update
    else
        ko update "B's UPDATE not answered 200"
    fi

    say A reinvite
    if seen A 'reinvite: re-INVITE answered 200' && [ "$(count B 're-INVITE from peer')" -ge 1 ]; then
        ok reinvite-by-callee
    else
        ko reinvite-by-callee "A's re-INVITE not answered 200"
    fi

    # a second caller while A is busy: 486, exit status 4
    next_port
    ua C 20 -b "sip:127.0.0.1:$NEXT_PORT" -e 90 call "sip:a@127.0.0.1:$PORT_A"
    if ended C 10 && [ "$RC" = 4 ] &&
       grep -q "call failed: 486 Busy Here (said by 127.0.0.1:$PORT_A" "$log_dir/C.log"; then
        ok call-rejected
    else
        ko call-rejected "C exit ${RC:-still running}, expected 4 after 486"
    fi

    say B bye
    local ra rb
    ended B 10; rb=$RC
    ended A 10; ra=$RC
    if [ "$rb" = 5 ] && [ "$ra" = 0 ] && grep -q 'call ended (we hung up by command)' "$log_dir/B.log" &&
       grep -q 'call ended (the peer hung up)' "$log_dir/A.log"; then
        ok bye
    else
        ko bye "B (bye) exit ${rb:-running}, expected 5; A (peer) exit ${ra:-running}, expected 0"
    fi
}

# quit in a call, on a glib main loop; the caller's stdin ends first
case_quit() {
    if ! pair D E --glib; then
        ko quit "no call between D and E (--glib)"; return 1
    fi
    eof E
    sleep 0.5
    if seen E 'commands: end of input' && alive E; then
        ok end-of-input
    else
        ko end-of-input "E did not go on after the end of its stdin"
    fi
    say D quit
    local rd re
    ended D 10; rd=$RC
    ended E 10; re=$RC
    if [ "$rd" = 5 ] && [ "$re" = 0 ]; then
        ok quit
    else
        ko quit "D (quit) exit ${rd:-running}, expected 5; E (peer) exit ${re:-running}, expected 0"
    fi
}

case_quit_idle() {
    next_port
    ua F 20 -b "sip:127.0.0.1:$NEXT_PORT" listen
    seen F 'commands: reading stdin' 5
    say F status
    say F quit
    if ended F 5 && [ "$RC" = 0 ] && grep -q 'status: no call' "$log_dir/F.log"; then
        ok quit-without-call
    else
        ko quit-without-call "F exit ${RC:-running}, expected 0"
    fi

    # stdin /dev/null: no commands, runs on; SIGTERM ends it (exit 0: no call)
    next_port
    "$nst_cli" -n G -b "sip:127.0.0.1:$NEXT_PORT" listen < /dev/null > "$log_dir/G.log" 2>&1 &
    local g=$! rc i=0
    all_pids="$all_pids $g"
    seen G 'listening on' 5
    sleep 1
    if kill -0 $g 2>/dev/null; then
        kill -TERM $g
        while kill -0 $g 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -0 $g 2>/dev/null && kill -KILL $g
        wait $g; rc=$?
        if [ $rc = 0 ] && grep -q 'got SIGTERM' "$log_dir/G.log"; then ok stdin-devnull-and-sigterm
        else ko stdin-devnull-and-sigterm "exit $rc after SIGTERM, expected 0"
        fi
    else
        ko stdin-devnull-and-sigterm "nst-cli with stdin /dev/null ended by itself"
    fi
}

# --lifetime 2: nst ends the call after 2 s, exit status 6; the peer 0
case_lifetime() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua H 20 -b "sip:127.0.0.1:$pa" -e 90 listen
    seen H 'commands: reading stdin' 5
    ua I 20 -b "sip:127.0.0.1:$pb" -e 90 --lifetime 2 call "sip:i@127.0.0.1:$pa"
    local rh ri
    ended I 10; ri=$RC
    ended H 10; rh=$RC
    if [ "$ri" = 6 ] && [ "$rh" = 0 ] && grep -q 'call lifetime granted: 2 s' "$log_dir/I.log"; then
        ok lifetime-exit-status
    else
        ko lifetime-exit-status "I exit ${ri:-running}, expected 6; H exit ${rh:-running}, expected 0"
    fi
}

# A callee with Min-SE 120 and a caller offering 90: the callee prints the
# 422 it answered with its Min-SE, the caller's next INVITE carries 120.
case_422_printed() {
    next_port; local pj=$NEXT_PORT
    next_port; local pk=$NEXT_PORT
    ua RJ 20 -b "sip:127.0.0.1:$pj" -e 120 -m 120 -d 2 listen
    seen RJ 'commands: reading stdin' 5
    ua RK 20 -b "sip:127.0.0.1:$pk" -e 90 call "sip:j@127.0.0.1:$pj"
    local rj rk
    ended RK 15; rk=$RC
    ended RJ 15; rj=$RC
    if ! grep -q "rejected the peer's request: 422 Session Interval Too Small (Min-SE: 120)" \
            "$log_dir/RJ.log"; then
        ko rejection-printed "RJ did not print the 422 it sent with Min-SE: 120"
    elif ! grep -q 'session timer negotiated: interval 120 s' "$log_dir/RK.log"; then
        ko rejection-printed "RK did not negotiate 120 s after the 422"
    elif [ "$rk" != 0 ] || [ "$rj" != 0 ]; then
        ko rejection-printed "RK exit ${rk:-running}, expected 0; RJ exit ${rj:-running}, expected 0 (--duration)"
    else ok rejection-printed
    fi
}

# ------------------------------------------------------------------ failures
# Every failure ends nst-cli with its exit status and a line that says
# what happened and who said it.

case_bad_urls() {
    local out rc
    out=$(timeout 5 "$nst_cli" -b notaurl listen 2>&1 < /dev/null); rc=$?
    if [ $rc = 2 ] && grep -q "notaurl': not a sip: or sips: URL" <<<"$out" &&
       ! grep -q 'address in use' <<<"$out"; then ok bind-not-a-url
    else ko bind-not-a-url "exit $rc: $out"
    fi
    out=$(timeout 5 "$nst_cli" -b sip:127.0.0.1:1 call "not a uri" 2>&1 < /dev/null); rc=$?
    if [ $rc = 2 ] && grep -q "call 'not a uri': not a sip: or sips: URL" <<<"$out"; then
        ok call-not-a-uri
    else ko call-not-a-uri "exit $rc: $out"
    fi
    # a sips: target (or ;transport=tls) needs TLS, which a sip: bind lacks
    out=$(timeout 5 "$nst_cli" -b sip:127.0.0.1:1 call "sips:a@127.0.0.1:5061" 2>&1 < /dev/null); rc=$?
    local out2 rc2
    out2=$(timeout 5 "$nst_cli" -b "sip:127.0.0.1:1;transport=udp" \
           call "sip:a@127.0.0.1:5061;transport=tcp" 2>&1 < /dev/null); rc2=$?
    if [ $rc = 2 ] && grep -q "call 'sips:a@127.0.0.1:5061' needs TLS, but --bind 'sip:127.0.0.1:1' binds UDP and TCP only" <<<"$out" &&
       [ $rc2 = 2 ] && grep -q "needs TCP, but --bind 'sip:127.0.0.1:1;transport=udp' binds UDP only" <<<"$out2"; then
        ok transport-not-bound
    else ko transport-not-bound "exit $rc: $out / exit $rc2: $out2"
    fi
    # the port is taken: nta's own words
    next_port
    ua J 10 -b "sip:127.0.0.1:$NEXT_PORT" listen
    seen J 'listening on' 5
    out=$(timeout 5 "$nst_cli" -b "sip:127.0.0.1:$NEXT_PORT" listen 2>&1 < /dev/null); rc=$?
    say J quit
    if [ $rc = 1 ] && grep -q "cannot start a SIP stack on sip:127.0.0.1:$NEXT_PORT: nta: bind(.*Address already in use" <<<"$out"; then
        ok bind-in-use
    else ko bind-in-use "exit $rc: $out"
    fi
}

# nobody listens: nta makes up 503 at once; it must say so
case_local_503() {
    next_port; local dead=$NEXT_PORT
    next_port
    ua K 20 -b "sip:127.0.0.1:$NEXT_PORT" call "sip:nobody@127.0.0.1:$dead;transport=tcp"
    if ended K 10 && [ "$RC" = 4 ] &&
       grep -q 'call failed: 503 .*made up locally by the SIP stack' "$log_dir/K.log"; then
        ok local-503
    else ko local-503 "K exit ${RC:-still running}, expected 4 and 'made up locally'"
    fi
}

# a registrar nobody runs: nta makes up 503, the registration fails, exit 7
case_register_unreachable() {
    next_port; local dead=$NEXT_PORT
    next_port
    ua RG 20 -b "sip:127.0.0.1:$NEXT_PORT" -u alice --password pw \
        -R "sip:127.0.0.1:$dead;transport=tcp" listen
    if ended RG 10 && [ "$RC" = 7 ] &&
       grep -q 'registration failed: 503 .*made up locally by the SIP stack' "$log_dir/RG.log" &&
       ! grep -q '[^-]pw' "$log_dir/RG.log"; then
        ok register-unreachable
    else ko register-unreachable "RG exit ${RC:-still running}, expected 7 and 'made up locally'"
    fi
}

# ;transport=tcp without angle brackets: the callee sees TCP
case_transport_tcp() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua L 20 -b "sip:127.0.0.1:$pa" -e 90 listen
    seen L 'commands: reading stdin' 5
    ua M 20 -b "sip:127.0.0.1:$pb" -e 90 -d 1 call "sip:l@127.0.0.1:$pa;transport=tcp"
    ended M 10; local rm=$RC
    ended L 10
    if [ "$rm" = 0 ] && grep -q 'incoming INVITE over TCP' "$log_dir/L.log"; then
        ok transport-tcp-as-written
    else ko transport-tcp-as-written "M exit ${rm:-running}; L: $(grep 'incoming INVITE' "$log_dir/L.log")"
    fi
}

# -T: no "timer" in Supported, so the callee refreshes itself (section 9)
# and cannot make us refresh
case_no_timer() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua N 20 -b "sip:127.0.0.1:$pa" -e 90 -r uac listen
    seen N 'commands: reading stdin' 5
    ua O 20 -b "sip:127.0.0.1:$pb" -T -d 1 call "sip:n@127.0.0.1:$pa"
    ended O 10; local ro=$RC
    ended N 10
    if [ "$ro" = 0 ] && grep -q 'incoming INVITE over UDP: no session-timer headers' "$log_dir/N.log" &&
       grep -q 'its 2xx: Session-Expires: 90;refresher=uas' "$log_dir/O.log" &&
       ! grep -q 'we refresh' "$log_dir/O.log" && ! grep -q 'Require: timer' "$log_dir/O.log"; then
        ok no-timer-refuses-imposed-timer
    else ko no-timer-refuses-imposed-timer "O exit ${ro:-running}, or the callee made O refresh"
    fi
}

# -T as callee: the 2xx lists no "timer" in Supported either
case_no_timer_callee() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua NC 20 -b "sip:127.0.0.1:$pa" -T listen
    seen NC 'commands: reading stdin' 5
    ua ND 20 -b "sip:127.0.0.1:$pb" -e 90 -d 1 call "sip:nc@127.0.0.1:$pa"
    ended ND 10; local rd=$RC
    ended NC 10
    if [ "$rd" = 0 ] && grep -q 'its 2xx: no session-timer headers$' "$log_dir/ND.log"; then
        ok no-timer-callee-2xx
    else ko no-timer-callee-2xx "ND exit ${rd:-running}; $(grep 'its 2xx' "$log_dir/ND.log")"
    fi
}

# -T: the reinvite and update commands list no "timer" in Supported either
# (the callee prints the headers of each)
case_no_timer_commands() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua NE 20 -b "sip:127.0.0.1:$pa" -e 90 listen
    seen NE 'commands: reading stdin' 5
    ua NF 20 -b "sip:127.0.0.1:$pb" -T call "sip:ne@127.0.0.1:$pa"
    if ! seen NF 'call answered' 5; then ko no-timer-reinvite-update "no call"; say NF quit; say NE quit; return; fi
    say NF reinvite
    seen NF 'reinvite: re-INVITE answered' 5
    say NF update
    seen NF 'update: UPDATE answered' 5
    say NF bye
    ended NF 10; local rf=$RC
    ended NE 10
    if [ "$rf" = 5 ] && [ "$(count NE '  its headers: Session-Expires: 90;refresher=uas, Min-SE: 90$')" = 2 ] &&
       ! grep -q 'we refresh' "$log_dir/NF.log"; then
        ok no-timer-reinvite-update
    else ko no-timer-reinvite-update "NF exit ${rf:-running}; NE saw: $(grep 'its headers' "$log_dir/NE.log" | tr '\n' '|')"
    fi
}

# liblinphone's file once linphonec registered: ha1= and no passwd=.
# Sofia-SIP needs the password: a clear error at start, exit 2, and the
# ha1 is not printed
case_config_ha1() {
    local f=$log_dir/ha1.linphonerc out rc
    cat > "$f" <<EOF
[sip]
session_expires_value=90
[proxy_0]
reg_proxy=<sip:127.0.0.1:1>
reg_identity=sip:lin@nst.test
reg_sendregister=1
[auth_info_0]
username=lin
passwd=
ha1=ed8e30ab4e1a8e3c0b5cb2f5a7b7d0c1
realm=nst.test
domain=nst.test
EOF
    out=$(timeout 10 "$nst_cli" -b sip:127.0.0.1:1 -c "$f" listen 2>&1 < /dev/null); rc=$?
    if [ $rc = 2 ] &&
       grep -q "account sip:lin@nst.test: the password is stored as ha1 in $f (\[auth_info_0\]); nst-cli needs the password" <<<"$out" &&
       ! grep -q ed8e30ab <<<"$out"; then
        ok config-ha1-refused
    else ko config-ha1-refused "exit $rc: $out"
    fi
}

# a PBX ends the call by itself: nst-cli says where the BYE came from and
# its Reason. Its 2xx made the -T caller the refresher: nst-cli says that
# breaks RFC 4028 section 9
case_bye_reason() {
    if ! command -v "$sipp" >/dev/null 2>&1; then ko bye-from-peer-reason "sipp not found"; return; fi
    next_port; local sport=$NEXT_PORT
    next_port; local mport=$NEXT_PORT; port=$((port + 4))
    next_port; local pb=$NEXT_PORT
    (
        cd "$log_dir" && timeout -k 5 20 "$sipp" -sf "$here/scenarios/uas-bye-reason.xml" \
            -i 127.0.0.1 -p "$sport" -mp "$mport" -m 1 -nostdin \
            -trace_err -error_file "$log_dir/BR-sipp-errors.log" > "$log_dir/BR-sipp.out" 2>&1
        echo $? > "$log_dir/BR-sipp.rc"
    ) &
    all_pids="$all_pids $!"
    sleep 0.5
    ua BR 20 -b "sip:127.0.0.1:$pb" -T call "sip:pbx@127.0.0.1:$sport"
    ended BR 10; local rb=$RC
    if [ "$rb" = 0 ] &&
       grep -q "BYE from peer (received from 127.0.0.1:$sport, User-Agent: sipp-pbx), Reason: Q.850;cause=16;text=\"RTP timeout\"" "$log_dir/BR.log" &&
       grep -q 'call ended (the peer hung up)' "$log_dir/BR.log"; then
        ok bye-from-peer-reason
    else ko bye-from-peer-reason "BR exit ${rb:-running}; $(grep 'BYE from' "$log_dir/BR.log")"
    fi
    if grep -q 'warning: -T, but the 2xx makes us the refresher (refresher=uac)' "$log_dir/BR.log"; then
        ok no-timer-imposed-uac-warned
    else ko no-timer-imposed-uac-warned "no warning for refresher=uac to a -T INVITE"
    fi
}

# a proxy's 407 and no credentials: exit 4 at once, naming the 407 and its sender
case_407() {
    if ! command -v "$sipp" >/dev/null 2>&1; then ko challenge-407 "sipp not found"; return; fi
    next_port; local sport=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    (
        cd "$log_dir" && timeout -k 5 20 "$sipp" -sf "$here/scenarios/uas-407.xml" \
            -i 127.0.0.1 -p "$sport" -m 1 -nostdin \
            -trace_err -error_file "$log_dir/P-sipp-errors.log" > "$log_dir/P-sipp.out" 2>&1
        echo $? > "$log_dir/P-sipp.rc"
    ) &
    all_pids="$all_pids $!"
    sleep 0.5
    ua P 30 -b "sip:127.0.0.1:$pb" call "sip:p@127.0.0.1:$sport"
    if ended P 10 && [ "$RC" = 4 ] &&
       grep -q "call failed: 407 Proxy Authentication Required (said by 127.0.0.1:$sport, sipp-407-proxy" "$log_dir/P.log" &&
       grep -q 'call ended (call failed)' "$log_dir/P.log"; then
        ok challenge-407-ends
    else ko challenge-407-ends "P exit ${RC:-still running after 10 s}, expected 4 and the 407's sender"
    fi
}

# SIGTERM while the INVITE has no answer at all: CANCEL cannot go out
# (no provisional response); nst-cli ends 5 s later, exit status 5
case_sigterm_unanswered() {
    if ! command -v "$sipp" >/dev/null 2>&1; then ko sigterm-unanswered "sipp not found"; return; fi
    next_port; local sport=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    (
        cd "$log_dir" && timeout -k 5 20 "$sipp" -sf "$here/scenarios/uas-silent.xml" \
            -i 127.0.0.1 -p "$sport" -m 1 -nostdin > "$log_dir/T-sipp.out" 2>&1
    ) &
    all_pids="$all_pids $!"
    sleep 0.5
    ua T 30 -b "sip:127.0.0.1:$pb" call "sip:t@127.0.0.1:$sport"
    seen T 'calling on' 5
    sleep 1
    kill -TERM "$(pgrep -f -- "-n T -b sip:127.0.0.1:$pb" | tail -1)" 2>/dev/null
    if ended T 10 && [ "$RC" = 5 ] && grep -q 'got SIGTERM' "$log_dir/T.log" &&
       grep -q 'did not end within 5 s of our CANCEL' "$log_dir/T.log"; then
        ok sigterm-unanswered-ends
    else ko sigterm-unanswered-ends "T exit ${RC:-still running after 10 s}, expected 5"
    fi
}

# ------------------------------------------------------------------ transports
# A CA and two certificates for 127.0.0.1, made here with openssl
make_ca() {
    local d=$log_dir/tls n
    mkdir -p "$d" || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 \
        -subj "/CN=nst-cli test CA" >/dev/null 2>&1 || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/other.key" -out "$d/other.pem" \
        -days 2 -subj "/CN=another CA" >/dev/null 2>&1 || return 1
    printf 'subjectAltName=IP:127.0.0.1\n' > "$d/ext"
    for n in a b; do
        openssl req -newkey rsa:2048 -nodes -keyout "$d/$n.key" -out "$d/$n.csr" \
            -subj "/CN=127.0.0.1" >/dev/null 2>&1 &&
        openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
            -CAcreateserial -CAserial "$d/ca.srl" -out "$d/$n.crt" -days 2 \
            -extfile "$d/ext" >/dev/null 2>&1 &&
        cat "$d/$n.key" "$d/$n.crt" > "$d/$n.pem" || return 1
    done
}

# sips: both ways verified by the CA; a caller that trusts another CA
# cannot set up TLS (Sofia says so) and the call fails (408, made up
# locally, after 32 s: checked at the end)
case_tls() {
    local t=$log_dir/tls
    if ! command -v openssl >/dev/null 2>&1 || ! make_ca; then
        ko tls "cannot make the test CA with openssl"; TLS_BAD=""; return
    fi
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua Q 20 -b "sips:127.0.0.1:$pa" -e 90 --cert "$t/a.pem" --ca "$t/ca.pem" --tls-verify listen
    seen Q 'commands: reading stdin' 5
    ua R 20 -b "sips:127.0.0.1:$pb" -e 90 --cert "$t/b.pem" --ca "$t/ca.pem" --tls-verify \
        -d 1 call "sips:q@127.0.0.1:$pa"
    ended R 10; local rr=$RC
    ended Q 10
    if [ "$rr" = 0 ] && grep -q 'incoming INVITE over TLS' "$log_dir/Q.log" &&
       grep -q 'BYE answered 200' "$log_dir/R.log"; then
        ok tls-verified-both-ways
    else ko tls-verified-both-ways "R exit ${rr:-running}; Q: $(grep 'incoming INVITE' "$log_dir/Q.log")"
    fi
    next_port; pa=$NEXT_PORT
    next_port; pb=$NEXT_PORT
    ua S 60 -b "sips:127.0.0.1:$pa" -e 90 --cert "$t/a.pem" --ca "$t/ca.pem" listen
    seen S 'commands: reading stdin' 5
    ua U 60 -b "sips:127.0.0.1:$pb" -e 90 --cert "$t/b.pem" --ca "$t/other.pem" --tls-verify \
        call "sips:s@127.0.0.1:$pa"
    TLS_BAD=1
}

tls_bad_check() {
    [ -n "${TLS_BAD:-}" ] || return
    if ended U 45 && [ "$RC" = 4 ] && grep -q 'TLS setup failed' "$log_dir/U.log" &&
       grep -q 'call failed: 408 Request Timeout (made up locally by the SIP stack' "$log_dir/U.log" &&
       ! grep -q 'incoming INVITE' "$log_dir/S.log"; then
        ok tls-untrusted-peer-fails
    else ko tls-untrusted-peer-fails "U exit ${RC:-still running}, expected 4 after a failed TLS setup"
    fi
    say S quit
}

case_ipv6() {
    if ! ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
        ko ipv6 "no ::1 on lo"; return
    fi
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua V 20 -b "sip:[::1]:$pa" -e 90 listen
    seen V 'commands: reading stdin' 5
    ua W 20 -b "sip:[::1]:$pb" -e 90 -d 1 call "sip:v@[::1]:$pa;transport=tcp"
    ended W 10; local rw=$RC
    ended V 10
    if [ "$rw" = 0 ] && grep -q 'incoming INVITE over TCP' "$log_dir/V.log" &&
       grep -q 'call answered: 200' "$log_dir/W.log"; then
        ok ipv6-tcp
    else ko ipv6-tcp "W exit ${rw:-running}"
    fi
}

# IPv6 over UDP with --media: the SDP's c= line is IPv6 (SOATAG_ADDRESS
# is given "[::1]"), RTP goes both ways over ::1
case_ipv6_media() {
    if ! ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
        ko ipv6-udp-media "no ::1 on lo"; return
    fi
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua V6 20 -b "sip:[::1]:$pa" -e 90 --media listen
    seen V6 'commands: reading stdin' 5
    TPORT_LOG=1 ua W6 20 -b "sip:[::1]:$pb" -e 90 --media -d 2 call "sip:v@[::1]:$pa"
    ended W6 10; local rw=$RC
    ended V6 10
    local n bad=""
    for n in V6 W6; do
        set -- $(sed -n 's/.*media: RTP packets sent \([0-9]*\), received \([0-9]*\) (peer ::1 .*/\1 \2/p' "$log_dir/$n.log")
        if [ -z "${1:-}" ] || [ "$1" -lt 50 ] || [ "$2" -lt 50 ]; then
            bad="$bad $n: '$(grep 'media: RTP packets' "$log_dir/$n.log")'"
        fi
    done
    if [ "$rw" = 0 ] && [ -z "$bad" ] && grep -q 'incoming INVITE over UDP' "$log_dir/V6.log" &&
       grep -q '^ *c=IN IP6 ::1' "$log_dir/W6.log" && ! grep -q 'c=IN IP6 \[' "$log_dir/W6.log"; then
        ok ipv6-udp-media
    else ko ipv6-udp-media "W6 exit ${rw:-running};$bad; $(grep -m2 'c=IN' "$log_dir/W6.log" | tr '\n' '|')"
    fi
}

# --media: RTP both ways with oRTP for the 3 s of the call (150 packets
# of 20 ms each way; 100 leaves room for a loaded machine)
case_media() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua Y 20 -b "sip:127.0.0.1:$pa" -e 90 --media listen
    seen Y 'commands: reading stdin' 5
    ua Z 20 -b "sip:127.0.0.1:$pb" -e 90 --media -d 3 call "sip:y@127.0.0.1:$pa"
    ended Z 10; local rz=$RC
    ended Y 10
    local line n bad=""
    for n in Y Z; do
        line=$(grep 'media: RTP packets sent' "$log_dir/$n.log")
        set -- $(sed -n 's/.*sent \([0-9]*\), received \([0-9]*\).*/\1 \2/p' <<<"$line")
        if [ -z "${1:-}" ] || [ "$1" -lt 100 ] || [ "$2" -lt 100 ]; then
            bad="$bad $n: '${line:-no media line}'"
        fi
    done
    if [ "$rz" = 0 ] && [ -z "$bad" ]; then ok media-rtp-both-ways
    else ko media-rtp-both-ways "Z exit ${rz:-running};$bad"
    fi
}

# tree_ticks PID: CPU clock ticks (user + system) of PID and everything
# under it (the ua subshell, timeout, nst-cli)
tree_ticks() {
    local t=0 c f
    for c in $(pgrep -P "$1"); do t=$((t + $(tree_ticks "$c"))); done
    f=$(cut -d' ' -f14,15 "/proc/$1/stat" 2>/dev/null) || f=""
    set -- $f
    echo $((t + ${1:-0} + ${2:-0}))
}

# two nst-cli in a call, idle for 3 s (nua's, nst's and nst-cli's timers
# armed; Sofia on su_glib, or polled by GLib where su_glib fires no timers,
# as the 'main loop:' line says): together under 0.3 s of CPU. A loop that
# polls without waiting would use about 6 s.
case_idle_cpu() {
    next_port; local pa=$NEXT_PORT
    next_port; local pb=$NEXT_PORT
    ua IA 20 -b "sip:127.0.0.1:$pa" listen
    seen IA 'commands: reading stdin' 5
    ua IB 20 -b "sip:127.0.0.1:$pb" -d 5 call "sip:ia@127.0.0.1:$pa"
    local t0 t1 limit=$(( $(getconf CLK_TCK) * 3 / 10 ))
    if ! seen IB 'call answered' 5; then
        ko idle-cpu "no call between IA and IB"; say IA quit; return
    fi
    t0=$(( $(tree_ticks "${PID[IA]}") + $(tree_ticks "${PID[IB]}") ))
    sleep 3
    t1=$(( $(tree_ticks "${PID[IA]}") + $(tree_ticks "${PID[IB]}") ))
    ended IB 10; local rb=$RC
    ended IA 10     # a listener ends with its call
    if [ "$rb" = 0 ] && [ $((t1 - t0)) -lt "$limit" ] &&
       grep -q 'main loop: ' "$log_dir/IB.log"; then
        ok idle-cpu
    else ko idle-cpu "IB exit ${rb:-running}; $((t1 - t0)) ticks of CPU in 3 s idle (limit $limit); $(grep 'main loop' "$log_dir/IB.log")"
    fi
}

# ------------------------------------------------------------------ main
echo "check-cli: nst-cli $nst_cli, logs $log_dir; about 70 s"
expiry_start
refresh481_start
case_help
case_usage
case_call
case_quit
case_quit_idle
case_lifetime
case_422_printed
case_bad_urls
case_local_503
case_register_unreachable
case_transport_tcp
case_no_timer
case_no_timer_callee
case_no_timer_commands
case_config_ha1
case_bye_reason
case_407
case_sigterm_unanswered
case_tls
case_ipv6
case_ipv6_media
case_media
case_idle_cpu
tls_bad_check
expiry_check
refresh481_check

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
