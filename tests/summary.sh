#!/bin/sh
# Add up Check's per-suite lines in the test logs ("100%: Checks: 19,
# Failures: 0, Errors: 0") into one closing line: "N passed, N failed".
# Usage: summary.sh LOG...
set -eu
awk '
  /^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
    gsub(/,/, "");
    checks += $3; failed += $5 + $7; suites++
    print FILENAME ": " $0
  }
  END {
    if (suites == 0) { print "no Check results found" > "/dev/stderr"; exit 1 }
    printf "%d passed, %d failed\n", checks - failed, failed
    exit failed != 0
  }' "$@"
