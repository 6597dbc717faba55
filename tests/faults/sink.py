#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""sink.py PORT UNTIL OUT - stand in for a killed UA on 127.0.0.1:PORT.

Answers nothing; for each request that arrives, the first time its
(method, call) is seen, writes "t=EPOCH method=M call=I reason=..." to OUT,
the call being the caller's From/To user cI. Runs until UNTIL (epoch s).
"""
import re, socket, sys, time

port, until, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
seen = set()
with open(out, "w") as f:
    while time.time() < until:
        s.settimeout(max(0.01, until - time.time()))
        try:
            data = s.recv(65535).decode("utf-8", "replace")
        except socket.timeout:
            break
        t = time.time()
        method = data.split(" ", 1)[0]
        m = re.search(r"sip:c(\d+)@", data)
        call = m.group(1) if m else "?"
        if (method, call) in seen:
            continue
        seen.add((method, call))
        r = re.search(r"^Reason:\s*(.*?)\r?$", data, re.M | re.I)
        f.write("t=%.3f method=%s call=%s reason=%s\n"
                % (t, method, call, r.group(1) if r else "-"))
        f.flush()
