/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - TLS: the certificate and the CAs, as Sofia's tport wants them.
 *
 * Sofia-SIP reads a directory (NUTAG_CERTIFICATE_DIR) holding agent.pem
 * (our private key and certificate chain) and cafile.pem (the CAs we
 * trust). --tls-dir names such a directory; --cert and --ca name the two
 * files, and nst-cli links them into a private temporary directory of
 * that layout, removed at exit.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/tport_tag.h>

#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* An absolute path for @a file (a symlink in another directory needs one). */
static char *absolute(char const *file)
{
  return g_path_is_absolute(file) ? g_strdup(file) : g_canonicalize_filename(file, NULL);
}

static int link_as(char const *dir, char const *file, char const *name)
{
  char *target = absolute(file), *path = g_build_filename(dir, name, NULL);
  int r = symlink(target, path);

  if (r < 0)
    fprintf(stderr, "nst-cli: cannot link %s as %s: %s\n", target, path, strerror(errno));
  g_free(target), g_free(path);
  return r;
}

/* Check the TLS options and build the directory Sofia wants. 0, or -1
 * (reported: a usage error). */
int cli_tls_prepare(cli_settings_t *set)
{
  char const *files[2] = { set->tls_cert, set->tls_ca };
  size_t i;
  GError *error = NULL;

  if (set->tls_dir && (set->tls_cert || set->tls_ca)) {
    fprintf(stderr, "nst-cli: --tls-dir or --cert/--ca, not both\n");
    return -1;
  }
  for (i = 0; i < 2; i++)
    if (files[i] && !g_file_test(files[i], G_FILE_TEST_IS_REGULAR)) {
      fprintf(stderr, "nst-cli: %s: no such file\n", files[i]);
      return -1;
    }
  if (set->tls_dir && !g_file_test(set->tls_dir, G_FILE_TEST_IS_DIR)) {
    fprintf(stderr, "nst-cli: --tls-dir %s: not a directory\n", set->tls_dir);
    return -1;
  }
  if (!set->tls_cert && !set->tls_ca)
    return 0;
  set->tls_tmpdir = g_dir_make_tmp("nst-cli-tls.XXXXXX", &error);
  if (set->tls_tmpdir == NULL) {
    fprintf(stderr, "nst-cli: cannot make a directory for the TLS files: %s\n",
            error->message);
    g_clear_error(&error);
    return -1;
  }
  if ((set->tls_cert && link_as(set->tls_tmpdir, set->tls_cert, "agent.pem") < 0) ||
      (set->tls_ca && link_as(set->tls_tmpdir, set->tls_ca, "cafile.pem") < 0)) {
    cli_tls_cleanup(set);
    return -1;
  }
  return 0;
}

/* The tport tags of the TLS options, then @a next. */
tagi_t *cli_tls_tags(su_home_t *home, cli_settings_t const *set, tagi_t const *next)
{
  char const *dir = set->tls_tmpdir ? set->tls_tmpdir : set->tls_dir;

  /* --tls-verify: the peer's certificate must be signed by one of our
   * CAs, in both directions (Sofia's default checks nothing). */
  return tl_tlist(home,
                  TAG_IF(dir, NUTAG_CERTIFICATE_DIR(dir)),
                  TAG_IF(set->tls_verify,
                         TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_ALL)),
                  TAG_NEXT(next));
}

void cli_tls_cleanup(cli_settings_t *set)
{
  char *path;

  if (set->tls_tmpdir == NULL)
    return;
  path = g_build_filename(set->tls_tmpdir, "agent.pem", NULL);
  g_unlink(path), g_free(path);
  path = g_build_filename(set->tls_tmpdir, "cafile.pem", NULL);
  g_unlink(path), g_free(path);
  g_rmdir(set->tls_tmpdir);
  g_free(set->tls_tmpdir);
  set->tls_tmpdir = NULL;
}
