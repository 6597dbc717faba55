# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- GNOME Calls
# check-gnome-calls: nst inside GNOME Calls (Debian gnome-calls
# 44~alpha.1-1): its SIP provider ported to nst by gnome-calls.patch, built
# with meson against this tree's nst, GNOME Calls' own SIP (10 runs), media,
# SRTP and SDP tests and new session-timer tests, under xvfb-run in a
# private network namespace (tests/gnome-calls/README; about 1 minute with
# the cache, 2 the first time). A missing prerequisite fails the target:
# it never passes by skipping.
check-gnome-calls: src/libnst.la
	@bash '$(abs_top_srcdir)/tests/gnome-calls/run.sh' \
	  '$(abs_top_srcdir)' '$(abs_top_builddir)'

EXTRA_DIST += tests/gnome-calls/gnome-calls.mk tests/gnome-calls/run.sh \
	tests/gnome-calls/gnome-calls.patch tests/gnome-calls/README
.PHONY: check-gnome-calls
