# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- public symbols
# libnst is compiled with -fvisibility=hidden (configure: NST_VISIBILITY_CFLAGS):
# only declarations marked NST_API in include/nst/*.h are exported.
# tests/check_symbols.sh (in make check) fails when the shared object
# exports a symbol the public headers do not declare, or misses one they do.
# Test programs that call internal functions (check_core, check_sched) link
# the library's objects instead of the shared object; the fuzzers compile
# the sources themselves; nst-bench compiles src/nst_sched.c.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
TESTS += tests/check_symbols.sh
AM_TESTS_ENVIRONMENT += NST_CC='$(CC)' \
	NST_CPPFLAGS='-I$(top_srcdir)/include $(SOFIA_CFLAGS)' \
	NST_LA='$(top_builddir)/src/libnst.la' NST_NM='nm'; \
	export NST_CC NST_CPPFLAGS NST_LA NST_NM;
EXTRA_DIST += tests/symbols.mk tests/check_symbols.sh
