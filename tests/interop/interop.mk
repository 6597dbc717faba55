# SPDX-License-Identifier: LGPL-2.1-or-later
# Interop suite (make check-interop): real SIP peers on loopback against
# nst-cli. Included from Makefile.am.
#
# check-interop: nst-cli against SIPp (Debian sip-tester) on 127.0.0.1, both
# roles, 22 cases in parallel (about 2 minutes).  Logs go to
# tests/interop/logs/CASE/ in the build tree.  Variables:
#   INTEROP_CASES=...   run only these cases (names of scenarios/*.xml)
#   INTEROP_PORT_BASE=N first UDP port (default 25000; uses N..N+250)
INTEROP_SCENARIO_FILES = \
	tests/interop/scenarios/callee-update-refresh.xml \
	tests/interop/scenarios/callee-reinvite-refresh.xml \
	tests/interop/scenarios/callee-silent-peer.xml \
	tests/interop/scenarios/callee-422.xml \
	tests/interop/scenarios/callee-indialog-422.xml \
	tests/interop/scenarios/callee-notimer-reinvite.xml \
	tests/interop/scenarios/callee-notimer-update.xml \
	tests/interop/scenarios/callee-491.xml \
	tests/interop/scenarios/callee-488.xml \
	tests/interop/scenarios/callee-408.xml \
	tests/interop/scenarios/caller-update-refresh.xml \
	tests/interop/scenarios/caller-reinvite-refresh.xml \
	tests/interop/scenarios/caller-silent-peer.xml \
	tests/interop/scenarios/caller-no-se.xml \
	tests/interop/scenarios/caller-422.xml \
	tests/interop/scenarios/caller-405.xml \
	tests/interop/scenarios/caller-501.xml \
	tests/interop/scenarios/caller-491.xml \
	tests/interop/scenarios/caller-481.xml \
	tests/interop/scenarios/caller-408.xml \
	tests/interop/scenarios/caller-noanswer.xml \
	tests/interop/scenarios/caller-500.xml \
	tests/interop/scenarios/caller-grandstream-200.xml

EXTRA_DIST += tests/interop/interop.mk tests/interop/run-sipp.sh \
	tests/interop/README $(INTEROP_SCENARIO_FILES)

INTEROP_LOGDIR = $(abs_top_builddir)/tests/interop/logs
INTEROP_PORT_BASE = 25000
INTEROP_CASES =

check-interop: src/nst-cli$(EXEEXT)
	@$(MKDIR_P) tests/interop
	@NST_CLI='$(abs_top_builddir)/src/nst-cli$(EXEEXT)' \
	  INTEROP_SCENARIOS='$(abs_top_srcdir)/tests/interop/scenarios' \
	  INTEROP_LOGDIR='$(INTEROP_LOGDIR)' \
	  INTEROP_PORT_BASE='$(INTEROP_PORT_BASE)' \
	  bash '$(abs_top_srcdir)/tests/interop/run-sipp.sh' $(INTEROP_CASES)

clean-interop:
	rm -rf tests/interop/logs

.PHONY: check-interop clean-interop

# check-interop-linphone: nst-cli and liblinphone's linphonec (Debian
# linphone-cli), a call in each direction with session timers, at least one
# refresh each, inside a private network namespace with only lo (about 4
# minutes). A missing prerequisite fails the target: it never passes by
# skipping.
check-interop-linphone: src/nst-cli$(EXEEXT)
	@bash '$(abs_top_srcdir)/tests/interop/linphone/run.sh' \
	  '$(abs_top_builddir)/src/nst-cli$(EXEEXT)'; rc=$$?; \
	if [ $$rc = 77 ]; then \
	  echo "check-interop-linphone: prerequisites missing (see above): FAILED, not skipped"; \
	  exit 1; \
	fi; exit $$rc

EXTRA_DIST += tests/interop/linphone/run.sh
.PHONY: check-interop-linphone
