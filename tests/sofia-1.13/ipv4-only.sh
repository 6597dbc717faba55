#!/bin/sh
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
exec unshare -n sh -c '
    sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
    sysctl -qw net.ipv6.conf.lo.disable_ipv6=1 &&
    ip link set lo up &&
    exec "$@"' sh "$@"
