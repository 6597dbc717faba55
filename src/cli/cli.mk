# ---------------------------------------------------------------- CLI
bin_PROGRAMS = src/nst-cli
src_nst_cli_SOURCES = src/cli/nst-cli.c
src_nst_cli_CPPFLAGS = $(AM_CPPFLAGS) $(SOFIA_GLIB_CFLAGS)
src_nst_cli_LDADD = src/libnst.la $(SOFIA_GLIB_LIBS) $(SOFIA_LIBS) $(GLIB_LIBS)
