#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# build-deb.sh TARBALL DIR: the Debian packages of nst from its distribution
# tarball (make deb). The tarball is unpacked in DIR, its packaging/debian/
# becomes debian/, dpkg-buildpackage builds the binary packages into DIR
# (the log in DIR/build.log), lintian checks them: an error or a warning
# fails (overrides, each with its reason, are in packaging/debian/).
#   DEB_BUILD_OPTIONS  passed on, after "nocheck parallel=2" ('make check'
#                      runs the test suite on the tree; it needs Sofia's
#                      source and the network, which a package build has not)
# The version check, the build and lintian are counted cases: the script
# ends with "N passed, N failed" (tests/summary.sh adds it into the closing
# line of make check-all), also when it stops early.
set -eu
tarball=$1 dir=$2
passed=0 failed=0 done=no
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  [ "$done" = yes ] || fail "build-deb stopped before the end (see above)"
  echo "$passed passed, $failed failed"
}
trap finish EXIT
name=$(basename "$tarball" .tar.gz)        # nst-0.1.0
package=${name%-*} version=${name##*-}

rm -rf "$dir" && mkdir -p "$dir"
cp "$tarball" "$dir/${package}_$version.orig.tar.gz"
tar -xzf "$tarball" -C "$dir"
cp -R "$dir/$name/packaging/debian" "$dir/$name/debian"

debversion=$(cd "$dir/$name" && dpkg-parsechangelog -SVersion)
if [ "${debversion%-*}" != "$version" ]; then
  echo "build-deb: packaging/debian/changelog is at $debversion, the tarball at $version: add a changelog entry (dch -v $version-1)" >&2
  fail "debian/changelog ($debversion) has the tarball's version ($version)"
  done=yes; exit 1
fi
ok "debian/changelog ($debversion) has the tarball's version ($version)"

echo "build-deb: dpkg-buildpackage -us -uc -b in $dir/$name (log: $dir/build.log)"
if ! (cd "$dir/$name" && DEB_BUILD_OPTIONS="nocheck parallel=2 ${DEB_BUILD_OPTIONS:-}" \
      dpkg-buildpackage -us -uc -b) > "$dir/build.log" 2>&1; then
  tail -30 "$dir/build.log" >&2
  fail "dpkg-buildpackage -us -uc -b (log: $dir/build.log)"
  done=yes; exit 1
fi
ok "dpkg-buildpackage -us -uc -b: $(cd "$dir" && echo *.deb)"

changes=$(ls "$dir"/*.changes)
echo "build-deb: lintian $changes"
if lintian --fail-on error,warning "$changes"; then
  ok "lintian: no error, no warning"
else
  fail "lintian: errors or warnings (above)"
  done=yes; exit 1
fi
# (lintian 2.116 exits 2 when --show-overrides and --fail-on warning meet:
# the overrides are listed by a second run)
lintian --fail-on none --show-overrides "$changes" | grep '^O:' || true
done=yes
