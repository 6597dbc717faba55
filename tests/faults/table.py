#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""table.py OUTDIR SCENARIO... - the table and the checks of check-faults.

Reads OUTDIR/SCENARIO/{meta,uac,uas,sink}.txt (scenario.sh, nst-faults,
sink.py), matches the two sides' records call by call, prints a Markdown
table (fault, calls, refreshes, survived, ended and why, half-open), then
one line per check ("ok - ..." or "FAIL - ...") and "N passed, N failed".
"""
import collections, os, sys

results = []


def check(cond, what):
    results.append(bool(cond))
    print("%s - %s" % ("ok" if cond else "FAIL", what))


def read_kv(path):
    kv = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line and not line.startswith("call="):
                k, v = line.rstrip("\n").split("=", 1)
                kv[k] = v
    return kv


def read_calls(path):
    calls = {}
    if not os.path.exists(path):
        return None
    for line in open(path):
        if not line.startswith("call="):
            continue
        head, why = line.rstrip("\n").split(" why=", 1)
        c = dict(f.split("=", 1) for f in head.split())
        c["why"] = why
        for k in ("up", "ending", "established", "refreshes", "next_timer_ms",
                  "refresh_in_ms", "expires_in_ms"):
            c[k] = int(c.get(k, 0))
        for k in ("t_up", "t_last_refresh", "t_end"):
            c[k] = float(c[k])
        calls[int(c["call"])] = c
    return calls


def read_sink(path):
    byes = {}
    if os.path.exists(path):
        for line in open(path):
            f = dict(x.split("=", 1) for x in line.split(" ", 3))
            if f["method"] == "BYE" and f["call"] != "?":
                byes[int(f["call"])] = (float(f["t"]), f["reason"].strip())
    return byes


def whys(calls):
    n = collections.Counter(c["why"] for c in calls.values() if not c["up"])
    return "; ".join("%d %s" % (v, k) for k, v in sorted(n.items())) or "-"


def main(out, scenarios):
    rows, notes = [], []
    for name in scenarios:
        d = os.path.join(out, name)
        meta = read_kv(os.path.join(d, "meta.txt"))
        a, b = read_calls(os.path.join(d, "uac.txt")), read_calls(os.path.join(d, "uas.txt"))
        sa, sb = read_kv(os.path.join(d, "uac.txt")), read_kv(os.path.join(d, "uas.txt"))
        n = int(meta.get("calls", "0"))
        print("\n## %s\n" % name)
        check(b is not None and (a is not None or name == "deadpeer"),
              "%s: both sides wrote their state" % name)
        if b is None or (a is None and name != "deadpeer"):
            rows.append((name, n, "-", "-", "missing state", "-"))
            continue
        se = int(meta["se"])
        if name in ("loss", "partition"):
            ups_a = [i for i in range(n) if i in a and a[i]["up"]]
            both_up = [i for i in ups_a if i in b and b[i]["up"]]
            half = [i for i in range(n)
                    if (a.get(i, {}).get("up", 0)) != (b.get(i, {}).get("up", 0))]
            ended = [i for i in range(n) if i not in both_up and i not in half]
            refreshes = sum(c["refreshes"] for c in a.values())
            check(len(a) == n, "%s: the caller started %d calls (%d)" % (name, n, len(a)))
            check(not half, "%s: no half-open call (%d: %s)" % (name, len(half), half[:10]))
            untimed = int(sa["up_without_timer"]) + int(sb["up_without_timer"])
            check(untimed == 0, "%s: every call up has a timer running on both sides "
                  "(without: %s at the caller, %s at the callee)"
                  % (name, sa["up_without_timer"], sb["up_without_timer"]))
            why_a = whys({i: a[i] for i in ended if i in a})
            why_b = whys({i: b[i] for i in ended if i in b})
            if name == "loss":
                # an end is explained only by a refresh that failed after its
                # retransmissions (408 at the caller), and the callee ending too
                unexplained = [i for i in ended
                               if not a[i]["why"].startswith("refresh failed")]
                check(refreshes > 1000, "loss: over 1000 refreshes (%d)" % refreshes)
                check(not unexplained, "loss: every call survived or ended on a "
                      "failed refresh transaction (unexplained: %d %s)"
                      % (len(unexplained), [(i, a[i]["why"], b.get(i, {}).get("why"))
                                            for i in unexplained[:5]]))
                life = min((float(meta["fault_end"]) - max(c["t_up"], float(meta["fault_start"])))
                           for c in a.values() if c["established"])
                check(life >= 360, "loss: every call lived >= 360 s under loss (min %.0f s)" % life)
                notes.append("loss: %s of %s SIP packets dropped"
                             % (meta.get("dropped", "?"), meta.get("sip_packets", "?")))
            else:
                fend = float(meta["fault_end"])
                stale = [i for i in both_up
                         if a[i]["t_last_refresh"] < fend or b[i]["t_last_refresh"] < fend]
                check(not stale, "partition: every call up on both sides has refreshed "
                      "on both since the partition ended (stale: %d)" % len(stale))
                notes.append("partition: %s of %s SIP packets dropped in %.0f s"
                             % (meta.get("dropped", "?"), meta.get("sip_packets", "?"),
                                fend - float(meta["fault_start"])))
            rows.append((name, n, "%d" % refreshes, "%d" % len(both_up),
                         "caller: %s / callee: %s" % (why_a, why_b) if ended else "-",
                         "%d" % len(half)))
        else:  # deadpeer
            killed = float(meta["killed"])
            byes = read_sink(os.path.join(d, "sink.txt"))
            expect = se - min(32, se / 3.0)
            late = []
            errs = []
            for i, c in b.items():
                err = c["t_end"] - c["t_last_refresh"] - expect
                errs.append(err)
                if c["up"] or c["why"] != "expired" or abs(err) > 1.0:
                    late.append((i, c["why"], round(err, 3)))
            check(len(b) == n, "deadpeer: the callee had %d calls (%d)" % (n, len(b)))
            check(not late, "deadpeer: the callee ended every call on expiry %.0f s after "
                  "its last refresh, within 1 s (error %s to %s s; off: %s)"
                  % (expect, "%.3f" % min(errs) if errs else "-",
                     "%.3f" % max(errs) if errs else "-", late[:5]))
            wire = [i for i in b if i in byes and byes[i][1].startswith("SIP;cause=408")]
            check(len(wire) == len(b), "deadpeer: a BYE with Reason: SIP;cause=408 reached "
                  "the dead caller's address for every call (%d of %d; e.g. %s)"
                  % (len(wire), len(b), byes[wire[0]][1] if wire else "-"))
            wire_err = [byes[i][0] - b[i]["t_last_refresh"] - expect for i in wire]
            if wire_err:
                check(max(abs(e) for e in wire_err) <= 1.0, "deadpeer: on the wire, "
                      "BYE at %.0f s after the last refresh within 1 s (%.3f to %.3f s)"
                      % (expect, min(wire_err), max(wire_err)))
            heap_idle, heap_end = int(sb["heap_idle"]), int(sb["heap_end"])
            heap_peak = int(sb["heap_peak"])
            # idle again: what the calls held is returned, but for the tables
            # that grew to the peak and keep their size (nta's transaction hash,
            # the transport's pending array, nst's heap array: about 2% of the
            # peak's growth at 50, 200 and 800 calls; tests/faults/README)
            check(heap_end - heap_idle <= 0.05 * (heap_peak - heap_idle),
                  "deadpeer: the callee's heap is back to idle but for tables sized to "
                  "the peak (idle %d B, %d calls %d B, end %d B: %.1f%% of the growth "
                  "stays, at most 5%%)" % (heap_idle, n, heap_peak, heap_end,
                                           100.0 * (heap_end - heap_idle) / max(1, heap_peak - heap_idle)))
            check(int(sb["timerfds_armed"]) == 0 and int(sb["up"]) == 0,
                  "deadpeer: no call and no armed timerfd left at the callee "
                  "(calls up %s, timerfds armed %s of %s)"
                  % (sb["up"], sb["timerfds_armed"], sb["timerfds"]))
            refreshes = sum(c["refreshes"] for c in b.values())
            ended = [c for c in b.values() if not c["up"]]
            rows.append((name, n, "%d" % refreshes, "%d" % (n - len(ended)),
                         "callee: " + whys(b), "%d" % sum(1 for c in b.values() if c["up"])))
            notes.append("deadpeer: caller killed %.0f s after start; callee heap "
                         "idle/peak/end %d/%d/%d B" % (killed - float(meta["t0"]),
                                                       heap_idle, heap_peak, heap_end))

    print("\n| fault | calls | refreshes | survived | ended and why | half-open |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s |" % r)
    print()
    for note in notes:
        print("* " + note)
    print()
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) and results else 1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
