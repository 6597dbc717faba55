# Benchmarks (make bench): programs that print figures. Included from
# Makefile.am.
