#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a command in a private network namespace with only lo, IPv4 only.
#
#   ipv4-only.sh COMMAND [ARG...]
#
# Sofia-SIP 1.13.17's nua suite hangs where its nua has IPv6 transports:
# nta looks up AAAA for the s2 peer's SRV target first, the s2 harness's
# DNS server has no AAAA record, and the REGISTER of every case's setup
# never leaves (Sofia's own check_nua, built by its own make, does the
# same). 1.12.11's suite is not affected. Needs root (unshare -n).
set -eu
# (The namespace's own /proc/sys/net: procps's sysctl is not needed.)
exec unshare -n sh -c '
    for c in all default lo; do
        echo 1 >/proc/sys/net/ipv6/conf/$c/disable_ipv6 || exit 1
    done &&
    ip link set lo up &&
    exec "$@"' sh "$@"
