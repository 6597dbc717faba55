#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A call's states: doc/call-states.md's drawing is the table of
# src/nst_states.c (printed by tests/states/call-states), with the s2 tests
# that name each transition (ck_assert_transition() in tests/check_*.c).
# Fails when the drawing is out of date ('make update-call-states' redraws
# it) or when a test names a transition the table does not list. Run by
# make check; prints "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
gen=${CALL_STATES:-tests/states/call-states}
doc=$top/doc/call-states.md
begin='<!-- drawn by tests/states/check_states.sh from src/nst_states.c and the tests: make update-call-states -->'
end='<!-- end of the drawing -->'
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

"$gen" > "$tmp/table" || { echo "FAIL: $gen did not run"; echo "0 passed, 1 failed"; exit 1; }

# "FROM EVENT TO TEST" for every transition a test names.
for f in "$top"/tests/check_*.c; do
    awk '/^START_TEST\(/ { t = $0; sub(/^START_TEST\(/, "", t); sub(/\).*/, "", t) }
         /ck_assert_transition\("/ { s = $0; sub(/.*ck_assert_transition\("/, "", s); sub(/".*/, "", s)
                                     n = split(s, w, " "); if (n == 3) { e = w[2]; gsub(/^--|-->$/, "", e); print w[1], e, w[3], t } }' "$f"
done | sort -u > "$tmp/named"

draw() {
    echo "$begin"
    echo
    echo '```mermaid'
    echo 'stateDiagram-v2'
    echo '    [*] --> new'
    while read -r from event to; do
        [ "$to" = gone ] && to='[*]'
        echo "    $from --> $to : $event"
    done < "$tmp/table"
    echo '```'
    echo
    echo '| from | event | to | named by the tests |'
    echo '|---|---|---|---|'
    while read -r from event to; do
        tests=$(awk -v f="$from" -v e="$event" -v t="$to" '$1 == f && $2 == e && $3 == t { printf "%s`%s`", sep, $4; sep = ", " }' "$tmp/named")
        echo "| $from | $event | $to | ${tests:-not covered by a test} |"
    done < "$tmp/table"
    echo
    echo "$end"
}
draw > "$tmp/drawing"

# The doc with its drawing replaced by a fresh one.
awk -v b="$begin" -v e="$end" -v d="$tmp/drawing" '
    $0 == b { while ((getline l < d) > 0) print l; skip = 1; next }
    $0 == e { skip = 0; next }
    !skip' "$doc" > "$tmp/doc"

if [ "${1:-}" = --update ]; then
    cp "$tmp/doc" "$doc" && echo "redrew $doc"
    exit 0
fi

pass=0 fail=0
if grep -qxF "$begin" "$doc" && cmp -s "$tmp/doc" "$doc"; then
    pass=$((pass + 1))
else
    echo "FAIL doc/call-states.md: its drawing is not the table's (make update-call-states):"
    diff "$doc" "$tmp/doc" | head -20
    fail=$((fail + 1))
fi
while read -r from event to test; do
    if grep -qxF "$from $event $to" "$tmp/table"; then
        pass=$((pass + 1))
    else
        echo "FAIL $test names $from --$event--> $to, which src/nst_states.c does not list"
        fail=$((fail + 1))
    fi
done < "$tmp/named"
listed=$(wc -l < "$tmp/table")
covered=$(awk '{ print $1, $2, $3 }' "$tmp/named" | sort -u | wc -l)
echo "transitions: $listed listed, $covered named by a test"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
