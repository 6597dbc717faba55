# SPDX-License-Identifier: LGPL-2.1-or-later
# check-kamailio: nst-cli registered and calling through Debian's Kamailio
# (registrar with digest auth, Record-Route, sst) in a private network
# namespace, with linphonec too (tests/kamailio/run.sh; about 70 s).
KAMAILIO_LOGDIR = $(abs_top_builddir)/tests/kamailio/logs
dist_noinst_SCRIPTS += tests/kamailio/run.sh
EXTRA_DIST += tests/kamailio/kamailio.cfg tests/kamailio/db/version \
	tests/kamailio/db/subscriber tests/kamailio/README

check-kamailio: src/nst-cli$(EXEEXT)
	@KAMAILIO_LOGDIR='$(KAMAILIO_LOGDIR)' \
	  bash '$(abs_top_srcdir)/tests/kamailio/run.sh' '$(abs_top_builddir)/src/nst-cli$(EXEEXT)'

clean-kamailio:
	rm -rf tests/kamailio/logs

.PHONY: check-kamailio clean-kamailio
