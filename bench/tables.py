#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tables.py RESULTS.TXT OUTDIR - tables (markdown, stdout) and gnuplot data
(OUTDIR/results.dat, OUTDIR/sched.dat) from run-bench.sh's results.txt."""
import os
import sys


def load(path):
    runs, cur = {}, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("### "):
            cur = runs.setdefault(line[4:], {})
        elif "=" in line and cur is not None:
            k, v = line.split("=", 1)
            cur.setdefault(k, v)
    return runs


def num(d, k):
    try:
        return float(d.get(k, "nan"))
    except ValueError:
        return float("nan")


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


def main():
    runs = load(sys.argv[1])
    out = sys.argv[2]
    m = runs.get("machine", {})
    p = print
    p("Machine: %s, %s cores, %s, %s; Sofia-SIP %s" % (
        m.get("cpu"), m.get("nproc"), m.get("mem"), m.get("kernel"), m.get("sofia")))
    p("Start: %s" % m.get("uptime", "").strip())
    p()

    ns = sorted({int(k.split("-")[2]) for k in runs if k.startswith("rt-")})
    p("## Real-time runs (127.0.0.1, SE 90 s, refresh by UPDATE, one refresh per call)")
    p()
    p("| N | mode | established / refreshed | CPU per refresh, raw (us) | net of idle (us) |"
      " loop steps per refresh | idle CPU (ms/s) | err median (ms) | err p99 (ms) | err max (ms) |"
      " vs nominal p99 (ms) | nst fire p99 (ms) | heap per call (B) | RSS per call (KiB) | load |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    dat = open(os.path.join(out, "results.dat"), "w")
    dat.write("# N nst_cpu_us bi_cpu_us nst_net_us bi_net_us nst_err_med nst_err_p99 "
              "bi_err_med bi_err_p99 nst_nom_p99 bi_nom_p99 su_cpu_us su_err_med su_err_p99\n")
    for n in ns:
        row = {}
        for mode in ("nst", "builtin", "nstsu", "nsttrim", "nstceil", "builtinceil"):
            r = runs.get("rt-%s-%d" % (mode, n), {})
            row[mode] = r
            if not r:
                continue
            p("| %d | %s | %s / %s | %.1f | %.1f | %.1f | %.2f | %.3f | %.3f | %.3f | %.3f | %s | %.0f | %.1f | %s |" % (
                n, mode, r.get("established"), r.get("refreshed"),
                num(r, "cpu_us_per_refresh"), num(r, "cpu_net_us_per_refresh"),
                num(r, "loop_steps_per_refresh"), num(r, "idle_cpu_ms_per_s"),
                num(r, "err_recv_median_ms"), num(r, "err_recv_p99_ms"),
                num(r, "err_recv_max_ms"), num(r, "err_nominal_p99_ms"),
                r.get("err_fire_p99_ms", "-"),
                num(r, "heap_bytes_per_call"), num(r, "rss_kib_per_call"),
                r.get("load_before", "")))
        a, b, su = row["nst"], row["builtin"], row["nstsu"]
        for name, x, bname, base in (("nst", a, "builtin", b), ("nstsu", su, "builtin", b),
                                     ("nsttrim", row["nsttrim"], "builtin", b),
                                     ("nstceil", row["nstceil"], "builtinceil", row["builtinceil"])):
            if not x or not base:
                continue
            p("| %d | **%s / %s** | | **%.2f** | **%.2f** | | | | **%.3f** | | | | %+.0f B | %+.2f KiB | |" % (
                n, name, bname, ratio(num(x, "cpu_us_per_refresh"), num(base, "cpu_us_per_refresh")),
                ratio(num(x, "cpu_net_us_per_refresh"), num(base, "cpu_net_us_per_refresh")),
                ratio(num(x, "err_recv_p99_ms"), num(base, "err_recv_p99_ms")),
                num(x, "heap_bytes_per_call") - num(base, "heap_bytes_per_call"),
                num(x, "rss_kib_per_call") - num(base, "rss_kib_per_call")))
        dat.write("%d %s\n" % (n, " ".join("%.4f" % v for v in (
            num(a, "cpu_us_per_refresh"), num(b, "cpu_us_per_refresh"),
            num(a, "cpu_net_us_per_refresh"), num(b, "cpu_net_us_per_refresh"),
            num(a, "err_recv_median_ms"), num(a, "err_recv_p99_ms"),
            num(b, "err_recv_median_ms"), num(b, "err_recv_p99_ms"),
            num(a, "err_nominal_p99_ms"), num(b, "err_nominal_p99_ms"),
            num(su, "cpu_us_per_refresh"), num(su, "err_recv_median_ms"),
            num(su, "err_recv_p99_ms")))))
    dat.close()
    p()

    # NSTTAG_REFRESH_BATCH(W): rt-nstbatch<W>-<N>
    batch = sorted((int(k.split("-")[1][len("nstbatch"):]), int(k.split("-")[2]), k)
                   for k in runs if k.startswith("rt-nstbatch"))
    if batch:
        p("## Refreshes on a common grid (NSTTAG_REFRESH_BATCH, timerfd)")
        p()
        p("| N | grid W (ms) | established / refreshed | CPU per refresh (us) | / builtin |"
          " loop steps per refresh | err vs nominal: min (ms) | median | p99 of abs (ms) |"
          " max of abs (ms) | load |")
        p("|---|---|---|---|---|---|---|---|---|---|---|")
        for w, n, k in sorted(batch, key=lambda x: (x[1], x[0])):
            r, b = runs[k], runs.get("rt-builtin-%d" % n, {})
            p("| %d | %d | %s / %s | %.1f | **%.2f** | %.1f | %.3f | %.3f | **%.3f** | %.3f | %s |" % (
                n, w, r.get("established"), r.get("refreshed"),
                num(r, "cpu_us_per_refresh"),
                ratio(num(r, "cpu_us_per_refresh"), num(b, "cpu_us_per_refresh")),
                num(r, "loop_steps_per_refresh"), num(r, "err_nominal_min_ms"),
                num(r, "err_nominal_median_ms"), num(r, "err_nominal_abs_p99_ms"),
                num(r, "err_nominal_abs_max_ms"), r.get("load_before", "")))
        p()

    # the targets side by side (run-bench.sh section 7): rt-t<mode>-<N>
    tns = sorted({int(k.split("-")[2]) for k in runs if k.startswith("rt-t")})
    if tns:
        p("## Targets side by side (grid = NSTTAG_REFRESH_BATCH(1000); malloc: glibc mxfast=0"
          " unless \"glibc defaults\"; / builtin: against builtin with the same malloc)")
        p()
        p("| N | mode | established / refreshed | CPU per refresh (us) | / builtin |"
          " lateness p99 (ms) | lateness max (ms) | earliest (ms) | err vs armed p99 (ms) |"
          " load |")
        p("|---|---|---|---|---|---|---|---|---|---|")
        for n in tns:
            for mode, name, base in (("tbuiltin", "builtin", "tbuiltin"),
                                     ("tnst", "nst default", "tbuiltin"),
                                     ("tgrid", "nst, 1 s grid", "tbuiltin"),
                                     ("tbuiltinglibc", "builtin, glibc defaults", "tbuiltinglibc"),
                                     ("tgridglibc", "nst, 1 s grid, glibc defaults", "tbuiltinglibc")):
                r = runs.get("rt-%s-%d" % (mode, n))
                b = runs.get("rt-%s-%d" % (base, n), {})
                if not r:
                    continue
                p("| %d | %s | %s / %s | %.1f | **%.2f** | **%.3f** | %.3f | %.3f | %.3f | %s |" % (
                    n, name, r.get("established"), r.get("refreshed"),
                    num(r, "cpu_us_per_refresh"),
                    ratio(num(r, "cpu_us_per_refresh"), num(b, "cpu_us_per_refresh")),
                    num(r, "err_nominal_p99_ms"), num(r, "err_nominal_max_ms"),
                    num(r, "err_nominal_min_ms"), num(r, "err_recv_p99_ms"),
                    r.get("load_before", "")))
        p()

    cn, cb = runs.get("cg-nst"), runs.get("cg-builtin")
    if cn and cb:
        p("## Instructions (callgrind, whole process, both UAs)")
        p()
        p("| mode | calls | refreshed | Ir setup per call | Ir idle per s | Ir refresh window per refresh | net of idle per refresh |")
        p("|---|---|---|---|---|---|---|")
        per = {}
        for mode, r in (("nst", cn), ("builtin", cb)):
            est = num(r, "established") or float("nan")
            refd = num(r, "refreshed") or float("nan")
            idle_rate = num(r, "ir_idle") / num(r, "idle_s") if num(r, "idle_s") else 0
            raw = num(r, "ir_refresh") / refd
            net = (num(r, "ir_refresh") - idle_rate * num(r, "refresh_window_s")) / refd
            per[mode] = (raw, net)
            p("| %s | %s | %s | %.0f | %.0f | %.0f | %.0f |" % (
                mode, r.get("established"), r.get("refreshed"), num(r, "ir_setup") / est,
                idle_rate, raw, net))
        p("| **nst / builtin** | | | | | **%.2f** | **%.2f** |" % (
            ratio(per["nst"][0], per["builtin"][0]), ratio(per["nst"][1], per["builtin"][1])))
        p()

    mn = runs.get("mem-nst", {})
    p("## Memory per call (both UAs of the call are in the process: A and B)")
    p()
    p("| N | heap nst (B) | heap builtin (B) | nst - builtin (B) | per UA (B) | RSS nst (KiB) | RSS builtin (KiB) | nst - builtin (KiB) |")
    p("|---|---|---|---|---|---|---|---|")
    for n in ns:
        a_, b_ = runs.get("rt-nst-%d" % n, {}), runs.get("rt-builtin-%d" % n, {})
        d = num(a_, "heap_bytes_per_call") - num(b_, "heap_bytes_per_call")
        p("| %d | %.0f | %.0f | %+.0f | %+.0f | %.1f | %.1f | %+.2f |" % (
            n, num(a_, "heap_bytes_per_call"), num(b_, "heap_bytes_per_call"), d, d / 2,
            num(a_, "rss_kib_per_call"), num(b_, "rss_kib_per_call"),
            num(a_, "rss_kib_per_call") - num(b_, "rss_kib_per_call")))
    p()
    mb = runs.get("mem-builtin", {})
    for name, r in (("timerfd", mn), ("su_timer", runs.get("mem-nstsu", {}))):
        if not r:
            continue
        p("Timer source %s: blocks allocated under libnst and still live after setup (1,000 calls, "
          "malloc interposed): %.0f B per call for A+B (%.0f B per UA) in %.1f blocks "
          "(malloc_usable_size %.0f B); heap per call %.0f B against %.0f B built-in: %+.0f B per UA." % (
              name, num(r, "nst_live_bytes_per_call"), num(r, "nst_live_bytes_per_call") / 2,
              num(r, "nst_live_blocks_per_call"), num(r, "nst_live_usable_bytes_per_call"),
              num(r, "heap_bytes_per_call"), num(mb, "heap_bytes_per_call"),
              (num(r, "heap_bytes_per_call") - num(mb, "heap_bytes_per_call")) / 2))
        p()
    p()

    p("## nst's scheduler alone (fast-forwarded clock; ns per operation, best of 5)")
    p()
    p("| source | timers armed | arm | re-arm (cancel + arm) | cancel | fire |")
    p("|---|---|---|---|---|---|")
    sd = open(os.path.join(out, "sched.dat"), "w")
    sd.write("# N arm rearm cancel fire (su_timer) arm rearm cancel fire (timerfd)\n")
    keys = ("sched_arm_ns", "sched_rearm_ns", "sched_cancel_ns", "sched_fire_ns")
    for n in (1000, 10000, 100000):
        r, f = runs.get("sched-%d" % n), runs.get("schedfd-%d" % n, {})
        if not r:
            continue
        v = [num(r, k) for k in keys]
        w = [num(f, k) for k in keys]
        p("| su_timer | %d | %.1f | %.1f | %.1f | %.1f |" % (n, *v))
        if f:
            p("| timerfd | %d | %.1f | %.1f | %.1f | %.1f |" % (n, *w))
        sd.write("%d %s\n" % (n, " ".join("%.2f" % x for x in v + w)))
    sd.close()
    p()
    if runs.get("spin"):
        p("## One timer expiry on an otherwise idle su_root_run() loop (nst_sched, 20 ms timer, random phase)")
        p()
        p("| source | loop iterations per expiry | CPU per expiry (us) | lateness mean (us) | lateness max (us) |")
        p("|---|---|---|---|---|")
        for name, sp in (("su_timer", runs.get("spin")), ("timerfd", runs.get("spinfd"))):
            if sp:
                p("| %s | %.0f | %.1f | %.1f | %.1f |" % (name, num(sp, "spin_loop_iterations_per_expiry"),
                      num(sp, "spin_cpu_us_per_expiry"), num(sp, "spin_late_us_mean"),
                      num(sp, "spin_late_us_max")))
        p()
    p("End: %s" % runs.get("rt-nstsu-%d" % ns[-1], {}).get("load_after", "") if ns else "")


if __name__ == "__main__":
    main()
