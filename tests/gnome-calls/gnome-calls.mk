# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- GNOME Calls
# check-gnome-calls: nst inside GNOME Calls (the Debian gnome-calls apt
# offers; the patch was made on 44~alpha.1-1): its SIP provider ported to
# nst by gnome-calls.patch, built with meson against this tree's nst, GNOME
# Calls' own SIP (20 runs), media, SRTP and SDP tests and new session-timer
# tests (10 runs, the real-time case once), under xvfb-run in a private
# network namespace (tests/gnome-calls/README; about 3 minutes with the
# cache, 4.5 the first time, on a loaded 2-core machine). A missing
# prerequisite fails the target: it never passes by skipping.
check-gnome-calls: src/libnst.la
	@bash '$(abs_top_srcdir)/tests/gnome-calls/run.sh' \
	  '$(abs_top_srcdir)' '$(abs_top_builddir)'

EXTRA_DIST += tests/gnome-calls/gnome-calls.mk tests/gnome-calls/run.sh \
	tests/gnome-calls/gnome-calls.patch tests/gnome-calls/README
.PHONY: check-gnome-calls
