#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libnst exports exactly what include/nst/*.h declares: no internal symbol
# (anything exported is ABI an application can link against by accident),
# no declared function or variable missing (one without NST_API).
# Run by 'make check' (tests/symbols.mk gives the environment):
#   NST_CC, NST_CPPFLAGS  the compiler and flags that preprocess <nst/nst.h>
#   NST_LA                src/libnst.la (its dlname names the shared object)
#   NST_NM                nm (GNU binutils: -D --defined-only)
# Ends with "N passed, N failed" (one check per symbol, declared or exported).
set -eu

la=${NST_LA:?}
dlname=$(sed -n "s/^dlname='\(.*\)'/\1/p" "$la")
so=$(dirname "$la")/.libs/$dlname
test -n "$dlname" && test -f "$so" || { echo "check_symbols: no shared object for $la"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

${NST_NM:-nm} -D --defined-only "$so" | awk 'NF >= 3 { print $NF }' | sort -u > "$tmp/exported"

# The declarations, as the compiler sees them: <nst/nst.h> preprocessed;
# only what comes from include/nst/ counts (the line markers say where).
printf '#include <nst/nst.h>\n' | ${NST_CC:-cc} ${NST_CPPFLAGS:-} -E - > "$tmp/nst.i"
awk '
  /^# [0-9]+ "/ { mine = ($3 ~ /\/include\/nst\/[^\/]*\.h"$/ || $3 ~ /^"include\/nst\//); next }
  /^#/ { next }
  mine { text = text " " $0 }
  END {
    # Strip __attribute__((...)) with its nested parentheses.
    while ((i = index(text, "__attribute__")) > 0) {
      j = i + length("__attribute__"); depth = 0; started = 0
      for (; j <= length(text); j++) {
        c = substr(text, j, 1)
        if (c == "(") { depth++; started = 1 }
        else if (c == ")") depth--
        if (started && depth == 0) break
      }
      text = substr(text, 1, i - 1) " " substr(text, j + 1)
    }
    # Bodies (structs, enums, inline functions) say nothing about symbols.
    while (gsub(/\{[^{}]*\}/, "@", text)) ;
    n = split(text, stmt, ";")
    for (k = 1; k <= n; k++) {
      s = stmt[k]
      if (index(s, "@") > 0 && s !~ /^[ \t]*typedef/) {
        # an inline definition: the declaration after it is what counts
        while ((b = index(s, "@")) > 0) s = substr(s, b + 1)
      }
      if (s ~ /^[ \t]*$/ || s ~ /^[ \t]*typedef/ || s ~ /(^|[ \t])static[ \t]/) continue
      if ((p = index(s, "(")) > 0) s = substr(s, 1, p - 1)   # a function
      else { sub(/=.*/, "", s); gsub(/\[[^]]*\]/, "", s) }    # a variable
      if (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*$/)) {
        name = substr(s, RSTART, RLENGTH); sub(/[ \t]+$/, "", name); print name
      }
    }
  }' "$tmp/nst.i" | sort -u > "$tmp/declared"

test -s "$tmp/declared" || { echo "check_symbols: no declaration found in include/nst/"; exit 1; }

# AddressSanitizer (make check-asan) gives every exported variable an ODR
# indicator, __odr_asan.NAME: the compiler's companion of a declared
# variable, not an interface of its own. One for anything else fails.
companions=$(grep '^__odr_asan[._]' "$tmp/exported" | while read -r s; do
  grep -qx -- "${s#__odr_asan?}" "$tmp/declared" && echo "$s"; done)
if [ -n "$companions" ]; then
  echo "check_symbols: $(echo "$companions" | wc -l) ASan ODR indicators of declared variables (not counted)"
  echo "$companions" | grep -vxF -f - "$tmp/exported" > "$tmp/exported.own"
  mv "$tmp/exported.own" "$tmp/exported"
fi

passed=0 failed=0
for s in $(comm -12 "$tmp/declared" "$tmp/exported"); do
  passed=$((passed + 1))
done
for s in $(comm -13 "$tmp/declared" "$tmp/exported"); do
  echo "FAIL: $so exports $s, which include/nst/ does not declare"
  failed=$((failed + 1))
done
for s in $(comm -23 "$tmp/declared" "$tmp/exported"); do
  echo "FAIL: include/nst/ declares $s, which $so does not export (NST_API missing?)"
  failed=$((failed + 1))
done
echo "check_symbols: $so: $(wc -l < "$tmp/exported") exported, $(wc -l < "$tmp/declared") declared"
echo "$passed passed, $failed failed"
test "$failed" = 0
