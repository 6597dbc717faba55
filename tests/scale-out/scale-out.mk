# SPDX-License-Identifier: LGPL-2.1-or-later
# Scale-out (make check-scale-out): one caller, Kamailio's dispatcher and
# two callee processes on loopback, in a network namespace of its own;
# 2,000 calls, one callee killed (about 3 minutes). Included from
# Makefile.am. Needs root (unshare) and Debian kamailio. The last run's
# table is kept in tests/scale-out/RESULTS.md. Variables:
#   SCALE_OUT_CALLS=2000
SCALE_OUT_CALLS = 2000
SCALE_OUT_OUT = $(abs_top_builddir)/tests/scale-out/out

check-scale-out: tests/faults/nst-faults$(EXEEXT)
	@bash '$(abs_top_srcdir)/tests/scale-out/run.sh' \
	  '$(abs_top_builddir)/tests/faults/nst-faults$(EXEEXT)' '$(SCALE_OUT_OUT)' \
	  '$(SCALE_OUT_CALLS)'

clean-scale-out:
	rm -rf tests/scale-out/out

EXTRA_DIST += tests/scale-out/scale-out.mk tests/scale-out/run.sh \
	tests/scale-out/check.py tests/scale-out/kamailio.cfg \
	tests/scale-out/RESULTS.md
.PHONY: check-scale-out clean-scale-out
