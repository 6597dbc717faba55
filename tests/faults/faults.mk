# SPDX-License-Identifier: LGPL-2.1-or-later
# Fault suite (make check-faults): calls under packet loss, a network
# partition and a dead peer, each scenario in a network namespace of its own
# (unshare -n, only lo) with nftables dropping SIP packets; the three run in
# parallel in real time (about 7 minutes). Included from Makefile.am.
# tests/faults/README says what is checked; the last run's table is kept in
# tests/faults/RESULTS.md. Needs root (unshare, nft) and Debian nftables.
# Variables:
#   FAULTS_CALLS=200        calls in each scenario
#   FAULTS_SCENARIOS="loss partition deadpeer"
noinst_PROGRAMS += tests/faults/nst-faults
tests_faults_nst_faults_SOURCES = tests/faults/nst-faults.c
tests_faults_nst_faults_LDADD = src/libnst.la $(SOFIA_LIBS) $(GLIB_LIBS)

FAULTS_CALLS = 200
FAULTS_SCENARIOS = loss partition deadpeer
FAULTS_OUT = $(abs_top_builddir)/tests/faults/out

check-faults: tests/faults/nst-faults$(EXEEXT)
	@FAULTS_CALLS='$(FAULTS_CALLS)' \
	  bash '$(abs_top_srcdir)/tests/faults/run.sh' \
	  '$(abs_top_builddir)/tests/faults/nst-faults$(EXEEXT)' '$(FAULTS_OUT)' \
	  $(FAULTS_SCENARIOS)

clean-faults:
	rm -rf tests/faults/out

EXTRA_DIST += tests/faults/faults.mk tests/faults/run.sh \
	tests/faults/scenario.sh tests/faults/table.py tests/faults/sink.py \
	tests/faults/README tests/faults/RESULTS.md
.PHONY: check-faults clean-faults
