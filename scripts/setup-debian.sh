#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install everything nst needs on Debian bookworm (run as root), then build:
# the build, the Check/s2 regression suite (which compiles Sofia's own test
# harness from the Debian source package), the demo, the interop peers
# (SIPp, liblinphone's linphonec) and the fuzzer (clang's libFuzzer).
set -eu

if [ "$(id -u)" != 0 ]; then
    echo "setup-debian.sh: run as root (apt-get install)" >&2
    exit 1
fi

# 'apt-get source sofia-sip' needs a deb-src entry for the Debian archive.
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat > /etc/apt/sources.list.d/nst-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -q -y --no-install-recommends \
    build-essential autoconf automake libtool pkg-config \
    libsofia-sip-ua-dev libsofia-sip-ua-glib-dev libglib2.0-dev check \
    dpkg-dev xz-utils ca-certificates valgrind \
    sip-tester tmux iproute2 util-linux \
    clang libclang-rt-14-dev doxygen
# nst's Debian packages (make deb, make check-deb).
apt-get install -q -y --no-install-recommends debhelper lintian
# nst-cli --media: RTP with oRTP
apt-get install -q -y --no-install-recommends libortp-dev
# linphonec as its maintainers package it (with what it recommends): the
# interop suite was proven with that.
apt-get install -q -y linphone-cli
# make check-kamailio: Debian's Kamailio (its base package carries the
# modules the test uses: auth, auth_db, db_text, registrar, usrloc, rr,
# dialog, sst).
apt-get install -q -y --no-install-recommends kamailio
# make check-cli makes its own CA for the TLS cases
apt-get install -q -y --no-install-recommends openssl
# make check-gnome-calls: GNOME Calls' build dependencies (its source comes
# at test time with 'apt-get source', through the deb-src entry above; about
# 280 packages), meson and ninja, and a virtual X server for its GTK tests.
apt-get -o DPkg::Lock::Timeout=1200 build-dep -q -y gnome-calls
apt-get -o DPkg::Lock::Timeout=1200 install -q -y --no-install-recommends \
    meson ninja-build xvfb xauth
# make check-faults: nftables drops SIP packets inside a network namespace
# (make check-scale-out uses the Kamailio above).
apt-get install -q -y --no-install-recommends nftables

# Build nst (the tests fetch Sofia's source themselves, into tests/sofia-src).
cd "$(dirname "$0")/.."
autoreconf -fi
./configure --quiet
make -j"$(nproc)"
echo
echo "nst is built. Run the demo with 'make demo', the tests with 'make check'."
