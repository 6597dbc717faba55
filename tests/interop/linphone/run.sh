#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Interop test: RFC 4028 session timers between nst-cli and liblinphone's
# linphonec (Debian package linphone-cli), headless, loopback only, bounded.
#
#   tests/interop/linphone/run.sh PATH/TO/nst-cli
#
# Needs: linphonec (linphone-cli), tmux, unshare + ip (util-linux, iproute2),
# root or unprivileged user namespaces (for a private network namespace).
#
# What it does, per case: starts linphonec in a detached tmux session (it
# needs a terminal), places or receives one call with nst-cli, both sides at
# Session-Expires 90 / Min-SE 90, and nst-cli hangs up after CALL_S (60) s so
# the first refresh (at 45 s) falls inside the call. Then it checks, from
# nst-cli's output and from linphonec's log (-d 6, which dumps every SIP
# message), that:
#   - the call was up for the whole time (nst-cli hung up, exit 0, no expiry,
#     no "Media connectivity ... lost" in linphonec),
#   - both sides negotiated interval 90 and name the same refresher,
#   - the refresher sent at least one refresh and the other side answered 200,
#   - where the case forces a refresher (-r uac / -r uas), it is nst-cli.
#
# Loopback only: the whole test runs inside a private network namespace
# (unshare -n) whose only interface is lo, so every address either side can
# find or advertise is 127.0.0.1 and no packet (SIP, RTP, RTCP) can leave it.
# (nst-cli's Sofia SDP otherwise fills c= with the host's first non-loopback
# address and linphonec would send its RTP there.)
#
# The no-RTP hang-up: linphonec ends a call after [rtp] nortp_timeout seconds
# (default 30) without RTP/RTCP from the peer ("Media connectivity with ... is
# lost"). nst-cli sends no media, so the config sets nortp_timeout=600. (In
# liblinphone 5.1 a value of 0 is NOT "off": the check then fires after 1 s.)
#
# Output: one "PASS: ..." or "FAIL: ..." line per case, then
# "N passed, N failed". Exit 0 when all passed, 1 otherwise, 77 (skip) when a
# prerequisite is missing. The log directory is printed first; it is kept when
# a case fails or when KEEP_LOGS=1.
#
# Env: CALL_S (default 60), CASES (default "out-auto out-uac in-auto in-uas").

set -u

ME=$(basename "$0")
CALL_S=${CALL_S:-60}
CASES=${CASES:-"out-auto out-uac in-auto in-uas"}
NST_PORT=15060
LP_PORT=15070
LP_RTP=17078
SE=90
n_cases=$(echo $CASES | wc -w)
# hard bound on the whole run, seconds
TOTAL_LIMIT=${TOTAL_LIMIT:-$(( n_cases * (CALL_S + 60) + 60 ))}

skip() {
	echo "SKIP: $ME: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
}

if [ $# -lt 1 ]; then
	echo "usage: $ME PATH/TO/nst-cli" >&2
	exit 2
fi

# ---------------------------------------------------------------------------
# Outer level: check prerequisites, re-run ourselves in a private netns.
# ---------------------------------------------------------------------------
if [ -z "${NST_LP_INNER:-}" ]; then
	NST=$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1")
	[ -x "$NST" ] || { echo "FAIL: $ME: nst-cli not found or not executable: $1"; echo "0 passed, 1 failed"; exit 1; }
	for t in linphonec tmux unshare ip timeout awk; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not installed (apt-get install linphone-cli tmux iproute2 util-linux)"
	done
	NETNS="unshare -n"
	if ! unshare -n true 2>/dev/null; then
		# Not root: try an unprivileged user namespace as well.
		if unshare -r -n true 2>/dev/null; then
			NETNS="unshare -r -n"
		else
			skip "cannot create a private network namespace (unshare -n); refusing to run off loopback"
		fi
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/nst-linphone.XXXXXX")
	SOCK="$WORK/tmux.sock"
	echo "logs: $WORK (removed if all cases pass, unless KEEP_LOGS=1)"
	outer_cleanup() {
		# The tmux socket is a file, reachable from outside the netns.
		tmux -S "$SOCK" kill-server >/dev/null 2>&1 || true
		rm -f "$SOCK"
	}
	trap outer_cleanup EXIT
	trap 'exit 130' INT TERM
	NST_LP_INNER=1 NST_LP_WORK="$WORK" NST_LP_SOCK="$SOCK" \
		timeout -k 10 "$TOTAL_LIMIT" $NETNS -- bash "$0" "$NST"
	rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL: $ME: whole run exceeded ${TOTAL_LIMIT} s and was killed"
		echo "0 passed, 1 failed"
		exit 1
	fi
	if [ $rc -eq 0 ] && [ "${KEEP_LOGS:-0}" != 1 ]; then
		rm -rf "$WORK"
	fi
	exit $rc
fi

# ---------------------------------------------------------------------------
# Inner level: inside the private network namespace.
# ---------------------------------------------------------------------------
NST=$1
WORK=$NST_LP_WORK
SOCK=$NST_LP_SOCK
TM="tmux -S $SOCK -f /dev/null"
unset TMUX
NST_BG=""

inner_cleanup() {
	[ -n "$NST_BG" ] && kill "$NST_BG" 2>/dev/null
	$TM kill-server >/dev/null 2>&1 || true
}
trap inner_cleanup EXIT
trap 'exit 130' INT TERM

ip link set lo up || { echo "FAIL: $ME: cannot bring lo up in the namespace"; echo "0 passed, 1 failed"; exit 1; }
if ip -o addr show | awk '$2 != "lo"' | grep -q inet; then
	echo "FAIL: $ME: namespace has a non-loopback address, refusing to run"
	echo "0 passed, 1 failed"
	exit 1
fi

log() { echo "  [$(date +%T)] $*"; }

# wait_for SECONDS COMMAND... : poll until COMMAND succeeds.
wait_for() {
	local n=$(( $1 * 5 )); shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

pane_has() { $TM capture-pane -p -t "$1" -S -200 | grep -q -- "$2"; }

write_rc() {
	cat > "$1" <<EOF
[sip]
sip_port=$LP_PORT
sip_tcp_port=0
sip_tls_port=0
use_ipv6=0
bind_address=127.0.0.1
keepalive_period=0
session_expires_enabled=1
session_expires_value=$SE
session_expires_min_value=$SE
session_expires_refresher_value=0
[net]
nat_address=127.0.0.1
[rtp]
audio_rtp_port=$LP_RTP
video_rtp_port=$((LP_RTP + 2000))
text_rtp_port=$((LP_RTP + 4000))
bind_address=127.0.0.1
nortp_timeout=600
[video]
capture=0
display=0
automatically_initiate=0
automatically_accept=0
EOF
}

# sip_records LOG: one line per SIP message dumped in linphonec's log:
#   DIR|START-LINE|CSEQ-NUM|CSEQ-METHOD|SESSION-EXPIRES
# DIR is "out" (linphonec sent it) or "in" (linphonec received it).
sip_records() {
	awk '
	function flush() {
		if (dir != "" && start != "")
			printf "%s|%s|%s|%s|%s\n", dir, start, cnum, cmeth, se
		dir = ""; start = ""; cnum = ""; cmeth = ""; se = ""
	}
	/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / {
		flush()
		if ($0 ~ /message sent to \[/) { dir = "out"; want = 1 }
		else if ($0 ~ /new bytes from \[/) { dir = "in"; want = 1 }
		next
	}
	dir != "" {
		sub(/\r$/, "")
		if (want) { if ($0 == "") next; start = $0; want = 0; next }
		if (tolower($1) == "cseq:") { cnum = $2; cmeth = $3 }
		if (tolower($1) == "session-expires:" || tolower($1) == "x:") { se = $2 }
	}
	END { flush() }' "$1"
}

PASSED=0
FAILED=0

# run_case NAME
#   out-*: nst-cli calls linphonec (-a auto-answers)
#   in-*:  linphonec calls nst-cli (typed into its prompt)
#   *-auto: nst-cli -r auto, either side may end up refreshing
#   *-uac / *-uas: nst-cli asks to be the refresher
run_case() {
	local name=$1 dir=${1%%-*} r=${1#*-}
	local d=$WORK/$name
	local expect=any
	[ "$r" = auto ] || expect=nst
	mkdir -p "$d/home/.local/share/linphone"
	write_rc "$d/linphonerc"
	echo "case $name: $( [ "$dir" = out ] && echo "nst-cli calls linphonec" || echo "linphonec calls nst-cli"), nst-cli -r $r, Session-Expires $SE, call ${CALL_S} s"

	local aflag=""
	[ "$dir" = out ] && aflag="-a"
	$TM new-session -d -s "$name" -x 200 -y 50 \
		"HOME='$d/home' exec linphonec -c '$d/linphonerc' $aflag -d 6 -l '$d/linphonec.log'"
	local why=""
	if ! wait_for 20 pane_has "$name" 'linphonec>'; then
		why="linphonec did not start (no prompt)"
	else
		$TM send-keys -t "$name" 'ports' Enter
		wait_for 10 pane_has "$name" "sip port = $LP_PORT" || why="linphonec is not listening on $LP_PORT (see 'ports' in screen.txt)"
	fi

	local nrc=99
	if [ -z "$why" ]; then
		local bound=$((CALL_S + 40))
		if [ "$dir" = out ]; then
			log "nst-cli calls sip:linphonec@127.0.0.1:$LP_PORT"
			timeout -k 5 $bound "$NST" -b "sip:127.0.0.1:$NST_PORT" -e $SE -m $SE -r "$r" \
				-d "$CALL_S" -n nst call "sip:linphonec@127.0.0.1:$LP_PORT" > "$d/nst.out" 2>&1
			nrc=$?
		else
			timeout -k 5 $bound "$NST" -b "sip:127.0.0.1:$NST_PORT" -e $SE -m $SE -r "$r" \
				-d "$CALL_S" -n nst listen > "$d/nst.out" 2>&1 &
			NST_BG=$!
			if wait_for 10 grep -q 'listening on' "$d/nst.out"; then
				log "linphonec calls sip:nst@127.0.0.1:$NST_PORT"
				$TM send-keys -t "$name" "call sip:nst@127.0.0.1:$NST_PORT" Enter
			else
				why="nst-cli listen did not start"
			fi
			wait "$NST_BG"; nrc=$?
			NST_BG=""
		fi
		log "nst-cli exited $nrc"
	fi
	sleep 1
	$TM capture-pane -p -t "$name" -S -500 > "$d/screen.txt" 2>/dev/null
	$TM send-keys -t "$name" 'quit' Enter 2>/dev/null
	wait_for 5 sh -c "! $TM has-session -t '$name'" || $TM kill-session -t "$name" 2>/dev/null
	sip_records "$d/linphonec.log" > "$d/sip.txt" 2>/dev/null

	# ---- checks --------------------------------------------------------
	local errs=()
	[ -n "$why" ] && errs+=("$why")
	local no="$d/nst.out" lp="$d/linphonec.log" sip="$d/sip.txt"
	[ -f "$no" ] || : > "$no"
	[ -f "$lp" ] || : > "$lp"

	# nst-cli's view
	local nst_iv nst_who
	nst_iv=$(sed -n 's/.*session timer negotiated: interval \([0-9]*\) s.*/\1/p' "$no" | head -1)
	if grep -q 'session timer negotiated:.*we refresh' "$no"; then nst_who=nst
	elif grep -q 'session timer negotiated:.*peer refreshes' "$no"; then nst_who=linphonec
	else nst_who=none; fi
	[ "$nrc" -eq 0 ] || errs+=("nst-cli exit status $nrc (0 expected: call ended by our BYE)")
	[ "$nst_iv" = "$SE" ] || errs+=("nst-cli negotiated interval '${nst_iv:-none}', expected $SE")
	grep -q "hanging up after $CALL_S s" "$no" || errs+=("call did not last ${CALL_S} s on nst-cli's side")
	grep -q 'session expired' "$no" && errs+=("nst-cli saw the session expire")

	# linphonec's view: the 2xx of the initial INVITE, its refresh timer
	local inv_cseq ok_line lp_iv lp_param lp_role lp_who
	if [ "$dir" = out ]; then lp_role=uas; else lp_role=uac; fi
	inv_cseq=$(awk -F'|' '$2 ~ /^INVITE / && $4 == "INVITE" { print $3; exit }' "$sip")
	ok_line=$(awk -F'|' -v c="$inv_cseq" '$2 ~ /^SIP\/2\.0 2/ && $3 == c && $4 == "INVITE" { print; exit }' "$sip")
	lp_iv=$(echo "$ok_line" | awk -F'|' '{ split($5, a, ";"); print a[1] }')
	lp_param=$(echo "$ok_line" | sed -n 's/.*refresher=\([a-z]*\).*/\1/p')
	local timer_ms
	timer_ms=$(sed -n 's/.*Session Timers, uac [A-Z]* refresh \[[^]]*\] in \[\([0-9]*\)\] ms.*/\1/p' "$lp" | head -1)
	if [ -n "$timer_ms" ]; then lp_who=linphonec; else lp_who=nst; fi
	[ -n "$ok_line" ] || errs+=("no 2xx to the INVITE in linphonec's log")
	[ "$lp_iv" = "$SE" ] || errs+=("linphonec: Session-Expires of the INVITE 2xx is '${lp_iv:-none}', expected $SE")
	if [ -n "$lp_param" ]; then
		local by_param
		if [ "$lp_param" = "$lp_role" ]; then by_param=linphonec; else by_param=nst; fi
		[ "$by_param" = "$lp_who" ] || errs+=("linphonec: 2xx says refresher=$lp_param (linphonec is $lp_role) but its refresh timer says $lp_who refreshes")
	else
		errs+=("linphonec: INVITE 2xx Session-Expires has no refresher parameter")
	fi
	if [ -n "$timer_ms" ] && [ "$timer_ms" != $((SE * 500)) ]; then
		errs+=("linphonec refresh timer ${timer_ms} ms, expected $((SE * 500)) ms (half of $SE s)")
	fi
	grep -q 'connected\.' "$d/screen.txt" || errs+=("linphonec's screen does not show the call connected")
	grep -q 'Media connectivity' "$lp" && errs+=("linphonec dropped the call for lost media (nortp_timeout)")

	# agreement
	[ "$nst_who" = "$lp_who" ] || errs+=("refresher disagreement: nst-cli says $nst_who, linphonec says $lp_who")
	[ "$expect" = any ] || [ "$nst_who" = "$expect" ] || errs+=("refresher is $nst_who, nst-cli asked to be the refresher (-r $r)")

	# a refresh happened, sent by the refresher and answered 200 by the other
	local sender answerer n_req n_ok
	if [ "$lp_who" = linphonec ]; then sender=out; answerer=in; else sender=in; answerer=out; fi
	n_req=$(awk -F'|' -v s="$sender" -v c="$inv_cseq" '$1 == s && ($2 ~ /^UPDATE / || ($2 ~ /^INVITE / && $3 != c))' "$sip" | wc -l)
	n_ok=$(awk -F'|' -v a="$answerer" -v c="$inv_cseq" '$1 == a && $2 ~ /^SIP\/2\.0 200/ && ($4 == "UPDATE" || ($4 == "INVITE" && $3 != c))' "$sip" | wc -l)
	[ "$n_req" -ge 1 ] || errs+=("linphonec's log shows no refresh (UPDATE/re-INVITE) sent by $lp_who")
	[ "$n_ok" -ge 1 ] || errs+=("linphonec's log shows no 200 to a refresh")
	if [ "$nst_who" = nst ]; then
		grep -q 'refresh #1 sent by' "$no" || errs+=("nst-cli did not send refresh #1")
		grep -q 'refresh answered 200' "$no" || errs+=("nst-cli's refresh was not answered 200")
	elif [ "$nst_who" = linphonec ]; then
		grep -q 'refresh #1 received from peer, answered 200' "$no" || errs+=("nst-cli did not receive/answer refresh #1")
	fi

	local how
	how=$(awk -F'|' -v s="$sender" -v c="$inv_cseq" '$1 == s && ($2 ~ /^UPDATE / || ($2 ~ /^INVITE / && $3 != c)) { split($2, m, " "); print m[1]; exit }' "$sip")
	if [ ${#errs[@]} -eq 0 ]; then
		echo "PASS: $name: interval $SE s on both sides, refresher $nst_who (agreed), $n_req refresh(es) by ${how:-?} answered 200"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL: $name:"
		local e
		for e in "${errs[@]}"; do echo "    - $e"; done
		echo "    nst-cli: interval ${nst_iv:-?} refresher $nst_who; linphonec: 2xx Session-Expires ${lp_iv:-?};refresher=${lp_param:-?} (it is $lp_role), timer ${timer_ms:-none} ms => $lp_who"
		echo "    files: $d/{nst.out,linphonec.log,sip.txt,screen.txt}"
		FAILED=$((FAILED + 1))
	fi
}

for c in $CASES; do
	case $c in
		out-auto|out-uac|out-uas|in-auto|in-uac|in-uas) run_case "$c" ;;
		*) echo "FAIL: unknown case '$c'"; FAILED=$((FAILED + 1)) ;;
	esac
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
