#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""check.py OUTDIR - the checks and the table of check-scale-out.

Reads OUTDIR/{meta,uac,uas1,uas2}.txt (run.sh, nst-faults). Callee 1 lives
through the run, callee 2 is killed; its state is what it last knew, so it
is not read: which calls it owned is what the caller's records and callee
1's say (every call the caller set up that callee 1 never saw).
"""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "faults"))
from table import read_calls, read_kv  # noqa: E402  (tests/faults/table.py)

out = sys.argv[1]
results = []


def check(cond, what):
    results.append(bool(cond))
    print("%s - %s" % ("ok" if cond else "FAIL", what))


meta = read_kv(os.path.join(out, "meta.txt"))
a = read_calls(os.path.join(out, "uac.txt"))
b1 = read_calls(os.path.join(out, "uas1.txt"))
check(a is not None and b1 is not None, "the caller and callee 1 wrote their state")
if a is None or b1 is None:
    print("0 passed, 1 failed")
    sys.exit(1)
n, se = int(meta["calls"]), int(meta["se"])
killed = float(meta["killed"])
expect = se - min(32, se / 3.0)

est = [i for i in range(n) if i in a and a[i]["established"]]
own1 = [i for i in est if i in b1]
own2 = [i for i in est if i not in b1]
check(len(est) == n, "the caller set up %d calls through Kamailio (%d)" % (n, len(est)))
check(len(own1) >= n // 3 and len(own2) >= n // 3,
      "the dispatcher spread them over both callees (%d and %d)" % (len(own1), len(own2)))

# every refresh reached its owner: the caller's refreshes answered 2xx are
# exactly callee 1's received ones, call by call, and none failed
before = [i for i in own1 if a[i]["refreshes"] != b1[i]["refreshes"]]
check(not before, "callee 1's calls: every refresh, either way, reached the other "
      "end of its dialog: the refresher's count of refreshes answered 2xx equals "
      "the other side's count received, call by call (mismatched calls: %d)" % len(before))
ref1 = sum(a[i]["refreshes"] for i in own1)
ref2 = sum(a[i]["refreshes"] for i in own2)
refreshed2 = [i for i in own2 if a[i]["refreshes"] >= 1]
check(len(refreshed2) == len(own2), "callee 2's calls refreshed through the proxy "
      "before it was killed (%d of %d)" % (len(refreshed2), len(own2)))

up1 = [i for i in own1 if a[i]["up"] and b1[i]["up"]]
fresh1 = [i for i in up1 if a[i]["t_last_refresh"] > killed and b1[i]["t_last_refresh"] > killed]
check(len(up1) == len(own1) and len(fresh1) == len(own1),
      "callee 1's calls are all up on both sides and refreshed since the kill "
      "(%d up, %d refreshed since, of %d)" % (len(up1), len(fresh1), len(own1)))
untimed = [i for i in up1 if a[i]["next_timer_ms"] < 0 or b1[i]["next_timer_ms"] < 0]
check(not untimed, "every call up has a timer running on both sides (without: %d)" % len(untimed))

# callee 2's calls end at the caller: those the callee refreshed (I / 2
# odd, nst-faults --callee-refreshes-half) by expiry, interval - min(32, interval/3) after their last refresh, with BYE;
# those the caller refreshed (even) when that refresh fails (the proxy's
# 408 after its own timer), with BYE, before the session would expire
off, errs = [], []
for i in own2:
    c = a[i]
    gone = not c["up"] or c["ending"]
    if i // 2 % 2:
        err = c["t_end"] - c["t_last_refresh"] - expect
        errs.append(err)
        ok = gone and c["why"] == "expired" and abs(err) <= 1.0
    else:
        ok = gone and c["why"] == "refresh failed 408" and \
            c["t_last_refresh"] + se / 2.0 < c["t_end"] < c["t_last_refresh"] + se
    if not ok:
        off.append((i, c["why"], round(c["t_end"] - c["t_last_refresh"], 3)))
check(not off, "callee 2's calls all ended at the caller: those the callee refreshed "
      "by expiry %.0f s after their last refresh, within 1 s (error %s to %s s), those "
      "the caller refreshed on their failed refresh (off: %d %s)"
      % (expect, "%.3f" % min(errs) if errs else "-", "%.3f" % max(errs) if errs else "-",
         len(off), off[:5]))
wrong = [i for i in up1 if (a[i]["refresh_in_ms"] >= 0) != (i // 2 % 2 == 0)
         or (b1[i]["refresh_in_ms"] >= 0) != (i // 2 % 2 == 1)]
check(not wrong, "callee 1's calls: the caller's and the callee's timers agree on who "
      "refreshes, half each (calls the other way: %d)" % len(wrong))
by1 = [i for i in own1 if i // 2 % 2]
by2 = [i for i in own2 if i // 2 % 2]
check(len(own1) // 3 <= len(by1) <= 2 * len(own1) // 3 and
      len(own2) // 3 <= len(by2) <= 2 * len(own2) // 3,
      "each callee refreshed some of its calls and the caller the others "
      "(callee 1 refreshed %d of %d, callee 2 %d of %d)"
      % (len(by1), len(own1), len(by2), len(own2)))

print("\n| callee | calls | refreshes through Kamailio | up at the end | ended (or ending) at the caller |")
print("|---|---|---|---|---|")
print("| 1 (lives) | %d | %d | %d | %d |" % (len(own1), ref1, len(up1), len(own1) - len(up1)))
print("| 2 (killed %.0f s after start) | %d | %d | %d | %d by expiry, %d on a failed refresh |"
      % (killed - float(meta["t0"]), len(own2), ref2,
         sum(1 for i in own2 if a[i]["up"] and not a[i]["ending"]),
         sum(1 for i in own2 if a[i]["why"] == "expired"),
         sum(1 for i in own2 if a[i]["why"].startswith("refresh failed"))))
print()
print("%d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
