#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build Sofia-SIP 1.13 from its source tarball into a build-local prefix,
# once (make check-sofia-1.13, make bench-sofia-1.13).
#
#   build-sofia.sh TARBALL CACHE_DIR
#
# CACHE_DIR (git-ignored) gets src/ (the unpacked tree: its s2check harness
# and nua suite are compiled by nst's tests) and prefix/ (the installed
# library, pkg-config files in prefix/lib/pkgconfig). A stamp file marks a
# complete build: a build that was interrupted starts again from scratch.
# Prints the prefix.
set -eu

tarball=$1
cache=$2

if [ -f "$cache/done.stamp" ]; then
    (cd "$cache/prefix" && pwd)
    exit 0
fi
[ -f "$tarball" ] || {
    echo "*** build-sofia.sh: no Sofia-SIP tarball at $tarball" >&2
    echo "*** (make check-sofia-1.13 SOFIA13_TARBALL=FILE names another one)" >&2
    exit 1
}

rm -rf "$cache"
mkdir -p "$cache/src"
cache=$(cd "$cache" && pwd)
log=$cache/build.log
echo "build-sofia.sh: building $(basename "$tarball") into $cache/prefix (log: $log)" >&2
tar -xJf "$tarball" -C "$cache/src" --strip-components=1
(
    cd "$cache/src" &&
    sh autogen.sh &&
    ./configure --prefix="$cache/prefix" --with-glib=yes \
        --disable-dependency-tracking &&
    make -j"${SOFIA_BUILD_JOBS:-2}" &&
    make install
) >"$log" 2>&1 || {
    tail -n 40 "$log" >&2
    echo "*** build-sofia.sh: the Sofia-SIP build failed (log: $log)" >&2
    exit 1
}
touch "$cache/done.stamp"
echo "$cache/prefix"
