# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- CLI
bin_PROGRAMS = src/nst-cli
src_nst_cli_SOURCES = src/cli/nst-cli.c src/cli/cli.h src/cli/options.c \
	src/cli/call.c src/cli/commands.c src/cli/account.c \
	src/cli/tls.c src/cli/media.c src/cli/loop.c
src_nst_cli_CPPFLAGS = $(AM_CPPFLAGS) $(SOFIA_GLIB_CFLAGS) $(ORTP_CFLAGS)
src_nst_cli_LDADD = src/libnst.la $(SOFIA_GLIB_LIBS) $(SOFIA_LIBS) $(GLIB_LIBS) $(ORTP_LIBS)

dist_man1_MANS = doc/nst-cli.1

# check-cli: two nst-cli on 127.0.0.1 driven by commands on stdin, and one
# against SIPp for the expiry exit status (about 80 s).  Variables:
#   CLI_PORT_BASE=N  first UDP port (default 26000; uses N..N+20)
CLI_PORT_BASE = 26000
CLI_LOGDIR = $(abs_top_builddir)/tests/cli/logs
dist_noinst_SCRIPTS += tests/cli/run.sh
EXTRA_DIST += tests/cli/scenarios/uas-407.xml tests/cli/scenarios/uas-silent.xml \
	tests/cli/scenarios/uas-bye-reason.xml

check-cli: src/nst-cli$(EXEEXT)
	@$(MKDIR_P) tests/cli
	@NST_CLI='$(abs_top_builddir)/src/nst-cli$(EXEEXT)' \
	  CLI_LOGDIR='$(CLI_LOGDIR)' CLI_PORT_BASE='$(CLI_PORT_BASE)' \
	  CLI_SCENARIOS='$(abs_top_srcdir)/tests/interop/scenarios' \
	  bash '$(abs_top_srcdir)/tests/cli/run.sh'

clean-cli:
	rm -rf tests/cli/logs

.PHONY: check-cli clean-cli
