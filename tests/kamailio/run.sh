#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh: nst-cli through Kamailio (make check-kamailio).
#
#   tests/kamailio/run.sh PATH/TO/nst-cli
#
# Starts Debian's kamailio with tests/kamailio/kamailio.cfg on 127.0.0.1
# inside a private network namespace (unshare -n, only lo): a registrar
# with digest authentication (auth + auth_db on the db_text table in
# tests/kamailio/db), Record-Route, and the sst module (RFC 4028 section 8:
# it inserts Session-Expires into an INVITE without one and answers 422
# with Min-SE below its min_se).  Every INVITE and every in-dialog INVITE,
# UPDATE and BYE is challenged (407), every REGISTER too (401).  A second
# instance with min_se 120 serves the 422 case.
#
# Cases, run side by side (one call each, Session-Expires 90, so that the
# first refresh comes at 45 s of real time; about 65 s in all):
#   nst-nst-refresh     alice calls bob, both registered (bob from a
#                       liblinphone-style file: [proxy_0], [auth_info_0],
#                       reg_expires=60, so that nua registers again during
#                       the call): REGISTER/401, INVITE/407, refresh by
#                       UPDATE at 45 s through the proxy, BYE, unregister
#                       on exit
#   refresh-challenged  carol calls dave over TCP (registrar URI with
#                       ;transport=tcp); dave (callee, -r uas) refreshes: the proxy answers
#                       his UPDATE with 407, nst-cli answers with
#                       nua_authenticate(), the UPDATE goes again, 200
#   proxy-inserts-se    erin (-T: no timer support) calls frank: the proxy
#                       inserts Session-Expires; frank refreshes
#                       (refresher=uas, no Require: timer, section 9), erin
#                       answers (section 8); frank runs with SOFIA_DEBUG=9
#                       and TPORT_LOG=1, and his password is in none of it
#   reinvite-refresh-challenged
#                       jack (-U: no UPDATE in his Allow) calls ivy (callee,
#                       -r uas): ivy refreshes by re-INVITE, the proxy
#                       answers it 407, nst-cli answers the challenge, the
#                       re-INVITE goes again, 200
#   proxy-422           gina offers 90 to the proxy with min_se 120: 422
#                       Min-SE: 120 from the proxy, nst retries with 120
#   wrong-password      wendy registers with a wrong password (exit 7) and
#                       xena calls through the proxy with one (exit 4): both
#                       say the server refused the credentials
#   bye-challenged      nora hangs up: the proxy challenges her BYE (the
#                       incoming call's handle has no credentials yet)
#   linphonerc-ha1-refused
#                       the linphonerc that linphonec rewrote in this run
#                       (ha1=, no passwd=) given to nst-cli with -c: a clear
#                       error at start (exit 2), the ha1 not printed
#   linphonec-calls-nst, nst-calls-linphonec
#                       linphonec (registered as lin/lina) and nst-cli
#                       (nico/nora) call each other through the proxy, with
#                       a refresh, and RTP both ways (nst-cli --media):
#                       linphonec's nortp_timeout is 20 s, shorter than
#                       the call
#
# Prints "PASS name" or "FAIL name: reason" per case, then "N passed, M
# failed"; exit 1 if any failed.  Logs: KAMAILIO_LOGDIR (default a temp
# dir), kept.  Env: CALL_S (call length, default 55).
set -u

here=$(cd "$(dirname "$0")" && pwd)
CALL_S=${CALL_S:-55}
LIMIT=${KAMAILIO_LIMIT:-180}

if [ -z "${NST_KAM_INNER:-}" ]; then
    [ $# -ge 1 ] || { echo "usage: $0 PATH/TO/nst-cli" >&2; exit 2; }
    nst=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    [ -x "$nst" ] || { echo "FAIL check-kamailio: no nst-cli at $1"; echo "0 passed, 1 failed"; exit 1; }
    for t in kamailio linphonec tmux unshare ip ss timeout; do
        if ! command -v $t >/dev/null 2>&1; then
            echo "FAIL check-kamailio: $t not installed (scripts/setup-debian.sh)"
            echo "0 passed, 1 failed"; exit 1
        fi
    done
    logs=${KAMAILIO_LOGDIR:-$(mktemp -d "${TMPDIR:-/tmp}/nst-kamailio.XXXXXX")}
    rm -rf "$logs" && mkdir -p "$logs" && logs=$(cd "$logs" && pwd)
    echo "check-kamailio: nst-cli $nst, logs $logs; about 70 s"
    start=$(date +%s)
    NST_KAM_INNER=1 NST_KAM_LOGS=$logs timeout -k 10 "$LIMIT" unshare -n -- bash "$0" "$nst"
    rc=$?
    tmux -S "$logs/tmux.sock" kill-server >/dev/null 2>&1
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        echo "FAIL check-kamailio: the run took more than $LIMIT s and was killed"
        echo "0 passed, 1 failed"
    fi
    echo "check-kamailio: $(( $(date +%s) - start )) s"
    exit $rc
fi

# ---------------------------------------------------------------- inside
nst=$1
logs=$NST_KAM_LOGS
TM="tmux -S $logs/tmux.sock -f /dev/null"
unset TMUX
pids=""
cleanup() {
    local p
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    $TM kill-server >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip link set lo up || { echo "FAIL check-kamailio: cannot set lo up"; echo "0 passed, 1 failed"; exit 1; }
if ip -o addr show | awk '$2 != "lo"' | grep -q inet; then
    echo "FAIL check-kamailio: the namespace has a non-loopback address"; echo "0 passed, 1 failed"; exit 1
fi

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2 (logs: $logs)"; fail=$((fail + 1)); }

# seen FILE REGEX [SECONDS]
seen() {
    local i=0 n=$(( ${3:-5} * 10 ))
    while [ $i -lt $n ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
has() { grep -Eq -- "$2" "$logs/$1.log"; }
rc_of() { cat "$logs/$1.rc" 2>/dev/null || echo none; }

# kamailio NAME PORT MIN_SE
kamailio_start() {
    local name=$1 port=$2 min_se=$3
    mkdir -p "$logs/$name"
    timeout -k 5 $((LIMIT - 10)) kamailio -DD -E -m 32 -M 4 -f "$here/kamailio.cfg" \
        -A "SIP_PORT=$port" -A "MIN_SE=$min_se" -A "DBURL=\"text://$here/db\"" \
        -Y "$logs/$name" -w "$logs/$name" > "$logs/$name.log" 2>&1 &
    pids="$pids $!"
}

# ua NAME ARGS...: nst-cli in the background, NAME.log and NAME.rc
ua() {
    local name=$1; shift
    (
        timeout -k 5 $((CALL_S + 60)) "$nst" -n "$name" --no-commands "$@" \
            < /dev/null > "$logs/$name.log" 2>&1
        echo $? > "$logs/$name.rc"
    ) &
    pids="$pids $!"
}

# wait_rc NAME SECONDS: until NAME has exited
wait_rc() {
    local i=0 n=$(( $2 * 10 ))
    while [ ! -f "$logs/$1.rc" ] && [ $i -lt $n ]; do sleep 0.1; i=$((i + 1)); done
    [ -f "$logs/$1.rc" ]
}

PROXY=sip:127.0.0.1:5060
acct() {    # acct USER: the account options of USER@nst.test
    echo "-i sip:$1@nst.test -u $1 --password $1-pw -R $PROXY"
}

# ------------------------------------------------------------------ start
kamailio_start kam 5060 90
kamailio_start kam422 5062 120
if ! seen "$logs/kam.log" 'Listening on' 10 || ! seen "$logs/kam422.log" 'Listening on' 10 ||
   [ -z "$(ss -Hln '( sport = :5060 )')" ] || [ -z "$(ss -Hln '( sport = :5062 )')" ]; then
    sleep 1
fi
if [ -z "$(ss -Huln '( sport = :5060 )')" ] || [ -z "$(ss -Huln '( sport = :5062 )')" ]; then
    echo "FAIL check-kamailio: kamailio did not start (see $logs/kam.log)"
    echo "0 passed, 1 failed"; exit 1
fi

# bob's account from a liblinphone-style file
cat > "$logs/bob.rc.conf" <<EOF
[sip]
session_expires_value=90
[proxy_0]
reg_proxy=<$PROXY>
reg_identity="Bob" <sip:bob@nst.test>
reg_expires=60
reg_sendregister=1
[auth_info_0]
username=bob
passwd=bob-pw
realm=nst.test
EOF

# linphonec, registered (tmux: it needs a terminal)
linphone_start() {   # NAME USER SIP_PORT RTP_PORT [-a]
    local name=$1 user=$2 port=$3 rtp=$4 auto=${5:-}
    mkdir -p "$logs/$name/home/.local/share/linphone"
    cat > "$logs/$name/linphonerc" <<EOF
[sip]
sip_port=$port
sip_tcp_port=0
sip_tls_port=0
use_ipv6=0
bind_address=127.0.0.1
keepalive_period=0
default_proxy=0
session_expires_enabled=1
session_expires_value=90
session_expires_min_value=90
session_expires_refresher_value=0
[net]
nat_address=127.0.0.1
[rtp]
audio_rtp_port=$rtp
video_rtp_port=$((rtp + 2000))
text_rtp_port=$((rtp + 4000))
nortp_timeout=20
[video]
capture=0
display=0
automatically_initiate=0
automatically_accept=0
[proxy_0]
reg_proxy=<$PROXY>
reg_route=<$PROXY;lr>
reg_identity=sip:$user@nst.test
reg_expires=600
reg_sendregister=1
publish=0
[auth_info_0]
username=$user
passwd=$user-pw
realm=nst.test
domain=nst.test
EOF
    $TM new-session -d -s "$name" -x 200 -y 50 \
        "HOME='$logs/$name/home' exec linphonec -c '$logs/$name/linphonerc' $auto -d 6 -l '$logs/$name/linphonec.log'"
}

t0=$(date +%s)
linphone_start lin lin 15070 17078 -a
linphone_start lina lina 15072 17178

# callees first, registered
ua bob -b sip:127.0.0.1:7002 -c "$logs/bob.rc.conf" listen
ua dave -b sip:127.0.0.1:7004 -e 90 -r uas $(acct dave) listen
# frank logs everything Sofia has (SOFIA_DEBUG=9, TPORT_LOG: every message):
# his password must not be in it
SOFIA_DEBUG=9 TPORT_LOG=1 ua frank -b sip:127.0.0.1:7006 -e 90 $(acct frank) listen
ua hank -b sip:127.0.0.1:7008 -e 120 -m 90 listen
ua nora -b sip:127.0.0.1:7012 -e 90 $(acct nora) --media -d "$CALL_S" listen
ua ivy -b sip:127.0.0.1:7013 -e 90 -r uas $(acct ivy) listen
for u in bob dave frank nora ivy; do seen "$logs/$u.log" '^.* registered: 200' 10; done
seen "$logs/hank.log" 'listening on' 5
seen "$logs/lin/linphonec.log" 'to \[LinphoneRegistrationOk\]' 15
seen "$logs/lina/linphonec.log" 'to \[LinphoneRegistrationOk\]' 15

# callers
ua alice -b sip:127.0.0.1:7001 -e 90 $(acct alice) -d "$CALL_S" call sip:bob@nst.test
# carol registers and calls over TCP (the registrar URI names it)
ua carol -b sip:127.0.0.1:7003 -e 90 -i sip:carol@nst.test -u carol --password carol-pw \
    -R "sip:127.0.0.1:5060;transport=tcp" -d "$CALL_S" call sip:dave@nst.test
ua erin -b sip:127.0.0.1:7005 -T $(acct erin) -d "$CALL_S" call sip:frank@nst.test
ua gina -b sip:127.0.0.1:7007 -e 90 -i sip:gina@nst.test -u gina --password gina-pw \
    -P sip:127.0.0.1:5062 -d 3 call sip:hank@127.0.0.1:7008
ua nico -b sip:127.0.0.1:7011 -e 90 $(acct nico) --media -d "$CALL_S" call sip:lin@nst.test
ua jack -b sip:127.0.0.1:7014 -e 90 -U $(acct jack) -d "$CALL_S" call sip:ivy@nst.test
ua wendy -b sip:127.0.0.1:7015 -i sip:wendy@nst.test -u wendy --password not-wendy-pw -R $PROXY listen
ua xena -b sip:127.0.0.1:7016 -i sip:xena@nst.test -u xena --password not-xena-pw -P $PROXY \
    -d 3 call sip:hank@127.0.0.1:7008
$TM send-keys -t lina "call sip:nora@nst.test" Enter

for u in alice carol erin gina nico jack wendy xena bob dave frank hank nora ivy; do
    wait_rc $u $((CALL_S + 30))
done
$TM send-keys -t lina 'terminate' Enter
for s in lin lina; do
    $TM capture-pane -p -t "$s" -S -500 > "$logs/$s/screen.txt" 2>/dev/null
    $TM send-keys -t "$s" 'quit' Enter 2>/dev/null
done
sleep 1
# linphonec rewrites its file: ha1= in place of passwd= (store_ha1_passwd)
seen "$logs/lin/linphonerc" '^ha1=' 5
ha1_out=$(timeout 10 "$nst" -b sip:127.0.0.1:7017 -c "$logs/lin/linphonerc" listen 2>&1 < /dev/null)
echo $? > "$logs/ha1.rc"
printf '%s\n' "$ha1_out" > "$logs/ha1.log"

# ------------------------------------------------------------------ checks
# check CASE FILE REGEX WHAT: one requirement of a case
errs=""
need() { has "$1" "$2" || errs="$errs; $1: no '$2'"; }
never() { has "$1" "$2" && errs="$errs; $1: '$2'"; }
exit_is() { [ "$(rc_of "$1")" = "$2" ] || errs="$errs; $1 exit $(rc_of "$1"), expected $2"; }
verdict() { if [ -z "$errs" ]; then ok "$1"; else ko "$1" "${errs#; }"; fi; errs=""; }

# lp_rtp_check NST LINPHONEC: nst-cli sent RTP for the whole call and
# linphonec received it (its oRTP statistics at the end of the call);
# linphonec, without a sound card, sends none back (media-rtp-both-ways in
# check-cli has two nst-cli)
lp_rtp_check() {
    local sent got
    sent=$(sed -n 's/.*media: RTP packets sent \([0-9]*\),.*/\1/p' "$logs/$1.log")
    got=$(sed -n 's/.*ortp-message-received  *\([0-9]*\) packets.*/\1/p' "$logs/$2/linphonec.log" | head -1)
    [ "${sent:-0}" -ge 1000 ] || errs="$errs; $1 sent ${sent:-no} RTP packets, expected >= 1000"
    [ "${got:-0}" -ge 1000 ] || errs="$errs; $2 received ${got:-no} RTP packets, expected >= 1000"
}

REG='registered: 200 OK \(said by 127\.0\.0\.1:5060, kamailio'
CH407='407 Proxy Authentication Required for realm "nst.test" \(said by 127\.0\.0\.1:506[02], kamailio \(nst check-kamailio\)\): answering as'

# alice -> bob
need alice "register: 401 Unauthorized for realm \"nst.test\""
need alice "$REG"; need bob "$REG"
need bob 'account: "Bob" <sip:bob@nst.test>, registrar <sip:127.0.0.1:5060>'
need alice "call: $CH407 alice"
need alice 'session timer negotiated: interval 90 s, we refresh by UPDATE'
need alice 'refresh #1 sent by UPDATE'; need alice 'refresh answered 200'
need bob 'refresh #1 received from peer, answered 200'
need alice "hanging up after $CALL_S s"; need alice 'BYE answered 200'
need bob 'registered: 200 .*expires in 60 s'
need bob 'registration refreshed: 200'      # nua, before the 60 s ran out
need alice 'unregistered: 200'; need bob 'unregistered: 200'
never alice 'alice-pw'; never bob 'bob-pw'
exit_is alice 0; exit_is bob 0
verdict nst-nst-refresh

# dave refreshes; the proxy challenges his UPDATE
need dave 'session timer negotiated: interval 90 s, we refresh by UPDATE'
need carol 'session timer negotiated: interval 90 s, peer refreshes'
need dave 'refresh challenged: 407'
never dave 'refresh failed'
need dave 'refresh failures 0'
need dave "refresh: $CH407 dave"
need dave 'refresh answered 200'; need dave 'refreshes sent 1,'
need carol 'refresh #1 received from peer, answered 200'
never dave 'session expired'; never carol 'session expired'
for m in REGISTER INVITE; do
    grep -q "$m sip:[^ ]* from tcp:127.0.0.1:[0-9]* (sip:carol@nst.test)" "$logs/kam.log" ||
        errs="$errs; kam: carol's $m did not come over TCP"
done
exit_is carol 0; exit_is dave 0
verdict refresh-challenged

# the proxy inserts Session-Expires for erin, who has no timer support
need frank 'incoming INVITE over UDP: Session-Expires: 90$'
need frank 'session timer negotiated: interval 90 s, we refresh'
need erin 'its 2xx: Session-Expires: 90;refresher=uas(, Supported: timer)?$'
need erin 'session timer negotiated: interval 90 s, peer refreshes'
need erin 'refresh #1 received from peer, answered 200'
never erin 'we refresh'
never frank 'frank-pw'; never erin 'erin-pw'
has frank 'Proxy-Authorization: Digest' || errs="$errs; frank: no message dump (TPORT_LOG)"
exit_is erin 0; exit_is frank 0
verdict proxy-inserts-se

# 422 from the proxy, then 120
need gina "call: $CH407 gina"
need gina 'session timer negotiated: interval 120 s'
need hank 'incoming INVITE over UDP: Session-Expires: 120, Min-SE: 120'
grep -q '422 sent: Session-Expires below Min-SE 120' "$logs/kam422.log" ||
    errs="$errs; kam422: no 422 sent"
never hank 'Session-Expires: 90'
need gina 'at exit: counters: .*422 received 1,'

exit_is gina 0; exit_is hank 0
verdict proxy-422

# ivy refreshes by re-INVITE (jack allows no UPDATE); the proxy challenges it
need ivy 'session timer negotiated: interval 90 s, we refresh by INVITE'
need jack 'session timer negotiated: interval 90 s, peer refreshes'
need ivy 'refresh challenged: 407 Proxy Authentication Required \(said by 127\.0\.0\.1:5060, kamailio'
need ivy "refresh: $CH407 ivy"
never ivy 'refresh failed'
need jack 'refresh #1 received from peer, answered 200'
need jack 're-INVITE from peer answered 200'
never jack 'UPDATE from peer'
never ivy 'session expired'; never jack 'session expired'
exit_is ivy 0; exit_is jack 0
verdict reinvite-refresh-challenged

# wrong passwords: refused, said, the documented exit status
need wendy 'register: 401 Unauthorized for realm "nst.test" .*answering as wendy'
need wendy 'register: 401 Unauthorized again for realm "nst.test" \(said by 127\.0\.0\.1:5060, kamailio .*the server refused the credentials of wendy'
need wendy 'registration failed: 401'
need xena "call: $CH407 xena"
need xena 'call: 407 Proxy Authentication Required again for realm "nst.test" .*the server refused the credentials of xena'
need xena 'call failed: 407'
never wendy 'not-wendy-pw'; never xena 'not-xena-pw'
exit_is wendy 7; exit_is xena 4
verdict wrong-password

# nst-cli calls linphonec
need nico "$REG"
need nico 'session timer negotiated: interval 90 s'
if has nico 'we refresh'; then need nico 'refresh answered 200'
else need nico 'refresh #1 received from peer, answered 200'; fi
never nico 'session expired'
need nico "hanging up after $CALL_S s"
grep -q 'Media connectivity' "$logs/lin/linphonec.log" 2>/dev/null &&
    errs="$errs; linphonec dropped the call for lost media"
lp_rtp_check nico lin
exit_is nico 0
verdict nst-calls-linphonec

# linphonec calls nst-cli (nora hangs up after the refresh)
need nora "$REG"
need nora 'session timer negotiated: interval 90 s'
if has nora 'we refresh'; then need nora 'refresh answered 200'
else need nora 'refresh #1 received from peer, answered 200'; fi
never nora 'session expired'
grep -q 'Media connectivity' "$logs/lina/linphonec.log" 2>/dev/null &&
    errs="$errs; linphonec dropped the call for lost media"
lp_rtp_check nora lina
exit_is nora 0
verdict linphonec-calls-nst

# nora's BYE (the incoming call's handle has no credentials): challenged
need nora "hanging up after $CALL_S s"
need nora "BYE: $CH407 nora"
need nora 'BYE answered 200'
exit_is nora 0
verdict bye-challenged

# the file linphonec rewrote: ha1 and no passwd; nst-cli refuses it at start
h=$(sed -n 's/^ha1=//p' "$logs/lin/linphonerc" | head -1)
[ -n "$h" ] || errs="$errs; lin/linphonerc has no ha1= (linphonec did not rewrite it?)"
grep -q '^passwd=.' "$logs/lin/linphonerc" && errs="$errs; lin/linphonerc still has a password"
need ha1 "account sip:lin@nst.test: the password is stored as ha1 in $logs/lin/linphonerc \(\[auth_info_0\]\); nst-cli needs the password"
[ -n "$h" ] && never ha1 "$h"
exit_is ha1 2
verdict linphonerc-ha1-refused

echo "calls took $(( $(date +%s) - t0 )) s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
