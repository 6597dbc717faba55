#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-bench.sh BENCH OUTDIR SRCDIR - the whole benchmark of "make bench".
#
# BENCH is the built bench/nst-bench (a libtool wrapper), OUTDIR gets
# results.txt (every figure as key=value, run by run), tables.md,
# results.dat, sched.dat and results.png; SRCDIR is bench/ in the sources
# (plot.gp, tables.py). Environment: BENCH_CALLS, BENCH_STAGGER, BENCH_BATCH,
# BENCH_CG_CALLS, BENCH_ONLY (see bench.mk), LIBTOOL. BENCH_ONLY=targets
# runs section 7 alone (make bench-targets).
#
# Real-time runs go one at a time (they measure CPU and timing); the two
# callgrind runs go side by side (instruction counts do not depend on load).
set -u
BENCH=$1
OUT=$2
SRC=$3
CALLS=${BENCH_CALLS:-1000 10000}
STAGGER=${BENCH_STAGGER:-10}
CG_CALLS=${BENCH_CG_CALLS:-300}
BATCH=${BENCH_BATCH:-10 100 1000}
LIBTOOL=${LIBTOOL:-libtool}
ONLY=${BENCH_ONLY:-}

mkdir -p "$OUT" || exit 1
RES=$OUT/results.txt
: > "$RES"
ulimit -n 20000 2>/dev/null || true

RUN_ENV=   # VAR=value for the next runs' environment (diagnostics)
run() {  # run NAME ARGS...: one run, its figures appended to results.txt
  name=$1; shift
  echo "== $name: ${RUN_ENV:+$RUN_ENV }nst-bench $*" >&2
  {
    echo "### $name"
    echo "command=${RUN_ENV:+$RUN_ENV }nst-bench $*"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
    env $RUN_ENV "$BENCH" "$@" 2>"$OUT/$name.log"
    echo "exit=$?"
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  } >> "$RES"
}

{
  echo "### machine"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  # The line the bench was built against (configure's, e.g. --with-sofia)
  # and the library it loads.
  lib=$($LIBTOOL --mode=execute ldd "$BENCH" 2>/dev/null | awk '$1 ~ /^libsofia-sip-ua\.so/ { print $3 }')
  case $lib in
  /usr/*) echo "sofia=${SOFIA_VERSION:-?} ($(dpkg-query -W -f='${Version}' libsofia-sip-ua0 2>/dev/null), $lib)" ;;
  *) echo "sofia=${SOFIA_VERSION:-?} ($lib)" ;;
  esac
  echo "ulimit_n=$(ulimit -n)"
  echo "uptime=$(uptime)"
} >> "$RES"

if [ -z "$ONLY" ]; then
# 1. nst's scheduler alone, fast-forwarded clock, both timer sources
for n in 1000 10000 100000; do
  run "sched-$n" sched --timers=$n --rounds=5 --timer=su
  run "schedfd-$n" sched --timers=$n --rounds=5 --timer=fd
done

# 1b. what one timer expiry costs the su_root loop that waits for it
run "spin" spin --timers=300 --timer=su
run "spinfd" spin --timers=300 --timer=fd

# 2. memory: nst's own live blocks (malloc interposed, call stacks walked)
run "mem-nst" calls --mode=nst --timer=fd --calls=1000 --stagger=2 --setup-only --mem-attrib
run "mem-nstsu" calls --mode=nst --timer=su --calls=1000 --stagger=2 --setup-only --mem-attrib
run "mem-builtin" calls --mode=builtin --calls=1000 --stagger=2 --setup-only

# 3. instruction counts: both modes under callgrind, side by side
if [ "$CG_CALLS" -gt 0 ] && command -v valgrind >/dev/null; then
  rm -f "$OUT"/callgrind.out.*
  for mode in nst builtin; do
    (
      {
        echo "### cg-$mode"
        echo "command=valgrind --tool=callgrind nst-bench calls --mode=$mode --calls=$CG_CALLS --stagger=$STAGGER --timer=fd"
        $LIBTOOL --mode=execute valgrind --tool=callgrind \
          --callgrind-out-file="$OUT/callgrind.out.$mode" \
          "$BENCH" calls --mode=$mode --calls=$CG_CALLS --stagger=$STAGGER --timer=fd \
          2>"$OUT/cg-$mode.log"
        for w in setup idle refresh; do
          f=$(grep -l "^desc: Trigger: Client Request: $w" "$OUT"/callgrind.out.$mode.* 2>/dev/null | head -1)
          echo "ir_$w=$(sed -n 's/^summary: //p' "$f" 2>/dev/null)"
        done
      } > "$OUT/cg-$mode.txt"
    ) &
  done
  wait
  cat "$OUT/cg-nst.txt" "$OUT/cg-builtin.txt" >> "$RES"
fi

# 4. real time: N calls, each mode in turn; "nst" is nst on its timerfd
# (the default), "nstsu" nst on su_timer (as before the timerfd)
for n in $CALLS; do
  run "rt-nst-$n" calls --mode=nst --timer=fd --calls=$n --stagger=$STAGGER
  run "rt-builtin-$n" calls --mode=builtin --calls=$n --stagger=$STAGGER
  run "rt-nstsu-$n" calls --mode=nst --timer=su --calls=$n --stagger=$STAGGER
done

# 5. diagnostics at the largest and smallest N (see RESULTS.md):
#  - nsttrim: malloc_trim(0) 1.5 s before the refresh window, so that glibc
#    sorts the chunks the setup transactions freed before, not during it
#  - nstceil/builtinceil: su_duration() rounded up, i.e. su_root without
#    its 1 ms spin before every su_timer expiry (nta's and nua's included)
set -- $CALLS
first=$1
for last in $CALLS; do :; done
RUN_ENV=NST_BENCH_TRIM=1
run "rt-nsttrim-$last" calls --mode=nst --timer=fd --calls=$last --stagger=$STAGGER
RUN_ENV=NST_BENCH_CEIL=1
run "rt-nstceil-$first" calls --mode=nst --timer=fd --calls=$first --stagger=$STAGGER
run "rt-builtinceil-$first" calls --mode=builtin --calls=$first --stagger=$STAGGER
RUN_ENV=

# 6. NSTTAG_REFRESH_BATCH(W): refreshes on a common grid of W ms (up to W
# early, never late), at each N; compare with rt-builtin-N
for n in $CALLS; do
  for w in $BATCH; do
    run "rt-nstbatch$w-$n" calls --mode=nst --timer=fd --calls=$n --stagger=$STAGGER --batch=$w
  done
done
fi

# 7. the targets side by side (issue 15), interleaved at each N: nua's
# engine, nst's defaults, and nst with the one setting a server sets
# (NSTTAG_REFRESH_BATCH(1000): refreshes on a 1 s grid of the clock, each
# at its own deadline or earlier with those due first once its slot has
# begun, at most 100 early per wake-up; never late), first with glibc's
# fastbins off (mxfast=0, see RESULTS.md: they defer the free()s of the
# setup burst to the refresh window's first malloc(), the 10,000-call
# stall), then nua's engine and the grid again with glibc's defaults
for n in $CALLS; do
  RUN_ENV=GLIBC_TUNABLES=glibc.malloc.mxfast=0
  run "rt-tbuiltin-$n" calls --mode=builtin --calls=$n --stagger=$STAGGER
  run "rt-tnst-$n" calls --mode=nst --timer=fd --calls=$n --stagger=$STAGGER
  run "rt-tgrid-$n" calls --mode=nst --timer=fd --calls=$n --stagger=$STAGGER --batch=1000
  RUN_ENV=
  run "rt-tbuiltinglibc-$n" calls --mode=builtin --calls=$n --stagger=$STAGGER
  run "rt-tgridglibc-$n" calls --mode=nst --timer=fd --calls=$n --stagger=$STAGGER --batch=1000
done

echo "uptime_end=$(uptime)" >> "$RES"

python3 "$SRC/tables.py" "$RES" "$OUT" > "$OUT/tables.md" || exit 1
if [ -n "$ONLY" ]; then
  :   # the plot is of sections 1 and 4
elif command -v gnuplot >/dev/null; then
  (cd "$OUT" && gnuplot "$SRC/plot.gp") || exit 1
else
  echo "gnuplot not found (apt-get install gnuplot-nox): no results.png" >&2
fi
cat "$OUT/tables.md"
echo "results: $OUT" >&2
