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
set -eu
tarball=$1 dir=$2
name=$(basename "$tarball" .tar.gz)        # nst-0.1.0
package=${name%-*} version=${name##*-}

rm -rf "$dir" && mkdir -p "$dir"
cp "$tarball" "$dir/${package}_$version.orig.tar.gz"
tar -xzf "$tarball" -C "$dir"
cp -R "$dir/$name/packaging/debian" "$dir/$name/debian"

debversion=$(cd "$dir/$name" && dpkg-parsechangelog -SVersion)
if [ "${debversion%-*}" != "$version" ]; then
  echo "build-deb: packaging/debian/changelog is at $debversion, the tarball at $version: add a changelog entry (dch -v $version-1)" >&2
  exit 1
fi

echo "build-deb: dpkg-buildpackage -us -uc -b in $dir/$name (log: $dir/build.log)"
if ! (cd "$dir/$name" && DEB_BUILD_OPTIONS="nocheck parallel=2 ${DEB_BUILD_OPTIONS:-}" \
      dpkg-buildpackage -us -uc -b) > "$dir/build.log" 2>&1; then
  tail -30 "$dir/build.log" >&2
  echo "build-deb: dpkg-buildpackage failed (log: $dir/build.log)" >&2
  exit 1
fi
ls "$dir"/*.deb

changes=$(ls "$dir"/*.changes)
echo "build-deb: lintian $changes"
lintian --fail-on error,warning "$changes"
# (lintian 2.116 exits 2 when --show-overrides and --fail-on warning meet:
# the overrides are listed by a second run)
lintian --fail-on none --show-overrides "$changes" | grep '^O:' || true
echo "build-deb: lintian: no error, no warning"
