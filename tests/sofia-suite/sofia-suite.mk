# SPDX-License-Identifier: LGPL-2.1-or-later
# Sofia's own nua regression suite run with nst attached (make
# check-sofia-suite). Included from Makefile.am.
#
# Two builds of Sofia's suite (libsofia-sip-ua/nua/check_nua.c with its own
# main(), check_session.c, check_register.c, check_etsi.c, check_simple.c and
# the s2check harness), all read unmodified from the Debian source tree
# cached in tests/sofia-src (tests/sofia-source.sh), never copied here:
#
#   tests/sofia-suite/check_sofia_nua_plain  baseline: the installed nua
#   tests/sofia-suite/check_sofia_nua_nst    every nua the suite creates is
#       created by nst_create() and destroyed by nst_destroy(): check_nua.c
#       is compiled with nua_create/nua_destroy renamed to the wrappers in
#       sofia_suite_nst.c.
#
# Both are linked with s2_tcase.c in place of s2check/s2tcase.c
# (Check 0.15). check-sofia-suite runs both the same way (run.sh: Check's
# default CK_FORK, single-threaded and threaded cases as two processes) and
# fails unless the baseline passes every case and the nst build fails
# exactly the cases listed in expected-failures.txt. Variables:
#   SOFIA_SUITE_LOGDIR=DIR   where the raw outputs go
#                            (default tests/sofia-suite/logs)
SOFIA_SUITE_FILES = tests/sofia-suite/sofia-suite.mk \
	tests/sofia-suite/sofia_suite_nst.c \
	tests/sofia-suite/run.sh tests/sofia-suite/expected-failures.txt \
	tests/sofia-suite/README tests/sofia-suite/.gitignore \
	tests/sofia-suite/baseline-failures-1.13.txt
EXTRA_DIST += $(SOFIA_SUITE_FILES)

SOFIA_SUITE_OBJ = tests/sofia-suite/obj
SOFIA_SUITE_LOGDIR = $(abs_top_builddir)/tests/sofia-suite/logs
# Sofia's case files (relative to the Sofia source tree).
SOFIA_SUITE_CASES = libsofia-sip-ua/nua/check_session.c \
	libsofia-sip-ua/nua/check_register.c libsofia-sip-ua/nua/check_etsi.c \
	libsofia-sip-ua/nua/check_simple.c
SOFIA_SUITE_COMPILE = $(CC) $(CFLAGS) -w -I$(top_srcdir)/include \
	$(S2_INCLUDES) $(SOFIA_CFLAGS) $(CHECK_CFLAGS)
# The project's own glue, with warnings.
SOFIA_SUITE_GLUE_COMPILE = $(CC) $(CFLAGS) -Wall -I$(top_srcdir)/include \
	-I$(top_srcdir)/tests/s2config $(SOFIA_CFLAGS) $(CHECK_CFLAGS)
SOFIA_SUITE_NST_RENAMES = -Dnua_create=sofia_suite_nua_create \
	-Dnua_destroy=sofia_suite_nua_destroy
# Objects shared by both builds: the s2 harness, Sofia's cases, the test
# selection glue.
SOFIA_SUITE_COMMON_OBJS = $(SOFIA_SUITE_OBJ)/s2base.o \
	$(SOFIA_SUITE_OBJ)/s2sip.o $(SOFIA_SUITE_OBJ)/s2time.o \
	$(SOFIA_SUITE_OBJ)/s2dns.o $(SOFIA_SUITE_OBJ)/s2_localinfo.o \
	$(SOFIA_SUITE_OBJ)/check_session.o $(SOFIA_SUITE_OBJ)/check_register.o \
	$(SOFIA_SUITE_OBJ)/check_etsi.o $(SOFIA_SUITE_OBJ)/check_simple.o \
	$(SOFIA_SUITE_OBJ)/s2_tcase.o

$(SOFIA_SUITE_OBJ)/common.stamp: $(top_srcdir)/tests/sofia-source.sh \
		$(top_srcdir)/tests/s2config/config.h \
		$(top_srcdir)/tests/s2_tcase.c
	$(AM_V_GEN)src=`$(SHELL) $(top_srcdir)/tests/sofia-source.sh "$(S2_SRC)" "$(SOFIA_SOURCE)"` || exit 1; \
	$(MKDIR_P) $(SOFIA_SUITE_OBJ) && \
	for f in $(S2_HARNESS) $(SOFIA_SUITE_CASES); do \
	  $(SOFIA_SUITE_COMPILE) -c "$$src/$$f" \
	    -o $(SOFIA_SUITE_OBJ)/`basename $$f .c`.o || exit 1; \
	done && \
	if grep -q 'TTest \*, int signo' "$$src/s2check/s2check.h"; then \
	  ttest=1; else ttest=0; fi && \
	$(SOFIA_SUITE_GLUE_COMPILE) -DS2_TCASE_TTEST=$$ttest -c $(top_srcdir)/tests/s2_tcase.c \
	  -o $(SOFIA_SUITE_OBJ)/s2_tcase.o && \
	touch $@

tests/sofia-suite/check_sofia_nua_plain$(EXEEXT): $(SOFIA_SUITE_OBJ)/common.stamp
	$(AM_V_CCLD)src=`$(SHELL) $(top_srcdir)/tests/sofia-source.sh "$(S2_SRC)" "$(SOFIA_SOURCE)"` || exit 1; \
	$(SOFIA_SUITE_COMPILE) -c "$$src/libsofia-sip-ua/nua/check_nua.c" \
	  -o $(SOFIA_SUITE_OBJ)/check_nua_plain.o && \
	$(LIBTOOL) $(AM_V_lt) --tag=CC --mode=link $(CC) $(CFLAGS) $(LDFLAGS) -o $@ \
	  $(SOFIA_SUITE_OBJ)/check_nua_plain.o $(SOFIA_SUITE_COMMON_OBJS) \
	  $(CHECK_LIBS) $(SOFIA_LIBS)

tests/sofia-suite/check_sofia_nua_nst$(EXEEXT): $(SOFIA_SUITE_OBJ)/common.stamp \
		$(top_srcdir)/tests/sofia-suite/sofia_suite_nst.c \
		$(top_srcdir)/include/nst/nst.h src/libnst.la
	$(AM_V_CCLD)src=`$(SHELL) $(top_srcdir)/tests/sofia-source.sh "$(S2_SRC)" "$(SOFIA_SOURCE)"` || exit 1; \
	$(SOFIA_SUITE_COMPILE) $(SOFIA_SUITE_NST_RENAMES) \
	  -c "$$src/libsofia-sip-ua/nua/check_nua.c" \
	  -o $(SOFIA_SUITE_OBJ)/check_nua_nst.o && \
	$(SOFIA_SUITE_GLUE_COMPILE) \
	  -c $(top_srcdir)/tests/sofia-suite/sofia_suite_nst.c \
	  -o $(SOFIA_SUITE_OBJ)/sofia_suite_nst.o && \
	$(LIBTOOL) $(AM_V_lt) --tag=CC --mode=link $(CC) $(CFLAGS) $(LDFLAGS) -o $@ \
	  $(SOFIA_SUITE_OBJ)/check_nua_nst.o $(SOFIA_SUITE_OBJ)/sofia_suite_nst.o \
	  $(SOFIA_SUITE_COMMON_OBJS) src/libnst.la \
	  $(CHECK_LIBS) $(SOFIA_LIBS) $(GLIB_LIBS)

sofia-suite-programs: tests/sofia-suite/check_sofia_nua_plain$(EXEEXT) \
	tests/sofia-suite/check_sofia_nua_nst$(EXEEXT)

# On Sofia-SIP 1.13 (tests/sofia-1.13): the cases that fail there without
# nst are left out (baseline-failures-1.13.txt), single-threaded cases get
# retries too, and the suite runs in an IPv4-only network namespace
# (ipv4-only.sh says why).
check-sofia-suite: sofia-suite-programs
	@wrap=; case "$(SOFIA_VERSION)" in 1.13.*) \
	  BASELINE_FAILURES='$(abs_top_srcdir)/tests/sofia-suite/baseline-failures-1.13.txt'; \
	  ST_ATTEMPTS=3; export BASELINE_FAILURES ST_ATTEMPTS; \
	  wrap='$(abs_top_srcdir)/tests/sofia-1.13/ipv4-only.sh';; esac; \
	$$wrap $(SHELL) $(top_srcdir)/tests/sofia-suite/run.sh \
	  '$(abs_top_builddir)/tests/sofia-suite/check_sofia_nua_plain$(EXEEXT)' \
	  '$(abs_top_builddir)/tests/sofia-suite/check_sofia_nua_nst$(EXEEXT)' \
	  '$(abs_top_srcdir)/tests/sofia-suite/expected-failures.txt' \
	  '$(SOFIA_SUITE_LOGDIR)'

CLEANFILES += tests/sofia-suite/check_sofia_nua_plain$(EXEEXT) \
	tests/sofia-suite/check_sofia_nua_nst$(EXEEXT)
# Makefile.am owns clean-local; the objects, libtool's .libs and the logs
# go with mostlyclean.
mostlyclean-local:
	rm -rf $(SOFIA_SUITE_OBJ) tests/sofia-suite/.libs tests/sofia-suite/logs

.PHONY: sofia-suite-programs check-sofia-suite
