# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- glib main loop
# check_glib: the refresh and expiry tests of check_nst (tests/check_refresh.c,
# compiled again with NST_TEST_ON_GLIB) with nua and nst on
# a su_glib root whose GSource a GMainLoop dispatches (tests/glib/glib_driver.c
# says how), against the same s2 fake peer, with fast-forwarded time.
# TESTS is $(check_PROGRAMS): make check, check-valgrind and check-asan run it.
check_PROGRAMS += tests/check_glib

# s2_glue.c again, with nst_create/nst_destroy renamed: the harness's nua
# gets the glib root from glib_nst_create() (glib_driver.c).
check_LIBRARIES = tests/glib/libs2glue-glib.a
tests_glib_libs2glue_glib_a_SOURCES = tests/s2_glue.c tests/s2_glue.h
tests_glib_libs2glue_glib_a_CPPFLAGS = $(AM_CPPFLAGS) $(S2_INCLUDES) \
	-Dnst_create=glib_nst_create -Dnst_destroy=glib_nst_destroy
tests_glib_libs2glue_glib_a_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

tests_check_glib_SOURCES = tests/glib/check_glib.c tests/check_refresh.c \
	tests/glib/glib_driver.c \
	tests/glib/glib_driver.h tests/s2_helpers.c tests/s2_helpers.h \
	tests/s2_tcase.c
tests_check_glib_CPPFLAGS = $(AM_CPPFLAGS) -DNST_TEST_ON_GLIB -I$(top_srcdir)/tests $(S2_INCLUDES) \
	$(SOFIA_GLIB_CFLAGS)
tests_check_glib_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_glib_LDADD = tests/glib/libs2glue-glib.a tests/libs2harness.a \
	src/libnst.la $(CHECK_LIBS) $(SOFIA_GLIB_LIBS) $(SOFIA_LIBS) $(GLIB_LIBS)
$(tests_glib_libs2glue_glib_a_OBJECTS) $(tests_check_glib_OBJECTS): tests/libs2harness.a

EXTRA_DIST += tests/glib/glib.mk
