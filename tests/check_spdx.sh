#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every source and script file of the distribution names its license with
# an SPDX-License-Identifier line in its first 10 lines (README, License).
# The files are the distribution's (make's DISTFILES, in NST_DISTFILES);
# checked: C (.c .h), shell, Python, make (.mk .am .ac), .in templates,
# m4, Kamailio .cfg, SIPp .xml, gnuplot .gp, valgrind .supp, .dox,
# patches, man pages, debian/rules, and any other file starting with "#!".
# Not checked: the files autotools and libtool generate or copy in
# (configure, aclocal.m4, */Makefile.in, config.h.in, build-aux/*,
# m4/libtool.m4 and m4/lt*.m4: they carry their own notices, listed in
# packaging/debian/copyright), and data (README, .md, .txt, corpora).
# Run by make check; prints "N passed, M failed".
#   check_spdx.sh [SRCDIR]     (NST_DISTFILES: the files, relative to SRCDIR)
set -u
srcdir=${1:-${srcdir:-.}}
pass=0 fail=0

if [ -z "${NST_DISTFILES:-}" ]; then
    echo "FAIL: NST_DISTFILES is empty (run by make check)"
    echo "0 passed, 1 failed"; exit 1
fi

checked() {  # checked PATH: a source or script file under the rule
    case $1 in
    configure|aclocal.m4|config.h.in|Makefile.in|*/Makefile.in) return 1 ;;
    build-aux/*|m4/libtool.m4|m4/lt*.m4) return 1 ;;
    *.c|*.h|*.sh|*.py|*.mk|*.am|*.ac|*.in|*.m4|*.cfg|*.xml|*.gp|*.supp) return 0 ;;
    *.dox|*.patch|*.[1-8]|*/debian/rules) return 0 ;;
    esac
    [ "$(head -c 2 "$2" 2>/dev/null | tr -d '\000')" = "#!" ]
}

# DISTFILES names files and directories, some as $(srcdir)/...; expand the
# directories, drop the prefix, keep each file once.
list=$(for f in $NST_DISTFILES; do
    f=${f#"$srcdir"/}; f=${f#./}
    if [ -d "$srcdir/$f" ]; then
        (cd "$srcdir" && find "$f" -type f)
    elif [ -f "$srcdir/$f" ] || [ -f "$f" ]; then
        echo "$f"
    fi
done | sort -u)

for f in $list; do
    path=$srcdir/$f
    [ -f "$path" ] || path=$f          # a file built in the build tree
    checked "$f" "$path" || continue
    if head -n 10 "$path" | grep -q 'SPDX-License-Identifier: [A-Za-z0-9]'; then
        pass=$((pass + 1))
    else
        echo "FAIL $f: no SPDX-License-Identifier line in its first 10 lines"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ $pass -gt 0 ] && [ $fail -eq 0 ]
