# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks (make bench): programs that print figures. Included from
# Makefile.am.
#
# bench/nst-bench is built by a normal "make" (with the project's -Wall
# -Wextra -Werror) but is not a test: "make check" does not run it.
#
# make bench: nst against nua's built-in session-timer engine, 1,000 and
# 10,000 concurrent calls on 127.0.0.1 with real timers, instruction counts
# under callgrind, memory attribution, and nst's scheduler with 1e3..1e5
# timers on a fast-forwarded clock (about 5 minutes). Writes
# bench/out/{results.txt,tables.md,results.dat,results.png} in the build
# tree. Variables:
#   BENCH_CALLS="1000 10000"   real-time call counts
#   BENCH_STAGGER=10           seconds over which the calls start
#   BENCH_CG_CALLS=300         calls in each callgrind run (0: none)
noinst_PROGRAMS = bench/nst-bench
# The scheduler benchmark calls nst_sched_* (not exported by libnst):
# the program compiles its own copy of src/nst_sched.c (and of
# src/nst_testclock.c, which the scheduler asks about the clock, and of
# src/nst_core.c, whose refresh grid it uses).
bench_nst_bench_SOURCES = bench/nst-bench.c src/nst_sched.c src/nst_testclock.c src/nst_core.c
bench_nst_bench_LDADD = src/libnst.la $(SOFIA_LIBS) $(GLIB_LIBS) -ldl -lm

BENCH_CALLS = 1000 10000
BENCH_STAGGER = 10
BENCH_CG_CALLS = 300

bench: bench/nst-bench$(EXEEXT)
	BENCH_CALLS="$(BENCH_CALLS)" BENCH_STAGGER="$(BENCH_STAGGER)" \
	BENCH_CG_CALLS="$(BENCH_CG_CALLS)" LIBTOOL="$(LIBTOOL)" \
	SOFIA_VERSION="$(SOFIA_VERSION)" \
	  $(SHELL) $(top_srcdir)/bench/run-bench.sh \
	  $(abs_top_builddir)/bench/nst-bench$(EXEEXT) \
	  $(abs_top_builddir)/bench/out $(abs_top_srcdir)/bench

# make bench-targets: section 7 of make bench alone (the targets of issue
# 15 side by side: nua's engine, nst's defaults, NSTTAG_REFRESH_BATCH(1000),
# at 1,000 and 10,000 calls; about 10 minutes), into bench/out-targets/.
bench-targets: bench/nst-bench$(EXEEXT)
	BENCH_ONLY=targets BENCH_CALLS="$(BENCH_CALLS)" BENCH_STAGGER="$(BENCH_STAGGER)" \
	LIBTOOL="$(LIBTOOL)" SOFIA_VERSION="$(SOFIA_VERSION)" \
	  $(SHELL) $(top_srcdir)/bench/run-bench.sh \
	  $(abs_top_builddir)/bench/nst-bench$(EXEEXT) \
	  $(abs_top_builddir)/bench/out-targets $(abs_top_srcdir)/bench
.PHONY: bench bench-targets

EXTRA_DIST += bench/bench.mk bench/run-bench.sh bench/plot.gp bench/tables.py \
	bench/RESULTS.md bench/results.png bench/results-raw.txt
CLEANFILES += bench/out/results.txt bench/out/tables.md bench/out/results.dat \
	bench/out/sched.dat bench/out/results.png bench/out/callgrind.out.* \
	bench/out/*.log bench/out-targets/results.txt bench/out-targets/tables.md \
	bench/out-targets/results.dat bench/out-targets/sched.dat bench/out-targets/*.log
