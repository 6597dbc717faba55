#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run Sofia's own nua suite without and with nst attached; compare.
#
#   run.sh PLAIN_BINARY NST_BINARY EXPECTED_FAILURES LOGDIR
#
# Each binary runs as two processes in parallel, with Check's defaults
# (CK_FORK=yes, each case in its own child, CK_DEFAULT_TIMEOUT as Check
# sets it unless the caller does):
#   st  CHECK_NUA_THREADING=yes   the single-threaded cases
#   mt  CHECK_NUA_THREADING=no    the threaded cases (nua in its own thread)
# (check_nua.c's main(): any value but "no" selects the single-threaded
# cases, "no" the threaded ones.) A case is named MODE:TEST, e.g.
# st:call_2_3_1.
#
# Passes only if the baseline passes every case, both builds ran the same
# cases, and the nst build fails exactly the cases listed in
# EXPECTED_FAILURES (one line each: the case, then the reason; # comments).
# Threaded cases that fail are retried alone (see MT_ATTEMPTS below).
# An expected failure that passes fails the run as well as an unexpected
# failure does. The last line is "N passed, N failed" over the cases the
# nst build ran.
set -u

plain=$1 nstbin=$2 expected=$3 logdir=$4

mkdir -p "$logdir" || exit 1
rm -f "$logdir"/*.out "$logdir"/*.verdict "$logdir"/*.results

# Check's defaults, whatever the caller's environment says.
unset CK_FORK CK_RUN_SUITE CK_RUN_CASE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS \
    CHECK_NUA_CASES CK_XML_LOG_FILE_NAME CK_TAP_LOG_FILE_NAME CK_LOG_FILE_NAME
export CK_VERBOSITY=verbose

for bin in "$plain" "$nstbin"; do
    [ -x "$bin" ] || { echo "run.sh: $bin is missing" >&2; exit 1; }
done

start=$(date +%s)
pids=()
for build in plain nst; do
    if [ $build = plain ]; then bin=$plain; else bin=$nstbin; fi
    for mode in st mt; do
        if [ $mode = st ]; then thr=yes; else thr=no; fi
        CHECK_NUA_THREADING=$thr timeout 600 "$bin" \
            >"$logdir/$build-$mode.out" 2>&1 &
        pids+=($!)
    done
done
for p in "${pids[@]}"; do wait "$p"; done

# results BUILD: "MODE:TEST RESULT MESSAGE" lines, one per case that ran.
# Check's verbose line: FILE:LINE:RESULT:TCASE:TEST:ITERATION: MESSAGE
# (tcase names in Sofia's suite have no colon).
results() {
    local build=$1 mode
    for mode in st mt; do
        awk -v mode="$mode" -F: '
            /^[^:]+:[0-9]+:[PFE]:[^:]*:[^:]+:[0-9]+:/ {
                msg = $0
                for (i = 1; i <= 6; i++) sub(/^[^:]*:/, "", msg)
                sub(/^ /, "", msg)
                print mode ":" $5, $3, "[" $4 "] " msg
            }' "$logdir/$build-$mode.out"
    done
}

status=0
problem() { echo "check-sofia-suite: $*"; status=1; }

# Each process must have reached Check's summary, with one line per case.
for build in plain nst; do
    for mode in st mt; do
        out="$logdir/$build-$mode.out"
        sum=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$out" | tail -n 1)
        if [ -z "$sum" ]; then
            problem "$build/$mode did not finish (no Check summary, see $out)"
            continue
        fi
        n=$(echo "$sum" | sed -E 's/^[0-9]+%: Checks: ([0-9]+).*/\1/')
        got=$(results $build | grep -c "^$mode:")
        [ "$n" = "$got" ] ||
            problem "$build/$mode: Check counted $n cases, $got result lines (see $out)"
    done
done

results plain >"$logdir/plain.results"
results nst >"$logdir/nst.results"

# Retries of the threaded cases. In threaded mode Sofia's harness races with
# nua's thread around s2_nua_fast_forward() (the nua thread is woken after
# the fake clock moved): some cases fail intermittently against the plain
# nua too (e.g. mt:call_2_3_2, mt:bye_4_2_1, mt:SIP_CC_OE_CE_TI_011_012,
# each in 10-30 % of the runs). A threaded case that fails is run again
# alone, up to MT_ATTEMPTS times in all, the same way in both builds; it
# passes if one attempt passes. Single-threaded cases are deterministic on
# 1.12.11 and get one attempt there (ST_ATTEMPTS=1, the default); on 1.13.17
# some are not (sofia-suite.mk sets ST_ATTEMPTS, README).
MT_ATTEMPTS=${MT_ATTEMPTS:-6}
ST_ATTEMPTS=${ST_ATTEMPTS:-1}
retry() {
    local build=$1 bin=$2 mode=$3 test=$4 attempts=$5 thr=yes k
    [ "$mode" = st ] || thr=no
    for k in $(seq 2 "$attempts"); do
        CHECK_NUA_THREADING=$thr CHECK_NUA_CASES=$test timeout 120 "$bin" \
            >"$logdir/$build-$mode-retry-$test-$k.out" 2>&1
        if grep -qE "^[^:]+:[0-9]+:P:[^:]*:$test:" \
                "$logdir/$build-$mode-retry-$test-$k.out"; then
            echo "P $k" >"$logdir/$build-$mode-retry-$test.verdict"
            return
        fi
    done
    echo "F $attempts" >"$logdir/$build-$mode-retry-$test.verdict"
}
pids=()
for build in plain nst; do
    if [ $build = plain ]; then bin=$plain; else bin=$nstbin; fi
    for c in $(awk '$2 != "P" && /^mt:/ { print $1 }' "$logdir/$build.results"); do
        retry $build "$bin" mt "${c#mt:}" "$MT_ATTEMPTS" &
        pids+=($!)
    done
    [ "$ST_ATTEMPTS" -gt 1 ] || continue
    for c in $(awk '$2 != "P" && /^st:/ { print $1 }' "$logdir/$build.results"); do
        retry $build "$bin" st "${c#st:}" "$ST_ATTEMPTS" &
        pids+=($!)
    done
done
for p in "${pids[@]}"; do wait "$p"; done
for build in plain nst; do
    for v in "$logdir"/$build-[ms]t-retry-*.verdict; do
        [ -f "$v" ] || continue
        mode=${v#"$logdir/$build-"}; mode=${mode%%-*}
        test=${v#"$logdir/$build-$mode-retry-"}; test=${test%.verdict}
        read -r r k <"$v"
        if [ "$r" = P ]; then
            echo "$build: $mode:$test failed, then passed on attempt $k (race in Sofia's harness)"
            awk -v c="$mode:$test" -v k="$k" \
                '$1 == c { $0 = c " P passed on attempt " k } { print }' \
                "$logdir/$build.results" >"$logdir/$build.results.tmp" &&
                mv "$logdir/$build.results.tmp" "$logdir/$build.results"
        else
            awk -v c="$mode:$test" -v k="$k" \
                '$1 == c { $0 = $0 " (all " k " attempts failed)" } { print }' \
                "$logdir/$build.results" >"$logdir/$build.results.tmp" &&
                mv "$logdir/$build.results.tmp" "$logdir/$build.results"
        fi
    done
done

for build in plain nst; do
    dup=$(cut -d' ' -f1 "$logdir/$build.results" | sort | uniq -d)
    [ -z "$dup" ] || problem "$build: case names not unique: $dup"
done

cmp -s <(cut -d' ' -f1 "$logdir/plain.results" | sort) \
       <(cut -d' ' -f1 "$logdir/nst.results" | sort) ||
    problem "the two builds did not run the same cases"

# Cases of Sofia's own suite that fail without nst on this Sofia line
# (BASELINE_FAILURES, a file like EXPECTED_FAILURES: Sofia's own defects,
# e.g. on 1.13.17; empty on 1.12.11): each must fail in the baseline
# (except those whose reason starts with "unstable:", which fail in some
# runs only, with and without nst); they are left out of the comparison and
# the counts, and listed.
if [ -n "${BASELINE_FAILURES:-}" ]; then
    base_cases=$(sed -e 's/#.*//' "$BASELINE_FAILURES" | awk 'NF { print $1 }' | sort)
    echo "left out: cases that fail without nst on this Sofia line ($BASELINE_FAILURES):"
    for c in $base_cases; do
        p=$(awk -v c="$c" '$1 == c { print $2 }' "$logdir/plain.results")
        n=$(awk -v c="$c" '$1 == c { print $2 }' "$logdir/nst.results")
        echo "  $c: without nst ${p:-not run}, with nst ${n:-not run}"
        why=$(sed -e 's/#.*//' "$BASELINE_FAILURES" | awk -v c="$c" '$1 == c { print $2; exit }')
        [ "$p" = P ] && [ "$why" != "unstable:" ] &&
            problem "$c passes without nst: remove it from $BASELINE_FAILURES"
        [ -n "$p" ] || problem "$c (in $BASELINE_FAILURES) did not run"
        for b in plain nst; do
            awk -v c="$c" '$1 != c' "$logdir/$b.results" >"$logdir/$b.results.tmp" &&
                mv "$logdir/$b.results.tmp" "$logdir/$b.results"
        done
    done
fi

count() { awk -v r="$2" '$2 == r' "$logdir/$1.results" | wc -l; }
plain_pass=$(count plain P)
plain_fail=$(( $(wc -l <"$logdir/plain.results") - plain_pass ))
echo "baseline (nua without nst): $plain_pass passed, $plain_fail failed"
if [ "$plain_fail" -ne 0 ]; then
    problem "the baseline fails (an environment problem, not nst):"
    awk '$2 != "P"' "$logdir/plain.results" | sed 's/^/  /'
fi

# The expected failures: case names, then reasons.
exp_cases=$(sed -e 's/#.*//' "$expected" | awk 'NF { print $1 }' | sort)
dup=$(echo "$exp_cases" | uniq -d)
[ -z "$dup" ] || problem "$expected lists cases twice: $dup"
reason() {
    sed -e 's/#.*//' "$expected" |
        awk -v c="$1" '$1 == c { $1 = ""; sub(/^ +/, ""); print; exit }'
}

fails=$(awk '$2 != "P" { print $1 }' "$logdir/nst.results" | sort)
ran=$(cut -d' ' -f1 "$logdir/nst.results" | sort)

echo "with nst attached, failing cases:"
for c in $fails; do
    line=$(awk -v c="$c" '$1 == c { $1 = ""; print; exit }' "$logdir/nst.results")
    if echo "$exp_cases" | grep -qxF "$c"; then
        echo "  $c (expected: $(reason "$c"))"
        echo "     $line"
    else
        echo "  $c UNEXPECTED"
        echo "     $line"
        status=1
    fi
done
[ -n "$fails" ] || echo "  (none)"

for c in $exp_cases; do
    if ! echo "$ran" | grep -qxF "$c"; then
        problem "expected failure $c did not run"
    elif ! echo "$fails" | grep -qxF "$c"; then
        problem "expected failure $c passed: remove it from $expected"
    fi
done

nst_pass=$(count nst P)
nst_fail=$(( $(wc -l <"$logdir/nst.results") - nst_pass ))
n_expected=$(echo "$exp_cases" | grep -c .)
echo "logs: $logdir ($(( $(date +%s) - start ))s)"
echo "with nst: $nst_pass cases passed, $nst_fail failed, of which $n_expected are expected (listed in $expected)"
if [ $status -eq 0 ]; then
    echo "check-sofia-suite: PASSED (only the expected cases fail with nst)"
else
    echo "check-sofia-suite: FAILED"
fi
# Closing line, one verdict per case: as expected (a pass, or a listed
# failure that failed) or not.
unexpected=0
for c in $fails; do
    echo "$exp_cases" | grep -qxF "$c" || unexpected=$((unexpected + 1))
done
for c in $exp_cases; do
    echo "$fails" | grep -qxF "$c" || unexpected=$((unexpected + 1))
done
total=$(wc -l <"$logdir/nst.results")
# A problem outside the cases (the baseline, the list) is a failure too.
[ $status -eq 0 ] || [ $unexpected -gt 0 ] || unexpected=1
echo "$(( total - unexpected )) passed, $unexpected failed"
exit $status
