#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-gnome-calls: nst inside GNOME Calls (the Debian gnome-calls
# that apt offers; the patch was made on 44~alpha.1-1), with GNOME Calls'
# own tests and new session-timer tests.
#
#   run.sh TOP_SRCDIR TOP_BUILDDIR
#
# 1. The version is the one apt's sources offer ('apt-get source
#    --print-uris gnome-calls': the version whose build dependencies
#    'apt-get build-dep gnome-calls' installed). Its Debian source is
#    fetched with 'apt-get source' into the git-ignored cache TOP_BUILDDIR/
#    tests/gnome-calls/cache/dl/VERSION (once per version) and unpacked with
#    Debian's patches, then gnome-calls.patch (beside this script; README
#    says what each hunk does) is applied; a version the patch does not
#    apply to fails the target, saying so. Nothing of GNOME Calls is
#    committed to nst.
# 2. meson builds only the SIP provider's test programs against the nst
#    of this tree, uninstalled: a pkg-config file in the cache points at
#    TOP_SRCDIR/include and TOP_BUILDDIR/src/.libs (LD_LIBRARY_PATH too).
# 3. The tests run under xvfb-run (GTK needs a display) inside a private
#    network namespace with only lo (the SIP tests bind 5060 and 5061):
#    sip (GNOME Calls' own, $REPEAT times), media, srtp, sdp-crypto once,
#    and session-timers (new, in tests/test-session-timers.c of the patch):
#    its fast-forwarded cases $ST_REPEAT times, its real-time case once.
#
# Closing line: "N passed, N failed", N counting the GLib test cases
# (a program that fails without reporting a case counts as one failure).
# A missing prerequisite fails the target: it never passes by skipping.
set -uo pipefail

PATCHED_FOR=44~alpha.1-1            # the version gnome-calls.patch was made on
REPEAT=${GNOME_CALLS_REPEAT:-20}     # runs of GNOME Calls' own SIP tests
ST_REPEAT=${GNOME_CALLS_ST_REPEAT:-10} # runs of the fast-forwarded session-timer cases
TESTS="media srtp sdp-crypto"
ST_REAL=/Calls/SIP/session_timers/real_time
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
	build=$cache/build
	passed=0 failed=0
	# run_one NAME RUN [ARGS]: one test program, close to how meson's test() runs it:
	# from the build root, with the test_env of plugins/provider/tests/
	# meson.build and a random MALLOC_PERTURB_ (as meson sets when unset;
	# in the log). Differences: under xvfb-run, LD_LIBRARY_PATH at this
	# tree's nst, a 300 s timeout (meson: 30 s, 300 for session-timers).
	# G_TEST_SRCDIR/G_TEST_BUILDDIR are set by neither (meson 1.0's test()
	# does not set them; no test here reads them).
	run_one() {
		local name=$1 run=$2 ok bad rc perturb=$((RANDOM % 255 + 1))
		local log=$cache/logs/$name.$run.log
		shift 2
		echo "MALLOC_PERTURB_=$perturb $*" >"$log"
		(cd "$build" && env G_DEBUG=gc-friendly,fatal-warnings \
			GSETTINGS_BACKEND=memory PYTHONDONTWRITEBYTECODE=yes MALLOC_CHECK_=2 \
			NO_AT_BRIDGE=1 CALLS_SIP_TEST=1 CALLS_AUDIOSRC=audiotestsrc \
			CALLS_AUDIOSINK=fakesink GSETTINGS_SCHEMA_DIR="$build/data" \
			CALLS_PLUGIN_DIR="$build/plugins" MALLOC_PERTURB_=$perturb \
			LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
			timeout -k 10 300 xvfb-run -a "./plugins/provider/tests/$name" "$@") >>"$log" 2>&1
		rc=$?
		ok=$(grep '^ok ' "$log" | grep -vc '# SKIP')
		bad=$(grep -c '^not ok' "$log")
		if [ $rc -ne 0 ] && [ "$bad" -eq 0 ]; then
			bad=1
		fi
		passed=$((passed + ok)) failed=$((failed + bad))
		if [ $rc -eq 0 ] && [ "$bad" -eq 0 ]; then
			echo "PASS: $name (run $run): $ok cases"
		else
			echo "FAIL: $name (run $run): rc $rc, $ok passed, $bad failed; log $log"
			grep -E '^not ok|ERROR|WARNING|CRITICAL' "$log" | head -5
		fi
		grep -E '^# (Bob ended|refreshed after)' "$log" | sed "s/^# /      $name: /"
	}
	mkdir -p "$cache/logs"
	for i in $(seq 1 "$REPEAT"); do
		run_one sip "$i"
	done
	for t in $TESTS; do
		run_one "$t" 1
	done
	for i in $(seq 1 "$ST_REPEAT"); do   # all but the real-time case
		run_one session-timers "$i" -s "$ST_REAL"
	done
	run_one session-timers real -p "$ST_REAL"
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

# The version: the one apt's sources offer, whose build dependencies
# 'apt-get build-dep gnome-calls' (scripts/setup-debian.sh) installed.
mkdir -p "$cache/uris" && rm -f "$cache"/uris/*
VERSION=$(cd "$cache/uris" && apt-get source -q --print-uris gnome-calls 2>"$cache/apt.log" |
	sed -n "s/^'[^']*' gnome-calls_\([^ ]*\)\.dsc .*/\1/p")
[ -n "$VERSION" ] || {
	cat "$cache/apt.log"
	fail "apt offers no source of gnome-calls ('apt-get source --print-uris gnome-calls': a deb-src entry and 'apt-get update': scripts/setup-debian.sh)"
}
[ "$VERSION" = "$PATCHED_FOR" ] ||
	echo "$ME: apt offers gnome-calls $VERSION; gnome-calls.patch was made on $PATCHED_FOR"

# The source of that version (downloaded once per version), patched;
# again whenever the version or the patch changes.
stamp=$(sha256sum "$patch_file" | cut -d' ' -f1)
dl=$cache/dl/$VERSION
if [ "$(cat "$cache/src.stamp" 2>/dev/null)" != "$VERSION $stamp" ]; then
	if [ ! -f "$dl/gnome-calls_$VERSION.dsc" ]; then
		rm -rf "$dl" "$dl.tmp" && mkdir -p "$dl.tmp"
		(cd "$dl.tmp" && apt-get source -q --download-only "gnome-calls=$VERSION") \
			>"$cache/apt.log" 2>&1 || {
			cat "$cache/apt.log"
			fail "'apt-get source --download-only gnome-calls=$VERSION' failed (a deb-src entry and 'apt-get update': scripts/setup-debian.sh)"
		}
		mv "$dl.tmp" "$dl"
	fi
	rm -rf "$cache/src" "$cache/src.tmp" "$cache/src.stamp" "$cache/build"
	dpkg-source --no-check -x "$dl/gnome-calls_$VERSION.dsc" "$cache/src.tmp" \
		>"$cache/unpack.log" 2>&1 || { cat "$cache/unpack.log"; fail "dpkg-source -x of gnome-calls $VERSION failed"; }
	patch -d "$cache/src.tmp" -p1 --batch --forward --no-backup-if-mismatch <"$patch_file" >"$cache/patch.log" 2>&1 || {
		cat "$cache/patch.log"
		[ "$VERSION" = "$PATCHED_FOR" ] &&
			fail "gnome-calls.patch does not apply to gnome-calls $VERSION, the version it was made on: the patch is broken"
		fail "gnome-calls.patch (made on gnome-calls $PATCHED_FOR) does not apply to gnome-calls $VERSION, the version apt offers: port the patch to it (tests/gnome-calls/README)"
	}
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
targets="data/gschemas.compiled plugins/provider/tests/sip plugins/provider/tests/session-timers"
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
