#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-gnome-calls: nst inside GNOME Calls (Debian gnome-calls
# 44~alpha.1-1), with GNOME Calls' own tests and new session-timer tests.
#
#   run.sh TOP_SRCDIR TOP_BUILDDIR
#
# 1. The Debian source of gnome-calls $VERSION is fetched with
#    'apt-get source' into the git-ignored cache TOP_BUILDDIR/tests/
#    gnome-calls/cache (once) and unpacked with Debian's patches, then
#    gnome-calls.patch (beside this script; README says what each hunk
#    does) is applied. Nothing of GNOME Calls is committed to nst.
# 2. meson builds only the SIP provider's test programs against the nst
#    of this tree, uninstalled: a pkg-config file in the cache points at
#    TOP_SRCDIR/include and TOP_BUILDDIR/src/.libs (LD_LIBRARY_PATH too).
# 3. The tests run under xvfb-run (GTK needs a display) inside a private
#    network namespace with only lo (the SIP tests bind 5060 and 5061):
#    sip (GNOME Calls' own, $REPEAT times), media, srtp, sdp-crypto and
#    session-timers (new, in tests/test-session-timers.c of the patch).
#
# Closing line: "N passed, N failed", N counting the GLib test cases
# (a program that fails without reporting a case counts as one failure).
# A missing prerequisite fails the target: it never passes by skipping.
set -uo pipefail

VERSION=44~alpha.1-1
REPEAT=${GNOME_CALLS_REPEAT:-10}   # runs of GNOME Calls' own SIP tests
TESTS="media srtp sdp-crypto session-timers"
ME=check-gnome-calls

fail() {
	echo "$ME: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ $# -eq 2 ] || { echo "usage: $0 TOP_SRCDIR TOP_BUILDDIR" >&2; exit 2; }
top_src=$(cd "$1" && pwd) || fail "no source directory $1"
top_build=$(cd "$2" && pwd) || fail "no build directory $2"
here=$top_src/tests/gnome-calls
cache=$top_build/tests/gnome-calls/cache
patch_file=$here/gnome-calls.patch
libdir=$top_build/src/.libs

# ---------------------------------------------------------------------------
# Inner level: in the private network namespace, run the tests.
# ---------------------------------------------------------------------------
if [ -n "${NST_GC_INNER:-}" ]; then
	ip link set lo up || fail "cannot bring lo up in the namespace"
	tests_dir=$cache/build/plugins/provider/tests
	passed=0 failed=0
	run_one() {  # run_one NAME: one test program, as meson's test() runs it
		local log=$cache/logs/$1.$2.log ok bad rc
		(cd "$tests_dir" && env G_DEBUG=gc-friendly,fatal-warnings \
			GSETTINGS_BACKEND=memory PYTHONDONTWRITEBYTECODE=yes MALLOC_CHECK_=2 \
			NO_AT_BRIDGE=1 CALLS_SIP_TEST=1 CALLS_AUDIOSRC=audiotestsrc \
			CALLS_AUDIOSINK=fakesink GSETTINGS_SCHEMA_DIR="$cache/build/data" \
			CALLS_PLUGIN_DIR="$cache/build/plugins" \
			LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
			timeout -k 10 300 xvfb-run -a "./$1") >"$log" 2>&1
		rc=$?
		ok=$(grep -c '^ok ' "$log")
		bad=$(grep -c '^not ok' "$log")
		if [ $rc -ne 0 ] && [ "$bad" -eq 0 ]; then
			bad=1
		fi
		passed=$((passed + ok)) failed=$((failed + bad))
		if [ $rc -eq 0 ] && [ "$bad" -eq 0 ]; then
			echo "PASS: $1 (run $2): $ok cases"
		else
			echo "FAIL: $1 (run $2): rc $rc, $ok passed, $bad failed; log $log"
			grep -E '^not ok|ERROR|WARNING|CRITICAL' "$log" | head -5
		fi
		grep -E '^# (Bob ended|refreshed after)' "$log" | sed "s/^# /      $1: /"
	}
	mkdir -p "$cache/logs"
	for i in $(seq 1 "$REPEAT"); do
		run_one sip "$i"
	done
	for t in $TESTS; do
		run_one "$t" 1
	done
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ]
	exit
fi

# ---------------------------------------------------------------------------
# Outer level: prerequisites, source, build; then the namespace.
# ---------------------------------------------------------------------------
for t in apt-get dpkg-source patch meson ninja xvfb-run xauth unshare ip timeout; do
	command -v "$t" >/dev/null 2>&1 ||
		fail "$t is not installed (run scripts/setup-debian.sh as root)"
done
[ -e "$libdir/libnst.so" ] || fail "no $libdir/libnst.so: build nst first (make)"
unshare -n true 2>/dev/null ||
	fail "cannot create a private network namespace (unshare -n, needs root); refusing to run off loopback"

mkdir -p "$cache"
started=$(date +%s)

# The source, patched; again whenever the patch changes.
stamp=$(sha256sum "$patch_file" | cut -d' ' -f1)
if [ "$(cat "$cache/src.stamp" 2>/dev/null)" != "$VERSION $stamp" ]; then
	if ! ls "$cache"/dl/gnome-calls_*.dsc >/dev/null 2>&1; then
		rm -rf "$cache/dl" && mkdir -p "$cache/dl.tmp"
		(cd "$cache/dl.tmp" && apt-get source -q --download-only "gnome-calls=$VERSION") \
			>"$cache/apt.log" 2>&1 || {
			cat "$cache/apt.log"
			fail "'apt-get source --download-only gnome-calls=$VERSION' failed (a deb-src entry and 'apt-get update': scripts/setup-debian.sh)"
		}
		mv "$cache/dl.tmp" "$cache/dl"
	fi
	rm -rf "$cache/src" "$cache/src.tmp" "$cache/src.stamp"
	dpkg-source --no-check -x "$cache"/dl/gnome-calls_*.dsc "$cache/src.tmp" \
		>"$cache/unpack.log" 2>&1 || { cat "$cache/unpack.log"; fail "dpkg-source -x failed"; }
	patch -d "$cache/src.tmp" -p1 --no-backup-if-mismatch <"$patch_file" >"$cache/patch.log" 2>&1 ||
		{ cat "$cache/patch.log"; fail "gnome-calls.patch does not apply to gnome-calls $VERSION"; }
	mv "$cache/src.tmp" "$cache/src"
	echo "$VERSION $stamp" >"$cache/src.stamp"
	echo "$ME: gnome-calls $VERSION unpacked and patched ($(grep -c '^patching file' "$cache/patch.log") files)"
fi

# nst of this tree, uninstalled.
mkdir -p "$cache/pc"
cat >"$cache/pc/nst.pc" <<PC
Name: nst
Description: SIP Session Timers for Sofia-SIP nua (uninstalled: $top_src)
Version: 0
Requires: sofia-sip-ua >= 1.12.11
Requires.private: glib-2.0
Libs: -L$libdir -lnst
Cflags: -I$top_src/include
PC

if [ ! -f "$cache/build/build.ninja" ]; then
	rm -rf "$cache/build"
	meson setup "$cache/build" "$cache/src" -Dtests=true -Dmanpages=false \
		-Dgtk_doc=false -Dpkg_config_path="$cache/pc" >"$cache/meson.log" 2>&1 || {
		tail -30 "$cache/meson.log"
		fail "meson setup failed (build dependencies: apt-get build-dep gnome-calls, in scripts/setup-debian.sh)"
	}
fi
targets="data/gschemas.compiled plugins/provider/tests/sip"
for t in $TESTS; do targets="$targets plugins/provider/tests/$t"; done
# shellcheck disable=SC2086
ninja -C "$cache/build" -j2 $targets >"$cache/ninja.log" 2>&1 || {
	grep -E 'error|FAILED' "$cache/ninja.log" | head -30
	fail "the build of GNOME Calls' provider tests failed (log: $cache/ninja.log)"
}
echo "$ME: built in $(( $(date +%s) - started )) s"

NST_GC_INNER=1 timeout -k 10 1500 unshare -n -- bash "$0" "$top_src" "$top_build"
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "$ME: the tests took longer than 25 minutes: stopped"
	echo "0 passed, 1 failed"
fi
echo "$ME: $(( $(date +%s) - started )) s in all"
exit $rc
