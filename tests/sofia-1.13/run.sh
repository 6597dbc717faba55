#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-sofia-1.13: nst built and tested against Sofia-SIP 1.13.
#
#   run.sh MAKE TARBALL DIR SRCDIR
#
# MAKE     the make command (the caller's, with its flags)
# TARBALL  the Sofia-SIP 1.13 source tarball
# DIR      the work directory in the build tree (git-ignored):
#   DIR/sofia/  Sofia-SIP built from TARBALL and installed into
#               DIR/sofia/prefix, once (build-sofia.sh; later runs reuse it)
#   DIR/nst/    nst's distribution tree (make distdir), configured with
#               --with-sofia=DIR/sofia/prefix (rpath to its libdir) and
#               --with-sofia-source=DIR/sofia/src (the s2 harness and nua
#               suite of that same tree), built afresh on every run
#   DIR/out/    the output of each suite
# SRCDIR   nst's source tree (for build-sofia.sh and summary.sh)
#
# In DIR/nst it runs make check, check-sofia-suite, check-interop and
# check-cli, one after the other as check-all.sh does, after checking
# (ldd) that the programs load DIR/sofia/prefix's libsofia-sip-ua. The
# last line is summary.sh's "N passed, N failed" over the four.
set -uo pipefail

make=$1 tarball=$2 dir=$3 srcdir=$4
suites="check check-sofia-suite check-interop check-cli"

mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || exit 1
start=$(date +%s)

prefix=$(sh "$srcdir/tests/sofia-1.13/build-sofia.sh" "$tarball" "$dir/sofia") || exit 1
version=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion sofia-sip-ua)
echo "check-sofia-1.13: Sofia-SIP $version in $prefix ($(( $(date +%s) - start )) s)"

# A fresh tree of nst every run: the distribution's files, the tree that
# 'make dist' ships (a configured source tree cannot host a VPATH build).
rm -rf "$dir/nst" "$dir/out" && mkdir -p "$dir/out" || exit 1
$make distdir distdir="$dir/nst" >"$dir/out/distdir.log" 2>&1 || {
    cat "$dir/out/distdir.log"; echo "check-sofia-1.13: make distdir failed"; exit 1; }
cd "$dir/nst" || exit 1
./configure --quiet --with-sofia="$prefix" --with-sofia-source="$dir/sofia/src" \
    >"$dir/out/configure.log" 2>&1 || {
    cat "$dir/out/configure.log"; echo "check-sofia-1.13: configure failed"; exit 1; }
$make all >"$dir/out/build.log" 2>&1 || {
    tail -n 40 "$dir/out/build.log"; echo "check-sofia-1.13: build failed"; exit 1; }
echo "check-sofia-1.13: nst built against $version ($(( $(date +%s) - start )) s)"

# The programs must load this libsofia-sip-ua, not the system's.
status=0
for prog in src/nst-cli bench/nst-bench; do
    lib=$(./libtool --mode=execute ldd "$prog" | awk '$1 ~ /^libsofia-sip-ua\.so/ { print $3 }')
    echo "check-sofia-1.13: $prog loads $lib"
    case $lib in
    "$prefix"/lib/*) ;;
    *) echo "check-sofia-1.13: $prog does not load $prefix's library"; status=1 ;;
    esac
done
[ $status -eq 0 ] || exit 1

for s in $suites; do
    echo "=== make $s (Sofia-SIP $version)"
    t0=$(date +%s)
    $make "$s" 2>&1 | tee "$dir/out/$s.out"
    rc=${PIPESTATUS[0]}
    echo "=== make $s (Sofia-SIP $version): rc $rc, $(( $(date +%s) - t0 )) s"
    [ "$rc" -eq 0 ] || { echo "=== make $s (Sofia-SIP $version): FAILED ($rc)"; status=1; }
done
# The check programs' own tests loaded the same library (make check ran them).
lib=$(./libtool --mode=execute ldd tests/check_nst | awk '$1 ~ /^libsofia-sip-ua\.so/ { print $3 }')
echo "check-sofia-1.13: tests/check_nst loads $lib"
case $lib in "$prefix"/lib/*) ;; *) status=1 ;; esac

echo "check-sofia-1.13: $(( $(date +%s) - start )) s in all"
echo "=== summary (Sofia-SIP $version)"
sh "$srcdir/tests/summary.sh" "$dir"/nst/tests/check_*.log "$dir"/nst/tests/states/check_*.log \
    "$dir/out/check-sofia-suite.out" "$dir/out/check-interop.out" \
    "$dir/out/check-cli.out" || status=1
exit $status
