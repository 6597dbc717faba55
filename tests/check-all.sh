#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every suite, one after the other (the interop ones run in real time and
# must not share the two cores with a build), then one closing line over
# all of them. Run by 'make check-all' (README command 2, and CI).
#   check-all.sh MAKE
set -uo pipefail
make=${1:-make}
out=tests/check-all
mkdir -p "$out"
rm -f "$out"/*.out
status=0

run() {  # run NAME: make NAME, its output kept for the summary
    echo "=== make $1"
    $make "$1" 2>&1 | tee "$out/$1.out"
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || { echo "=== make $1: FAILED ($rc)"; status=1; }
}

run apidoc
run check
run check-sofia-suite
run check-interop
run check-cli
run check-interop-linphone
run check-gnome-calls
run check-kamailio
run check-valgrind
run check-asan
run check-fuzz
run check-faults
run check-scale-out
run distcheck
run check-deb
# Sofia-SIP 1.13 (the maintained line): check, check-sofia-suite,
# check-interop and check-cli again, in _sofia-1.13/nst built against it.
run check-sofia-1.13

echo "=== summary"
sh "$(dirname "$0")/summary.sh" tests/check_*.log tests/states/check_*.log _asan/nst-*/tests/check_*.log _asan/nst-*/tests/states/check_*.log \
    "$out"/check-sofia-suite.out "$out"/check-interop.out "$out"/check-cli.out \
    "$out"/check-interop-linphone.out "$out"/check-gnome-calls.out \
    "$out"/check-kamailio.out "$out"/check-fuzz.out "$out"/check-deb.out \
    "$out"/check-faults.out "$out"/check-scale-out.out \
    _sofia-1.13/nst/tests/check_*.log _sofia-1.13/nst/tests/states/check_*.log \
    _sofia-1.13/out/check-sofia-suite.out \
    _sofia-1.13/out/check-interop.out _sofia-1.13/out/check-cli.out || status=1
exit $status
