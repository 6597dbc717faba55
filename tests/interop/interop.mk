# Interop suite (make check-interop): real SIP peers on loopback against
# nst-cli. Included from Makefile.am.
