#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Make the source of the installed sofia-sip available for the test harness.
#
#   sofia-source.sh CACHE_DIR [SOURCE_DIR]
#
# SOURCE_DIR (configure --with-sofia-source) is used as it is. Otherwise the
# Debian source package of exactly the installed libsofia-sip-ua version is
# fetched with 'apt-get source' and unpacked into CACHE_DIR (git-ignored),
# once. Nothing of Sofia's source is ever committed to nst.
#
# Prints the path of the source tree; CACHE_DIR then names it (a link to
# SOURCE_DIR when one is given). Fails loudly: the regression suite
# cannot run without Sofia's s2check harness, and it never skips silently.
set -eu

cache=$1
given=${2:-}

have_tree() {
    [ -f "$1/s2check/s2sip.c" ] && [ -f "$1/libsofia-sip-ua/nua/check_nua.c" ]
}

fail() {
    cat >&2 <<MSG
*** nst test suite: cannot get the Sofia-SIP source for the s2check harness.
*** $1
*** The regression suite compiles Sofia's own test harness from the Debian
*** source of the installed libsofia-sip-ua. Either
***   - run scripts/setup-debian.sh as root (adds a deb-src entry, installs
***     dpkg-dev), or
***   - configure with --with-sofia-source=DIR pointing at an unpacked
***     sofia-sip-1.12.11 source tree.
MSG
    exit 1
}

if [ -n "$given" ]; then
    have_tree "$given" || fail "--with-sofia-source=$given has no s2check/ and nua/check_nua.c"
    given=$(cd "$given" && pwd)
    mkdir -p "$(dirname "$cache")"
    rm -rf "$cache"
    ln -s "$given" "$cache"
    echo "$given"
    exit 0
fi

if have_tree "$cache"; then
    (cd "$cache" && pwd)
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get is not available on this machine."
version=$(dpkg-query -W -f='${source:Version}' libsofia-sip-ua0 2>/dev/null) ||
    fail "libsofia-sip-ua0 is not installed (dpkg-query)."
[ -n "$version" ] || fail "cannot tell the installed libsofia-sip-ua0 version."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -q --download-only "sofia-sip=$version" >"$work/apt.log" 2>&1) || {
    cat "$work/apt.log" >&2
    fail "'apt-get source --download-only sofia-sip=$version' failed (is a deb-src entry configured? run apt-get update)."
}

rm -rf "$cache.tmp"
mkdir -p "$(dirname "$cache")"
if command -v dpkg-source >/dev/null 2>&1; then
    # Applies Debian's patches: the tree is exactly what was built.
    # Unpacked inside $work: dpkg-source leaves the orig tarball beside its
    # target directory.
    dsc=$(ls "$work"/*.dsc)
    dpkg-source --no-check -x "$dsc" "$work/tree" >"$work/unpack.log" 2>&1 || {
        cat "$work/unpack.log" >&2
        fail "dpkg-source -x failed."
    }
    mv "$work/tree" "$cache.tmp"
else
    mkdir -p "$cache.tmp"
    tar -xf "$work"/*.orig.tar.* -C "$cache.tmp" --strip-components=1 ||
        fail "cannot unpack the orig tarball."
fi
have_tree "$cache.tmp" || fail "the unpacked source has no s2check harness."
rm -rf "$cache"
mv "$cache.tmp" "$cache"
(cd "$cache" && pwd)
