#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Add up the test results into one closing line: "N passed, N failed".
#   - Check's per-suite lines in test logs: "100%: Checks: 19, Failures: 0, Errors: 0"
#   - the interop runners' own closing lines: "21 passed, 1 failed"
# Usage: summary.sh FILE...
set -eu
awk '
  /^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
    line = $0; gsub(/,/, "", line); split(line, f, " ")
    passed += f[3] - f[5] - f[7]; failed += f[5] + f[7]; found++
    print FILENAME ": " $0
  }
  /^[0-9]+ passed, [0-9]+ failed/ {
    passed += $1; failed += $3; found++
    print FILENAME ": " $0
  }
  END {
    if (found == 0) { print "no test results found" > "/dev/stderr"; exit 1 }
    printf "%d passed, %d failed\n", passed, failed
    exit failed != 0
  }' "$@"
