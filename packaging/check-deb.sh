#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# check-deb.sh DIR ADOPT.C: the packages built by 'make deb' in DIR, as a
# softphone developer meets them (make check-deb; run as root):
#   1. apt installs libnst0, libnst-dev and nst-cli from DIR;
#   2. ADOPT.C (tests/external/adopt.c) builds with nothing but
#      'pkg-config --cflags --libs nst' against the installed package, runs,
#      and loads the packaged libnst; nst-cli and its man page are there;
#   3. apt purges the three packages again: nothing of them is left;
#   4. the ABI is watched: the unpacked tarball of DIR with one public
#      function no longer exported (NST_API taken off nst_event_name())
#      must fail the package build, in dpkg-gensymbols, naming the symbol.
# Ends with "N passed, N failed". The packages are purged by step 3, or
# on the way out if the script stops or is interrupted before it. Step 4
# works on a copy in a temporary directory only: DIR and the project tree
# are never edited (a copy or cd that fails is a failed check).
# (packaging/check-deb-deps.sh checks the packages' dependencies.)
set -uo pipefail
dir=$1 adopt=$2
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=1200 "$@"; }
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() {  # check WHAT COMMAND...: COMMAND succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
packages="libnst0 libnst-dev nst-cli"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
tmp=$(mktemp -d)
installed=no
cleanup() {
  if [ "$installed" = yes ]; then
    echo "check-deb: stopped early: purging $packages"
    apt_get purge -y $packages >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'fail "interrupted"; echo "$passed passed, $failed failed"; exit 130' INT TERM HUP
# the exact state: dpkg -s also succeeds for unpacked, half-configured or
# config-files packages
is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
is_gone() {
  case $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) in
  ""|*" not-installed") return 0 ;;
  *) return 1 ;;
  esac
}

if [ "$(id -u)" != 0 ]; then
  echo "check-deb: must run as root (apt-get install)"; echo "0 passed, 1 failed"; exit 1
fi
debs=()
for p in $packages; do
  d=$(ls "$dir"/${p}_*.deb 2>/dev/null | head -1)
  case $d in
  "") fail "$p: no package in $dir" ;;
  /*) debs+=("$d") ;;
  *) debs+=("./$d") ;;             # apt-get install takes ./FILE, not FILE
  esac
done

# 1. install
installed=yes
check "apt-get install ${debs[*]}" \
  apt_get install -y --no-install-recommends "${debs[@]}"
for p in $packages; do
  check "$p is installed (dpkg-query: $(dpkg-query -W -f='${Status}' "$p" 2>&1))" \
    is_installed "$p"
done

# 2. build and run the external program against the package. pkg-config
# looks only where the packages put nst.pc, and the program must load the
# packaged library (not a copy 'make install' left in /usr/local).
export PKG_CONFIG_LIBDIR=/usr/lib/$multiarch/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig
check "pkg-config finds nst $(pkg-config --modversion nst 2>/dev/null) in /usr" \
  test "$(pkg-config --variable=libdir nst 2>/dev/null)" = "/usr/lib/$multiarch"
check "adopt.c builds with pkg-config --cflags --libs nst" \
  cc -Wall -Wextra -Werror $(pkg-config --cflags nst) "$adopt" -o "$tmp/adopt" \
     $(pkg-config --libs nst)
lib=$(ldd "$tmp/adopt" 2>/dev/null | awk '$1 == "libnst.so.0" { print $3 }')
check "adopt loads the packaged library ($lib)" \
  test "$(readlink -f "$lib")" = "$(readlink -f "/usr/lib/$multiarch/libnst.so.0")"
check "adopt runs" timeout 60 "$tmp/adopt"
check "nst-cli --help runs" sh -c '/usr/bin/nst-cli --help >/dev/null'
check "nst-cli(1) is installed" test -f /usr/share/man/man1/nst-cli.1.gz
check "the API reference is installed" test -f /usr/share/doc/libnst-dev/html/index.html

# 3. purge
check "apt-get purge $packages" apt_get purge -y $packages
installed=no
for p in $packages; do
  check "$p is gone (dpkg-query: $(dpkg-query -W -f='${Status}' "$p" 2>&1 | head -1))" \
    is_gone "$p"
done
check "no file of the packages is left" \
  sh -c "! ls /usr/lib/$multiarch/libnst.so* /usr/include/nst /usr/bin/nst-cli 2>/dev/null"

# 4. an ABI break fails the package build. Everything happens in $tmp/abi,
# in subshells whose steps are chained with && (set -e would be ignored in
# an if's condition): a failed copy, cd or edit stops there, is a failed
# check, and nothing runs in DIR or the project tree.
src=$(ls -d "$dir"/nst-*/ 2>/dev/null | head -1)
header=include/nst/nst.h
exported='^NST_API char const \*nst_event_name('
if [ -z "$src" ]; then
  fail "no unpacked tarball in $dir"
elif ! cp -a "$src" "$tmp/abi"; then
  fail "copy of $src to $tmp/abi"
elif ! ( cd "$tmp/abi" && rm -rf debian/.debhelper debian/tmp &&
         grep -q "$exported" "$header" &&
         sed -i 's/^NST_API \(char const \*nst_event_name(\)/\1/' "$header" &&
         ! grep -q "$exported" "$header" ); then
  fail "nst_event_name() could not be taken out of the API in $tmp/abi"
else
  ok "nst_event_name() is no longer exported in the copy ($tmp/abi)"
  ( cd "$tmp/abi" &&
    DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b ) > "$tmp/abi.log" 2>&1
  rc=$?
  check "the package build fails (status $rc)" test "$rc" != 0
  check "dpkg-gensymbols reports the lost symbol" \
    grep -q -- '^-  *nst_event_name@Base' "$tmp/abi.log"
  grep -A4 'dpkg-gensymbols: error\|^-  *nst_event_name' "$tmp/abi.log" | head -12
fi
check "$src is unchanged (nst_event_name() still exported there)" \
  grep -q "$exported" "$src/$header"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
