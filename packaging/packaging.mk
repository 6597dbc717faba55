# SPDX-License-Identifier: LGPL-2.1-or-later
# ---------------------------------------------------------------- install
# After 'make install' as root into a prefix the dynamic loader searches
# (/usr/local/lib on Debian), refresh its cache, so that programs find
# libnst at once. Otherwise (DESTDIR, another prefix, not root) say what
# to do. Packages (make deb) install with DESTDIR: their triggers do it.
install-exec-hook:
	@if test -n "$(DESTDIR)"; then :; \
	elif case '$(libdir)' in /lib|/usr/lib|/lib64|/usr/lib64) false;; esac && \
	  ! grep -qsx '$(libdir)' /etc/ld.so.conf /etc/ld.so.conf.d/*.conf; then \
	  echo "note: $(libdir) is not in the dynamic loader's path: run programs with LD_LIBRARY_PATH=$(libdir), or add it to /etc/ld.so.conf.d/ and run ldconfig"; \
	elif test "`id -u`" = 0 && command -v ldconfig >/dev/null 2>&1; then \
	  echo "ldconfig"; ldconfig; \
	else \
	  echo "note: run ldconfig as root, so that programs find libnst in $(libdir)"; \
	fi

# ---------------------------------------------------------------- Debian packages
# make deb: libnst0, libnst-dev and nst-cli (.deb) in _deb/, built from the
# distribution tarball (make dist) with debhelper and dpkg-buildpackage, the
# packaging files of packaging/debian/ copied into the unpacked tarball as
# debian/; then lintian on them: any error or warning fails.
# make check-deb: make deb again, its steps counted (build-deb.sh: the
# version, the build, lintian); the packages' dependencies against
# configure.ac, the ELF files and nst.pc (packaging/check-deb-deps.sh);
# then the packages installed with apt, tests/external/adopt.c built
# against them with pkg-config alone and run, the packages purged, and an
# ABI break (a public function no longer exported) must fail the package
# build through the symbols file (packaging/check-deb.sh). Each script ends
# with "N passed, N failed" for make check-all's closing line, a failed
# make dist too.
DEB_DIR = _deb
DEB_BUILD_LOG = $(DEB_DIR)/build.log
DEB_FILES = packaging/debian/changelog packaging/debian/control \
	packaging/debian/copyright packaging/debian/rules \
	packaging/debian/source/format packaging/debian/libnst0.install \
	packaging/debian/libnst0.symbols packaging/debian/libnst-dev.install \
	packaging/debian/libnst-dev.docs packaging/debian/libnst-dev.doc-base \
	packaging/debian/nst-cli.install \
	packaging/debian/libnst0.lintian-overrides \
	packaging/debian/libnst-dev.lintian-overrides \
	packaging/debian/nst-cli.lintian-overrides
EXTRA_DIST += packaging/packaging.mk packaging/check-deb.sh packaging/build-deb.sh \
	packaging/check-deb-deps.sh \
	$(DEB_FILES)

deb: dist-gzip
	@$(SHELL) $(top_srcdir)/packaging/build-deb.sh $(distdir).tar.gz $(DEB_DIR)

check-deb:
	@$(MAKE) $(AM_MAKEFLAGS) dist-gzip || \
	  { echo "FAIL: make dist-gzip (the packages' tarball)"; \
	    echo "0 passed, 1 failed"; exit 1; }
	@$(SHELL) $(top_srcdir)/packaging/build-deb.sh $(distdir).tar.gz $(DEB_DIR)
	@status=0; \
	bash $(top_srcdir)/packaging/check-deb-deps.sh $(DEB_DIR) || status=1; \
	bash $(top_srcdir)/packaging/check-deb.sh $(DEB_DIR) \
	  $(top_srcdir)/tests/external/adopt.c || status=1; \
	exit $$status

clean-deb:
	rm -rf $(DEB_DIR)
clean-local: clean-deb

.PHONY: deb check-deb clean-deb
