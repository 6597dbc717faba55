#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the seed corpus of the nst fuzz targets (tests/fuzz/corpus/).

Run from anywhere: python3 tests/fuzz/make-seeds.py. The files are
committed; this script only documents how they were made.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

def req(method, extra, to_tag=False, cseq=1, body=""):
    h = [f"{method} sip:bob@example.org SIP/2.0",
         "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
         "Max-Forwards: 70",
         "From: Alice <sip:alice@example.org>;tag=1928301774",
         "To: Bob <sip:bob@example.org>" + (";tag=a6c85cf" if to_tag else ""),
         "Call-ID: a84b4c76e66710@pc33.example.org",
         f"CSeq: {cseq} {method}",
         "Contact: <sip:alice@192.0.2.1>"] + extra
    return "\r\n".join(h + [f"Content-Length: {len(body)}", "", body])

def resp(status, phrase, method, extra, body=""):
    h = [f"SIP/2.0 {status} {phrase}",
         "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=192.0.2.1",
         "From: Alice <sip:alice@example.org>;tag=1928301774",
         "To: Bob <sip:bob@example.org>;tag=a6c85cf",
         "Call-ID: a84b4c76e66710@pc33.example.org",
         f"CSeq: 1 {method}",
         "Contact: <sip:bob@192.0.2.2>"] + extra
    return "\r\n".join(h + [f"Content-Length: {len(body)}", "", body])

SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
SUP = "Supported: timer"

msg = {
  "invite-se1800-minse90": req("INVITE", [SUP, "Session-Expires: 1800", "Min-SE: 90"], body=SDP),
  "invite-refresher-uac": req("INVITE", [SUP, "Session-Expires: 1800;refresher=uac"]),
  "invite-refresher-uas": req("INVITE", [SUP, "Session-Expires: 3600;refresher=uas", "Min-SE: 600"]),
  "invite-refresher-garbage": req("INVITE", [SUP, "Session-Expires: 1800;refresher=proxy"]),
  "invite-refresher-upper": req("INVITE", [SUP, "Session-Expires: 1800 ; REFRESHER = UAC"]),
  "invite-compact-x": req("INVITE", ["k: 100rel, timer", "x: 120;refresher=uac"]),
  "invite-se-too-small": req("INVITE", [SUP, "Session-Expires: 60", "Min-SE: 60"]),
  "invite-se-small-no-supported": req("INVITE", ["Session-Expires: 30;refresher=uac"]),
  "invite-no-supported": req("INVITE", ["Session-Expires: 1800"]),
  "invite-require-timer": req("INVITE", [SUP, "Require: timer", "Session-Expires: 90;refresher=uac"]),
  "invite-minse-only": req("INVITE", [SUP, "Min-SE: 4000"]),
  "invite-se-below-own-minse": req("INVITE", [SUP, "Session-Expires: 100", "Min-SE: 200"]),
  "invite-se-huge": req("INVITE", [SUP, "Session-Expires: 4294967296", "Min-SE: 18446744073709551615"]),
  "invite-se-uint32max": req("INVITE", [SUP, "Session-Expires: 4294967295;refresher=uas", "Min-SE: 4294967295"]),
  "invite-se-zero": req("INVITE", [SUP, "Session-Expires: 0", "Min-SE: 0"]),
  "invite-se-negative": req("INVITE", [SUP, "Session-Expires: -1800", "Min-SE: -90"]),
  "invite-se-nonnumeric": req("INVITE", [SUP, "Session-Expires: abc;refresher=uac", "Min-SE: ninety"]),
  "invite-se-duplicate": req("INVITE", [SUP, "Session-Expires: 1800;refresher=uas", "Session-Expires: 90;refresher=uac", "Min-SE: 90", "Min-SE: 1000"]),
  "invite-se-empty": req("INVITE", [SUP, "Session-Expires:", "Min-SE:"]),
  "invite-se-params": req("INVITE", ["Supported: 100rel,timer,replaces", "Session-Expires: 1800;foo=bar;refresher=uac;x", "Min-SE: 90;lr"]),
  "invite-no-timer-headers": req("INVITE", ["Supported: 100rel"]),
  "reinvite-refresh": req("INVITE", [SUP, "Session-Expires: 1800;refresher=uac", "Min-SE: 90"], to_tag=True, cseq=2),
  "update-refresh": req("UPDATE", [SUP, "Session-Expires: 1800;refresher=uas", "Min-SE: 1800"], to_tag=True, cseq=3),
  "update-no-se": req("UPDATE", [SUP], to_tag=True, cseq=3),
  "200-invite-uac": resp(200, "OK", "INVITE", [SUP, "Require: timer", "Session-Expires: 1800;refresher=uac"], body=SDP),
  "200-invite-uas": resp(200, "OK", "INVITE", [SUP, "Session-Expires: 1800;refresher=uas"]),
  "200-invite-no-refresher": resp(200, "OK", "INVITE", [SUP, "Session-Expires: 900"]),
  "200-invite-no-se": resp(200, "OK", "INVITE", [SUP]),
  "200-invite-small": resp(200, "OK", "INVITE", [SUP, "Session-Expires: 1;refresher=uas"]),
  "200-update-x": resp(200, "OK", "UPDATE", ["x: 600;refresher=uas"]),
  "422-minse-1800": resp(422, "Session Interval Too Small", "INVITE", ["Min-SE: 1800"]),
  "422-minse-missing": resp(422, "Session Interval Too Small", "INVITE", []),
  "422-minse-huge": resp(422, "Session Interval Too Small", "UPDATE", ["Min-SE: 99999999999"]),
  "491-update": resp(491, "Request Pending", "UPDATE", []),
  "481-invite": resp(481, "Call/Transaction Does Not Exist", "INVITE", []),
  "405-update": resp(405, "Method Not Allowed", "UPDATE", ["Allow: INVITE, ACK, BYE"]),
}

hdrs = {
  # flags \n Session-Expires \n Min-SE \n Supported \n Require \n config bytes
  "basic": "\x00\x00\n1800;refresher=uac\n90\ntimer\n!\n\x01\x02\x03\x04\x05\x06\x07\x08",
  "compact": "\x00\x01\n120\n!\n100rel, timer\n!\n",
  "uas": "\x01\x00\n3600;refresher=uas\n600\ntimer\ntimer\n",
  "garbage-refresher": "\x00\x00\n1800;refresher=garbage\n90\ntimer\n!\n",
  "huge": "\x00\x00\n4294967296\n18446744073709551616\ntimer\n!\n\xff\xff\xff\xff\xff\xff\xff\xff",
  "uint32max": "\x03\x00\n4294967295;refresher=uas\n4294967295\ntimer\n!\n",
  "zero": "\x00\x00\n0\n0\ntimer\n!\n",
  "negative": "\x00\x00\n-1\n-90\ntimer\n!\n",
  "nonnumeric": "\x00\x00\nabc\nxyz\ntimer\n!\n",
  "duplicate": "\x00\x06\n1800;refresher=uac\n90\ntimer\n!\n",
  "missing": "\x00\x00\n!\n!\n!\n!\n",
  "no-supported": "\x00\x00\n60\n!\n!\n!\n",
  "too-small": "\x00\x00\n60\n60\ntimer\n!\n",
  "minse-only": "\x01\x00\n!\n5000\ntimer\n!\n",
  "200-uac": "\x03\x00\n1800;refresher=uac\n!\ntimer\ntimer\n",
  "200-small": "\x03\x00\n1;refresher=uas\n!\ntimer\n!\n",
  "422": "\x04\x00\n!\n1800\n!\n!\n",
  "422-no-minse": "\x04\x00\n!\n!\n!\n!\n",
  "lower-case-first": "\x02\x18\n 1800 ; refresher = UAS \n 90 \nTIMER, 100rel\n!\n",
  "folded": "\x00\x00\n1800\r\n ;refresher=uac\n90\ntimer\n!\n",
}

def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode("latin-1"))

for n, m in msg.items():
    write("fuzz_nst_msg", n, m)
for n, m in hdrs.items():
    write("fuzz_nst_hdrs", n, m)
