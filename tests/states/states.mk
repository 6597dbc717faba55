# SPDX-License-Identifier: LGPL-2.1-or-later
# A call's states (src/nst_states.c): doc/call-states.md is drawn from the
# table, and the s2 tests name the transitions they cover
# (ck_assert_transition()). check_states.sh fails when the drawing is out
# of date or a test names a transition the table does not list.
# 'make update-call-states' redraws doc/call-states.md.
noinst_PROGRAMS += tests/states/call-states
tests_states_call_states_SOURCES = tests/states/call-states.c
tests_states_call_states_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_states_call_states_LDADD = src/libnst_la-nst_states.lo

TESTS += tests/states/check_states.sh

EXTRA_DIST += tests/states/check_states.sh doc/call-states.md

update-call-states: tests/states/call-states
	CALL_STATES=tests/states/call-states $(SHELL) $(srcdir)/tests/states/check_states.sh --update
.PHONY: update-call-states
