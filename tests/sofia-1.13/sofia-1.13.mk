# SPDX-License-Identifier: LGPL-2.1-or-later
# nst on Sofia-SIP 1.13 (make check-sofia-1.13). Included from Makefile.am.
#
# Builds Sofia-SIP 1.13 from its source tarball into a build-local prefix
# once (_sofia-1.13/sofia, git-ignored; later runs reuse it), builds nst's
# distribution tree against it (_sofia-1.13/nst, configure --with-sofia),
# and runs there make check (nst's Check suites on 1.13's own s2 harness),
# check-sofia-suite (1.13's nua suite), check-interop and check-cli
# (tests/sofia-1.13/run.sh says how). Variables:
#   SOFIA13_TARBALL=FILE  the tarball (default: ../shared/sofia/ beside
#                         the source tree, where CI keeps it)
#   SOFIA13_DIR=DIR       the work directory (default _sofia-1.13)
SOFIA13_TARBALL = $(abs_top_srcdir)/../shared/sofia/sofia-sip-1.13.17.tar.xz
SOFIA13_DIR = $(abs_top_builddir)/_sofia-1.13

EXTRA_DIST += tests/sofia-1.13/sofia-1.13.mk tests/sofia-1.13/run.sh \
	tests/sofia-1.13/build-sofia.sh tests/sofia-1.13/ipv4-only.sh

check-sofia-1.13:
	bash $(top_srcdir)/tests/sofia-1.13/run.sh "$(MAKE)" \
	  "$(SOFIA13_TARBALL)" "$(SOFIA13_DIR)" "$(abs_top_srcdir)"

# The Sofia build stays (it is the cache); distclean removes it.
distclean-local: distclean-sofia-1.13
distclean-sofia-1.13:
	rm -rf $(SOFIA13_DIR)

.PHONY: check-sofia-1.13 distclean-sofia-1.13
