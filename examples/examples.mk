# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- examples
# examples/softphone: a complete nua program with nst (two softphones in one
# process on 127.0.0.1: a call, nst's events, an UPDATE, BYE). 'make check'
# builds it and runs it through tests/check_example.sh, which checks what it
# prints.
EXTRA_PROGRAMS = examples/softphone
tests/check_example.log: examples/softphone$(EXEEXT)
CLEANFILES += examples/softphone$(EXEEXT)
examples_softphone_SOURCES = examples/softphone.c
examples_softphone_LDADD = src/libnst.la $(SOFIA_LIBS) $(GLIB_LIBS)

TESTS += tests/check_example.sh
AM_TESTS_ENVIRONMENT += NST_EXAMPLE='$(abs_top_builddir)/examples/softphone$(EXEEXT)'; \
	export NST_EXAMPLE;
EXTRA_DIST += examples/examples.mk tests/check_example.sh
