#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The library's files stand on floors, and includes point down only:
#   0 the core        nst_core nst_names nst_log nst_tag nst_config nst_states
#   1 below the call  nst_sched nst_testclock nst_parser
#   2 the calls       nst_call
#   3 the module      nst nst_adopt nst_module.h
#   4 the CLI         src/cli/ (nst's public header only)
# A file that includes a header of a higher floor fails this check, as does
# a source file the table does not name (give it a floor). Run by make
# check; prints "N passed, M failed".
set -u
src=${1:-$(dirname "$0")/../src}

floor_of() {
    case ${1##*/} in
    nst_core.[ch]|nst_names.c|nst_log.c|nst_tag.c|nst_config.c|nst_states.[ch]) echo 0 ;;
    nst_sched.[ch]|nst_testclock.c|nst_parser.[ch])            echo 1 ;;
    nst_call.[ch])                                             echo 2 ;;
    nst.c|nst_adopt.c|nst_module.h)                            echo 3 ;;
    *) case $1 in */cli/*) echo 4 ;; *) echo "" ;; esac ;;
    esac
}

pass=0 fail=0
for f in "$src"/*.[ch] "$src"/cli/*.[ch]; do
    [ -f "$f" ] || continue
    me=$(floor_of "$f")
    if [ -z "$me" ]; then
        echo "FAIL ${f#"$src"/}: no floor (add it to tests/check_floors.sh)"
        fail=$((fail + 1)); continue
    fi
    bad=""
    for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        [ "$h" = config.h ] && continue
        case $h in cli.h) continue ;; esac
        them=$(floor_of "$h")
        if [ -z "$them" ] || [ "$them" -gt "$me" ]; then
            bad="$bad $h(floor ${them:-?})"
        fi
    done
    if [ -n "$bad" ]; then
        echo "FAIL ${f#"$src"/} (floor $me) includes upward:$bad"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
