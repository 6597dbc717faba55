#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check: examples/softphone places a call on 127.0.0.1 (ports chosen
# by the system) and prints nst's events; each line below must be there.
#   NST_EXAMPLE  the built example (examples/examples.mk sets it)
# Ends with "N passed, N failed".
set -u
out=$(timeout 60 "${NST_EXAMPLE:?}" 2>&1)
rc=$?
printf '%s\n' "$out"
passed=0 failed=0
expect() {  # expect WHAT PATTERN: a line of the output matches PATTERN
  if printf '%s\n' "$out" | grep -q -- "$2"; then
    passed=$((passed + 1)); echo "ok: $1"
  else
    failed=$((failed + 1)); echo "FAIL: $1 (no line matching '$2')"
  fi
}
if [ "$rc" = 0 ]; then passed=$((passed + 1)); echo "ok: exit status 0"
else failed=$((failed + 1)); echo "FAIL: exit status $rc"; fi
expect "alice negotiates 90 s and refreshes" \
  '^alice nst_ev_negotiated: interval 90 s, refresher local, method UPDATE'
expect "bob negotiates 90 s, alice refreshes" \
  '^bob   nst_ev_negotiated: interval 90 s, refresher remote'
expect "alice's UPDATE refreshes bob's session" '^bob   nst_ev_refresh_received'
expect "alice's UPDATE is answered 200" '^alice UPDATE answered 200 OK'
expect "bob sees alice's BYE" '^bob   peer hung up'
expect "the call ends by alice's BYE" "^softphone: call ended by alice's BYE"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
