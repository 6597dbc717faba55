# SPDX-License-Identifier: LGPL-2.1-or-later
# Fuzzing (make fuzz): libFuzzer targets over nst's header interpretation
# and negotiation core. Included from Makefile.am. See tests/fuzz/README.
#
#   make fuzz          build tests/fuzz/fuzz_nst_msg and tests/fuzz/fuzz_nst_hdrs
#                      with clang -fsanitize=fuzzer,address,undefined
#   make check-fuzz    run each for FUZZ_TIME seconds (at most FUZZ_RUNS
#                      inputs) from the seed corpus; fails on any crash,
#                      broken invariant, leak or sanitizer report, and when
#                      clang or libFuzzer is missing
#   make clean-fuzz    remove the binaries, logs, work corpora and artifacts
#
# Not part of check_PROGRAMS: the normal build uses gcc. nst's core and
# parser sources are compiled straight into each fuzzer.

FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_RUNS = 100000000
FUZZ_FLAGS =
FUZZ_SANITIZE = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_COPTS = $(FUZZ_SANITIZE) -g -O1 -fno-omit-frame-pointer
FUZZ_INCLUDES = -I$(top_srcdir)/include -I$(top_srcdir)/src -I$(top_builddir) \
	$(SOFIA_CFLAGS) $(GLIB_CFLAGS)
FUZZ_LINK_LIBS = $(SOFIA_LIBS) $(GLIB_LIBS)
FUZZ_TARGETS = fuzz_nst_msg fuzz_nst_hdrs
FUZZ_SRC = $(top_srcdir)/src/nst_core.c $(top_srcdir)/src/nst_parser.c
FUZZ_DEPS = $(top_srcdir)/tests/fuzz/nst_fuzz.c $(FUZZ_SRC) \
	$(top_srcdir)/src/nst_core.h $(top_srcdir)/src/nst_parser.h \
	$(top_srcdir)/src/nst_sched.h $(top_srcdir)/include/nst/nst.h \
	$(top_builddir)/config.h

# Fail loudly (not skip) without clang.
FUZZ_NEED_CC = if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  echo "fuzz: FAIL: '$(FUZZ_CC)' not found; libFuzzer needs clang" \
	       "(apt-get install clang; or make fuzz FUZZ_CC=clang-NN)" >&2; \
	  exit 1; \
	fi

fuzz-have-clang:
	@$(FUZZ_NEED_CC)

tests/fuzz/fuzz_nst_msg: $(FUZZ_DEPS)
	@$(FUZZ_NEED_CC)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_COPTS) $(FUZZ_INCLUDES) -o $@ \
	  $(top_srcdir)/tests/fuzz/nst_fuzz.c $(FUZZ_SRC) $(FUZZ_LINK_LIBS)

tests/fuzz/fuzz_nst_hdrs: $(FUZZ_DEPS)
	@$(FUZZ_NEED_CC)
	@$(MKDIR_P) tests/fuzz
	$(FUZZ_CC) $(FUZZ_COPTS) $(FUZZ_INCLUDES) -DNST_FUZZ_HDRS -o $@ \
	  $(top_srcdir)/tests/fuzz/nst_fuzz.c $(FUZZ_SRC) $(FUZZ_LINK_LIBS)

fuzz: fuzz-have-clang tests/fuzz/fuzz_nst_msg tests/fuzz/fuzz_nst_hdrs

# New inputs go to tests/fuzz/work/<target>/ (the build tree); the committed
# seeds in $(top_srcdir)/tests/fuzz/corpus/<target>/ are only read.
check-fuzz: fuzz
	@fail=0; passed=0; failed=0; \
	for t in $(FUZZ_TARGETS); do \
	  work=tests/fuzz/work/$$t; art=tests/fuzz/artifacts/$$t; \
	  $(MKDIR_P) $$work $$art || exit 1; \
	  echo "check-fuzz: $$t: $(FUZZ_TIME) s (at most $(FUZZ_RUNS) runs)"; \
	  if ./tests/fuzz/$$t -max_total_time=$(FUZZ_TIME) -runs=$(FUZZ_RUNS) \
	       -print_final_stats=1 -artifact_prefix=$$art/ $(FUZZ_FLAGS) \
	       $$work $(top_srcdir)/tests/fuzz/corpus/$$t \
	       > tests/fuzz/$$t.log 2>&1; then \
	    sed -n 's/^#[0-9]*[ 	]*DONE[ 	]*/  /p' tests/fuzz/$$t.log; \
	    grep '^stat::number_of_executed_units' tests/fuzz/$$t.log | sed 's/^/  /'; \
	    passed=$$((passed + 1)); \
	  else \
	    fail=1; failed=$$((failed + 1)); \
	    echo "check-fuzz: $$t: FAILED, see tests/fuzz/$$t.log and $$art/:" >&2; \
	    grep -B8 -A4 'INVARIANT\|ERROR:\|runtime error' tests/fuzz/$$t.log | head -40 >&2; \
	    ls $$art >&2; \
	  fi; \
	done; \
	if test $$fail = 0; then \
	  echo "check-fuzz: PASS: $(FUZZ_TARGETS): no crash, no broken invariant"; \
	else \
	  echo "check-fuzz: FAIL" >&2; \
	fi; \
	echo "$$passed passed, $$failed failed"; \
	test $$fail = 0

clean-fuzz:
	rm -rf tests/fuzz/work tests/fuzz/artifacts
	rm -f tests/fuzz/fuzz_nst_msg tests/fuzz/fuzz_nst_hdrs \
	  tests/fuzz/fuzz_nst_msg.log tests/fuzz/fuzz_nst_hdrs.log

.PHONY: fuzz check-fuzz clean-fuzz fuzz-have-clang

EXTRA_DIST += tests/fuzz/fuzz.mk tests/fuzz/nst_fuzz.c tests/fuzz/README \
	tests/fuzz/make-seeds.py tests/fuzz/.gitignore tests/fuzz/corpus
