# SPDX-License-Identifier: LGPL-2.1-or-later
# plot.gp - bench/out/results.png from results.dat and sched.dat
# (written by tables.py). Run in the output directory: gnuplot plot.gp
set terminal pngcairo size 1500,480 font "DejaVu Sans,11"
set output "results.png"
set multiplot layout 1,3 title "nst vs nua's built-in session timer (127.0.0.1, SE 90 s, UPDATE refresh)"
set logscale x
set xrange [500:20000]
set format x "10^{%L}"
set grid
set key top left

set title "CPU per refresh (getrusage, whole process)"
set key center right
set xlabel "concurrent calls N"
set ylabel "us per refresh"
set logscale y
plot "results.dat" using 1:2 with linespoints lw 2 pt 7 title "nst (timerfd) raw", \
     "results.dat" using 1:12 with linespoints lw 2 pt 13 title "nst (su\\_timer) raw", \
     "results.dat" using 1:3 with linespoints lw 2 pt 5 title "built-in raw", \
     "results.dat" using 1:($4>0?$4:1/0) with linespoints dt 2 pt 6 title "nst net of idle", \
     "results.dat" using 1:($5>0?$5:1/0) with linespoints dt 2 pt 4 title "built-in net of idle"

set title "Refresh timing error at the peer (vs own due time)"
set key bottom right
set ylabel "ms"
plot "results.dat" using 1:6 with linespoints lw 2 pt 7 title "nst (timerfd) median", \
     "results.dat" using 1:7 with linespoints lw 2 pt 9 title "nst (timerfd) p99", \
     "results.dat" using 1:14 with linespoints lw 2 pt 13 title "nst (su\\_timer) p99", \
     "results.dat" using 1:8 with linespoints lw 2 pt 5 title "built-in median", \
     "results.dat" using 1:9 with linespoints lw 2 pt 11 title "built-in p99", \
     10 with lines dt 3 lc rgb "red" title "target p99 10 ms"

set title "nst scheduler alone (fast-forwarded clock)"
set key top left font ",9"
set xrange [500:200000]
set ylabel "ns per operation"
set key top left
plot "sched.dat" using 1:2 with linespoints lw 2 pt 7 title "su\\_timer arm", \
     "sched.dat" using 1:3 with linespoints lw 2 pt 5 title "su\\_timer re-arm", \
     "sched.dat" using 1:4 with linespoints lw 2 pt 9 title "su\\_timer cancel", \
     "sched.dat" using 1:5 with linespoints lw 2 pt 11 title "su\\_timer fire", \
     "sched.dat" using 1:6 with linespoints dt 2 lw 2 pt 6 title "timerfd arm", \
     "sched.dat" using 1:7 with linespoints dt 2 lw 2 pt 4 title "timerfd re-arm", \
     "sched.dat" using 1:8 with linespoints dt 2 lw 2 pt 8 title "timerfd cancel", \
     "sched.dat" using 1:9 with linespoints dt 2 lw 2 pt 10 title "timerfd fire"
unset multiplot
