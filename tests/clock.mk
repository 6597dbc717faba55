# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- test clock
# check_clock: nst's public fast-forwarded clock (nst_clock_*(), in
# src/nst_testclock.c) as an application's tests use it: two nst modules
# call each other on loopback, on a plain su_root and on su_glib roots run
# through GLib's default main context; and nst_from_handle(),
# nst_set_params(). TESTS is $(check_PROGRAMS).
check_PROGRAMS += tests/check_clock
tests_check_clock_SOURCES = tests/check_clock.c
tests_check_clock_CPPFLAGS = $(AM_CPPFLAGS) $(SOFIA_GLIB_CFLAGS)
tests_check_clock_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_clock_LDADD = src/libnst.la $(CHECK_LIBS) $(SOFIA_GLIB_LIBS) \
	$(SOFIA_LIBS) $(GLIB_LIBS)

EXTRA_DIST += tests/clock.mk
