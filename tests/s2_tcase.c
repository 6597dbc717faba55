/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test selection for Sofia's s2check harness: our own replacement for
 * s2check/s2tcase.c, which calls Check's _tcase_add_test() with the
 * pre-0.13 signature and crashes with Debian's Check 0.15
 * (doc/nua-integration.md section 7). With Check 0.15, START_TEST() makes a
 * test a `const TTest *`, which is what the harness passes as its TFun.
 * Linked into nst's s2 suite and into Sofia's own nua suite
 * (tests/sofia-suite).
 *
 * s2_select_tests() takes comma-separated fnmatch() patterns on test names.
 *
 * s2_tcase_add_test() has the signature that the harness's s2check.h
 * declares: (tc, tf, name, signo, start, end) in the Debian 1.12.11 source,
 * (tc, ttest, signo, start, end) in 1.13's, which knows Check >= 0.13; the
 * build defines S2_TCASE_TTEST=1 for the latter (tests/sofia-suite).
 */
#include "config.h"

#include <check.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#if S2_TCASE_TTEST
void s2_tcase_add_test(TCase *tc, TTest const *test, int signo, int start, int end);
#else
void s2_tcase_add_test(TCase *tc, TFun tf, char const *name,
                       int signo, int start, int end);
#endif
void s2_select_tests(char const *pattern);
void nst_tcase_add_test(TCase *tc, TTest const *test, char const *name);

static char **patterns;         /* NULL-terminated; NULL: every test */

void s2_select_tests(char const *pattern)
{
  size_t n = 0, k = 0;
  char *copy, *p, *save = NULL;

  if (pattern == NULL || *pattern == '\0')
    return;

  while (patterns && patterns[n])
    n++;
  copy = strdup(pattern);
  for (p = copy; *p; p++)
    k += *p == ',';
  patterns = realloc(patterns, (n + k + 2) * sizeof *patterns);
  for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
    patterns[n++] = strdup(p);
  patterns[n] = NULL;
  free(copy);
}

static int selected(char const *name)
{
  char **p;

  if (patterns == NULL)
    return 1;
  for (p = patterns; *p; p++)
    if (fnmatch(*p, name, 0) == 0)
      return 1;
  return 0;
}

#if S2_TCASE_TTEST
/* The harness of Sofia-SIP 1.13: its s2check.h, written for Check >= 0.13,
 * passes the TTest, which has the test's name, and no name of its own. */
void s2_tcase_add_test(TCase *tc, TTest const *test, int signo, int start, int end)
{
  if (selected(test->name))
    _tcase_add_test(tc, test, signo, 0, start, end);
}
#else
void s2_tcase_add_test(TCase *tc, TFun tf, char const *name,
                       int signo, int start, int end)
{
  TTest const *test = (TTest const *)(void const *)tf;

  if (selected(name))
    _tcase_add_test(tc, test, signo, 0, start, end);
}
#endif

void nst_tcase_add_test(TCase *tc, TTest const *test, char const *name)
{
  if (selected(name))
    _tcase_add_test(tc, test, 0, 0, 0, 1);
}

