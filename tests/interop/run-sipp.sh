#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-sipp.sh: the SIPp interop suite of nst (make check-interop).
#
# Runs nst-cli against SIPp on 127.0.0.1, in both roles, one SIPp scenario
# (tests/interop/scenarios/NAME.xml) per case, all cases in parallel on
# distinct ports, each bounded by `timeout`.  Prints one line per case
# (PASS/FAIL, reason, log directory), then "N passed, N failed"; exits 1 if
# any case failed, 77 (skip) if sipp is not installed.
#
# usage: run-sipp.sh [-c NST_CLI] [-s SCENARIO_DIR] [-o LOG_DIR] [-p BASE_PORT] [NAME...]
#   NAME...  run only these cases (default: all)
# The same settings from the environment: NST_CLI, INTEROP_SCENARIOS,
# INTEROP_LOGDIR, INTEROP_PORT_BASE; SIPP (the sipp binary, default sipp).
#
# Ports: case number i (from 0) uses BASE+10*i (SIPp SIP), +1 (nst-cli),
# +2..+5 (SIPp media), +6 (SIPp control).  Default BASE 25000.
#
# Logs, per case in LOG_DIR/NAME/: nst.log (nst-cli output), sipp-messages.log
# (every SIP message SIPp sent/received), sipp-errors.log (why SIPp failed
# the call), sipp-actions.log (the header values the scenario checked),
# sipp-screen.log (SIPp's final statistics).

set -u

here=$(cd "$(dirname "$0")" && pwd)
nst_cli=${NST_CLI:-$here/../../src/nst-cli}
scen_dir=${INTEROP_SCENARIOS:-$here/scenarios}
log_dir=${INTEROP_LOGDIR:-$PWD/interop-logs}
base=${INTEROP_PORT_BASE:-25000}
sipp=${SIPP:-sipp}

while getopts c:s:o:p:h opt; do
    case $opt in
    c) nst_cli=$OPTARG ;;
    s) scen_dir=$OPTARG ;;
    o) log_dir=$OPTARG ;;
    p) base=$OPTARG ;;
    *) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

# ------------------------------------------------------------------ cases
# name | nst role | nst-cli options | accepted nst-cli exit codes |
#   time limit (s) | extra SIPp options
# role callee: `nst-cli listen`, SIPp (UAC) calls it.
# role caller: SIPp (UAS) listens, `nst-cli call` calls it.
# Exit codes: 0 normal end, 3 session expired (nst sent the expiry BYE),
# 8 a refresh failed (408/481 or no answer) and nst sent BYE.
CASES='
callee-update-refresh   |callee|-e 90             |3  |110|
callee-reinvite-refresh |callee|-e 90 --no-update |0  |110|
callee-silent-peer      |callee|-e 90             |3  |80 |
callee-422              |callee|-e 90             |0  |30 |
callee-indialog-422     |callee|-e 120 -m 120     |0  |30 |
callee-notimer-reinvite |callee|-e 90             |0  |70 |
callee-notimer-update   |callee|-e 90             |0  |70 |
callee-491              |callee|-e 90             |0  |70 |
callee-488              |callee|-e 90             |0  |110|
callee-408              |callee|-e 90             |8 3|70 |
caller-update-refresh   |caller|-e 90 -d 95       |0  |115|
caller-reinvite-refresh |caller|-e 90 -r uac -d 50|0  |70 |
caller-silent-peer      |caller|-e 90             |3  |80 |
caller-no-se            |caller|-e 90 -d 70       |0  |90 |
caller-422              |caller|-e 90 -d 65       |0  |90 |-m 2 -deadcall_wait 0
caller-405              |caller|-e 90 -d 95       |0  |115|
caller-501              |caller|-e 90 -d 50       |0  |70 |
caller-491              |caller|-e 90 -d 55       |0  |75 |
caller-481              |caller|-e 90             |8 3|70 |
caller-408              |caller|-e 90             |8 3|70 |
caller-noanswer         |caller|-e 90             |8 3|110|
caller-500              |caller|-e 90             |0  |110|
caller-grandstream-200  |caller|-e 90 -d 95       |0  |115|
'
GRACE=10    # seconds one side may outlive the other before it is stopped

# What nst-cli must print in some cases (grep -E on its output): what nst
# answered, and what really follows a failed refresh.
declare -A NST_SAYS=(
[callee-422]="rejected the peer's request: 422 Session Interval Too Small \\(Min-SE: 90\\)"
[caller-500]='  next: refresh again in [0-9.]+ s'
[caller-491]='  next: refresh again in [0-9.]+ s'
[caller-481]='  next: ending the call now \(BYE\)'
[caller-408]='  next: ending the call now \(BYE\)'
[callee-indialog-422]="rejected the peer's request: 422 Session Interval Too Small \\(Min-SE: 120\\)"
[caller-405]='  next: refresh again now by INVITE'
[caller-501]='  next: refresh again now by INVITE'
)

trim() { local s=$1; s=${s#"${s%%[! ]*}"}; printf '%s' "${s%"${s##*[! ]}"}"; }

if ! command -v "$sipp" >/dev/null 2>&1; then
    echo "SKIP: $sipp not found (apt-get install sip-tester)"
    exit 77
fi
if [ ! -x "$nst_cli" ]; then
    echo "ERROR: nst-cli not found at $nst_cli (build first, or pass -c)" >&2
    exit 1
fi
if [ ! -d "$scen_dir" ]; then
    echo "ERROR: no scenario directory $scen_dir" >&2
    exit 1
fi
mkdir -p "$log_dir" || exit 1
log_dir=$(cd "$log_dir" && pwd)

# ------------------------------------------------------------------ cleanup
# Every process we start writes its pid to LOG_DIR/*/NAME.pid; on exit stop
# those still running (and only those).
case_pids=""
cleanup() {
    local f p
    # shellcheck disable=SC2086
    [ -n "$case_pids" ] && kill -TERM $case_pids 2>/dev/null
    for f in "$log_dir"/*/*.pid; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null)
        [ -n "$p" ] && kill -TERM "$p" 2>/dev/null
        rm -f "$f"
    done
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# start NAME LIMIT DIR CMD...: run CMD under timeout in the background;
# DIR/NAME.pid holds the pid of timeout while it runs, DIR/NAME.rc the exit
# status once it is done.
start() {
    local name=$1 limit=$2 dir=$3; shift 3
    (
        timeout -k 5 "$limit" "$@" > "$dir/$name.out" 2>&1 &
        echo $! > "$dir/$name.pid"
        wait $!
        echo $? > "$dir/$name.rc.tmp" && mv "$dir/$name.rc.tmp" "$dir/$name.rc"
        rm -f "$dir/$name.pid"
    ) &
}

stop() {    # stop NAME DIR
    local p
    p=$(cat "$2/$1.pid" 2>/dev/null) && [ -n "$p" ] && kill -TERM "$p" 2>/dev/null
}

# element N (from 0, as SIPp counts) of scenario FILE, e.g. recv request="BYE"
# or send "SIP/2.0 491 Request Pending"
scenario_step() {
    awk -v want="$2" '
        /^  <(send|recv|pause|nop)[ >\/]/ {
            n++
            if (n - 1 == want) {
                line = $0; sub(/^  </, "", line); sub(/ *\/?>.*$/, "", line)
                if (line ~ /^send/) { getline; getline; line = "send \"" $0 "\"" }
                print line; exit
            }
        }' "$1"
}

# the first reason SIPp gave for failing the call, made readable
sipp_error() {
    local line n
    line=$(grep -av -e 'Failed to delete FD' -e 'The following events occurred' -e '^[[:space:]]*$' \
           "$1/sipp-errors.log" 2>/dev/null | head -n 1 | tr -d '\r')
    [ -n "$line" ] || return 0
    line=$(printf '%s' "$line" | sed -e 's/^[0-9-]*[[:space:]]*[0-9:.]*[[:space:]]*[0-9.]*: //' \
                                     -e 's/Call-I[dD]: [^ ,]*,* *//' \
                                     -e 's/\(.\)Failed regexp match: .*/\1/')
    n=$(printf '%s' "$line" | sed -n 's/.* on message [^ :]*:\([0-9]*\).*/\1/p')
    [ -n "$n" ] && line="$line [step $n: $(scenario_step "$2" "$n")]"
    printf '%s' "$line" | cut -c1-300
}

# the last SIP message SIPp saw, e.g. received "UPDATE sip:... SIP/2.0"
sipp_last() {
    awk '/^-----/ { d = NR; next }
         NR == d + 1 { dir = ($0 ~ /received/) ? "received" : "sent" }
         NR == d + 3 { last = dir " \"" $0 "\"" }
         END { print last }' "$1/sipp-messages.log" 2>/dev/null | tr -d '\r'
}

# run_case INDEX NAME ROLE NSTOPTS EXPECT LIMIT SIPPOPTS: writes DIR/verdict
run_case() {
    local i=$1 name=$2 role=$3 nstopts=$4 expect=$5 limit=$6 sippopts=$7
    local dir=$log_dir/$name
    local sport=$((base + 10 * i)) nport=$((base + 10 * i + 1))
    local mport=$((base + 10 * i + 2)) cport=$((base + 10 * i + 6))
    rm -rf "$dir" && mkdir -p "$dir"

    # shellcheck disable=SC2086
    local sipp_cmd=("$sipp" -sf "$scen_dir/$name.xml" -i 127.0.0.1 -p "$sport"
        -mp "$mport" -cp "$cport" -m 1 $sippopts -nostdin -f 10
        -trace_msg -message_file "$dir/sipp-messages.log"
        -trace_err -error_file "$dir/sipp-errors.log"
        -trace_logs -log_file "$dir/sipp-actions.log"
        -trace_screen -screen_file "$dir/sipp-screen.log")
    # shellcheck disable=SC2206
    local nst_cmd=("$nst_cli" -n "$name" -b "sip:127.0.0.1:$nport" $nstopts)

    echo "${sipp_cmd[*]} 127.0.0.1:$nport" > "$dir/commands"
    if [ "$role" = callee ]; then
        echo "${nst_cmd[*]} listen" >> "$dir/commands"
        start nst "$limit" "$dir" "${nst_cmd[@]}" listen
        sleep 1
        start sipp "$limit" "$dir" "${sipp_cmd[@]}" "127.0.0.1:$nport"
    else
        echo "${nst_cmd[*]} call sip:sipp@127.0.0.1:$sport" >> "$dir/commands"
        start sipp "$limit" "$dir" "${sipp_cmd[@]}"
        sleep 1
        start nst "$limit" "$dir" "${nst_cmd[@]}" call "sip:sipp@127.0.0.1:$sport"
    fi

    # Wait for both; once one has ended the other gets GRACE seconds.
    local t=0 first_end="" stopped=""
    while [ ! -f "$dir/nst.rc" ] || [ ! -f "$dir/sipp.rc" ]; do
        sleep 0.5; t=$((t + 1))
        if [ -z "$first_end" ] && { [ -f "$dir/nst.rc" ] || [ -f "$dir/sipp.rc" ]; }; then
            first_end=$t
        fi
        if [ -n "$first_end" ] && [ -z "$stopped" ] && [ $((t - first_end)) -ge $((2 * GRACE)) ]; then
            [ -f "$dir/nst.rc" ] || { stopped=nst; stop nst "$dir"; }
            [ -f "$dir/sipp.rc" ] || { stopped=sipp; stop sipp "$dir"; }
        fi
    done
    mv "$dir/nst.out" "$dir/nst.log"
    mv "$dir/sipp.out" "$dir/sipp-stdout.log"

    local nrc src reasons="" why
    nrc=$(cat "$dir/nst.rc"); src=$(cat "$dir/sipp.rc")
    why=$(sipp_error "$dir" "$scen_dir/$name.xml")
    if [ "$stopped" = sipp ]; then
        reasons="SIPp still waiting ${GRACE}s after nst-cli ended (last message: $(sipp_last "$dir"))"
    elif [ "$src" = 124 ] || [ "$src" = 137 ]; then
        reasons="SIPp timed out after ${limit}s${why:+ ($why)}"
    elif [ "$src" != 0 ]; then
        reasons="SIPp exit $src${why:+: $why}"
    fi
    if [ "$stopped" = nst ]; then
        reasons="${reasons:+$reasons; }nst-cli still running ${GRACE}s after SIPp ended"
    else
        case " $expect " in
        *" $nrc "*) ;;
        124) reasons="${reasons:+$reasons; }nst-cli timed out after ${limit}s" ;;
        *) reasons="${reasons:+$reasons; }nst-cli exit $nrc, expected ${expect// / or }" ;;
        esac
    fi
    local says=${NST_SAYS[$name]:-}
    if [ -n "$says" ] && ! grep -Eq -- "$says" "$dir/nst.log"; then
        reasons="${reasons:+$reasons; }nst-cli did not print /$says/"
    fi
    if [ -z "$reasons" ]; then
        echo "PASS $name (logs: $dir)" > "$dir/verdict"
    else
        echo "FAIL $name: $reasons (logs: $dir)" > "$dir/verdict"
    fi
    rm -f "$dir"/*.rc
}

# ------------------------------------------------------------------ main
selected=" $* "
names=() i=0 started=0
while IFS='|' read -r name role nstopts expect limit sippopts; do
    name=$(trim "$name")
    [ -n "$name" ] || continue
    i=$((i + 1))
    if [ $# -gt 0 ] && [ "${selected#* "$name" }" = "$selected" ]; then
        continue
    fi
    if [ ! -f "$scen_dir/$name.xml" ]; then
        echo "ERROR: no scenario $scen_dir/$name.xml" >&2
        exit 1
    fi
    names+=("$name")
    run_case $((i - 1)) "$name" "$(trim "$role")" "$(trim "$nstopts")" \
        "$(trim "$expect")" "$(trim "$limit")" "$(trim "$sippopts")" &
    case_pids="$case_pids $!"
    started=$((started + 1))
done <<EOF
$CASES
EOF
if [ $started -eq 0 ]; then
    echo "ERROR: no such case: $*" >&2
    exit 2
fi
echo "interop: $started SIPp cases running in parallel (nst-cli $nst_cli, logs $log_dir); up to 2 minutes"
wait
case_pids=""

pass=0 fail=0
for name in "${names[@]}"; do
    v=$(cat "$log_dir/$name/verdict" 2>/dev/null || echo "FAIL $name: no verdict (logs: $log_dir/$name)")
    echo "$v"
    case $v in PASS*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
