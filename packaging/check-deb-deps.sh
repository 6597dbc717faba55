#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# check-deb-deps.sh DIR: the dependencies of the packages 'make deb' built
# in DIR, against what the sources require (make check-deb; no root):
#   1. Build-Depends (DIR/nst-*/debian/control) names the package of every
#      pkg-config module configure.ac requires (PKG_CHECK_MODULES), with
#      its minimum version, and pkg-config and doxygen (debian/rules makes
#      the API reference): a clean chroot (sbuild, pbuilder) can configure;
#   2. libnst0 and nst-cli Depend on the package of every library their
#      ELF files need (DT_NEEDED), libnst.so.0 being libnst0;
#   3. libnst-dev Depends on libnst0 of exactly its version and on the
#      package of every module nst.pc requires (Requires and
#      Requires.private: pkg-config --cflags reads both), with its version;
#   4. libnst0 ships DEBIAN/symbols with the symbols of debian/libnst0.symbols.
# The packages of modules and libraries are found with dpkg -S on this
# machine (the build dependencies are installed: dpkg-buildpackage checks).
# Ends with "N passed, N failed".
set -uo pipefail
dir=$1
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
# the system's pkg-config files only (not a Sofia installed in /usr/local)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
export PKG_CONFIG_LIBDIR=/usr/lib/$multiarch/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig
unset PKG_CONFIG_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$(ls -d "$dir"/nst-*/ 2>/dev/null | head -1)
deb() { ls "$dir/$1"_*.deb 2>/dev/null | head -1; }
if [ -z "$src" ] || [ -z "$(deb libnst0)" ] || [ -z "$(deb libnst-dev)" ] ||
   [ -z "$(deb nst-cli)" ]; then
  fail "no unpacked tarball or packages in $dir (make deb)"
  echo "$passed passed, $failed failed"; exit 1
fi

owner() {  # owner FILE: the package that installed FILE (/usr-merged too)
  local f p
  for f in "$1" "$(readlink -f "$1")" "/usr${1#/usr}" "${1#/usr}"; do
    p=$(dpkg-query -S "$f" 2>/dev/null | head -1) && [ -n "$p" ] &&
      { echo "${p%%[:,]*}"; return 0; }
  done
  return 1
}
pc_owner() {  # pc_owner MODULE: the package of MODULE.pc
  local d
  d=$(pkg-config --variable=pcfiledir "$1" 2>/dev/null) && owner "$d/$1.pc"
}
# relation FIELD-VALUE PACKAGE: the entry naming PACKAGE in a relation
# field ("a (>= 1), b | c"), one line, or nothing
relation() {
  echo "$1" | tr ',' '\n' | sed 's/^ *//; s/ *$//' |
    awk -v p="$2" '{ n = split($0, alt, /[|]/)
      for (i = 1; i <= n; i++) { split(alt[i], w, /[ (:]+/)
        if (w[1] == p || (w[1] == "" && w[2] == p)) { print; exit } } }'
}
# needs WHAT FIELD PACKAGE [VERSION]: FIELD names PACKAGE, (>= VERSION) if
# a VERSION is given
needs() {
  local what=$1 field=$2 p=$3 v=${4:-} r
  r=$(relation "$field" "$p")
  if [ -z "$r" ]; then
    fail "$what: $p is missing"
  elif [ -n "$v" ] && ! echo "$r" | grep -q "(>= *$v)"; then
    fail "$what: $r, not (>= $v)"
  else
    ok "$what: $r"
  fi
}
# modules "NAME [>= V] NAME ...": one "NAME V" line per module
modules() {
  echo "$1" | tr ',' ' ' | awk '{ for (i = 1; i <= NF; i++) {
      if ($(i+1) ~ /^[<>=]+$/) { print $i, $(i+2); i += 2 } else print $i, "" } }'
}

# 1. Build-Depends
bd=$(awk '/^Build-Depends:/ { f = 1; sub(/^Build-Depends:/, ""); print; next }
          f && /^[ \t]/ { print; next } { f = 0 }' "$src/debian/control" | tr '\n' ' ')
required=$(sed -n 's/^[[:space:]]*PKG_CHECK_MODULES(\[[A-Z_]*\],[[:space:]]*\[\([^]]*\)\].*/\1/p' \
  "$src/configure.ac")
[ -n "$required" ] || fail "no PKG_CHECK_MODULES found in configure.ac"
while read -r m v; do
  p=$(pc_owner "$m") || { fail "Build-Depends: no installed package has $m.pc"; continue; }
  needs "Build-Depends for configure.ac's $m${v:+ >= $v}" "$bd" "$p" "$v"
done < <(modules "$required")
needs "Build-Depends for configure.ac's PKG_PROG_PKG_CONFIG" "$bd" \
  "$(relation "$bd" pkgconf | grep -q . && echo pkgconf || echo pkg-config)"
needs "Build-Depends for debian/rules' make apidoc" "$bd" doxygen

# 2. the libraries the ELF files need
for pkg in libnst0 nst-cli; do
  d=$(deb $pkg)
  field="$(dpkg-deb -f "$d" Pre-Depends), $(dpkg-deb -f "$d" Depends)"
  mkdir -p "$tmp/$pkg" && dpkg-deb -x "$d" "$tmp/$pkg"
  elves=$(find "$tmp/$pkg" -type f \( -path '*/bin/*' -o -name '*.so*' \))
  [ -n "$elves" ] || fail "$pkg: no ELF file in the package"
  for so in $(for e in $elves; do
                readelf -d "$e" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u); do
    if [ "$so" = libnst.so.0 ]; then
      p=libnst0
    else
      path=$(ldconfig -p | awk -v s="$so" '$1 == s && /x86-64|\(libc6\)/ { print $NF; exit }')
      [ -n "$path" ] || path=$(ldconfig -p | awk -v s="$so" '$1 == s { print $NF; exit }')
      p=$(owner "$path") || { fail "$pkg: no installed package has $so"; continue; }
    fi
    needs "$pkg Depends for $so" "$field" "$p"
  done
done

# 3. libnst-dev: libnst0 of its version, the modules of nst.pc
d=$(deb libnst-dev)
field=$(dpkg-deb -f "$d" Depends)
version=$(dpkg-deb -f "$(deb libnst0)" Version)
r=$(relation "$field" libnst0)
if [ "$r" = "libnst0 (= $version)" ]; then
  ok "libnst-dev Depends: $r"
else
  fail "libnst-dev Depends: '${r:-no libnst0}', not 'libnst0 (= $version)'"
fi
mkdir -p "$tmp/dev" && dpkg-deb -x "$d" "$tmp/dev"
pc=$(find "$tmp/dev" -name nst.pc | head -1)
if [ -z "$pc" ]; then
  fail "libnst-dev has no nst.pc"
else
  requires=$(sed -n 's/^Requires\(\.private\)\{0,1\}:[[:space:]]*//p' "$pc" | tr '\n' ' ')
  while read -r m v; do
    [ -n "$m" ] || continue
    p=$(pc_owner "$m") || { fail "libnst-dev: no installed package has $m.pc"; continue; }
    needs "libnst-dev Depends for nst.pc's $m${v:+ >= $v}" "$field" "$p" "$v"
  done < <(modules "$requires")
fi

# 4. the symbols file
dpkg-deb --info "$(deb libnst0)" symbols > "$tmp/symbols" 2>/dev/null
if ! grep -q '^libnst\.so\.0 ' "$tmp/symbols"; then
  fail "libnst0 ships no DEBIAN/symbols for libnst.so.0"
elif [ "$(awk '/^ / { print $1 }' "$tmp/symbols" | sort)" = \
       "$(awk '/^ / { print $1 }' "$src/debian/libnst0.symbols" | sort)" ]; then
  ok "libnst0 ships DEBIAN/symbols: $(grep -c '^ ' "$tmp/symbols") symbols, those of debian/libnst0.symbols"
else
  fail "libnst0's DEBIAN/symbols differs from debian/libnst0.symbols"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
