/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst on a glib main loop: RFC 4028 section 10 (refresh and expiry) with
 * nua and nst on a su_glib root whose GSource a GMainLoop dispatches,
 * against Sofia's s2 fake peer, with fast-forwarded time.
 *
 * The cases are check_nst's own (tests/check_refresh.c, compiled here with
 * NST_TEST_ON_GLIB): the same figures; the clock waits run our GMainLoop
 * (glib_driver.c) and each case ends by checking that nua's and nst's
 * callbacks came from the nua root's GSource and that nst's timers fired
 * in our g_main_loop_run() (or g_main_context_iteration(), for the
 * millisecond steps).
 */
#include "config.h"

#undef NDEBUG

#include "glib_driver.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_time.h>

#include <stdlib.h>
#include <string.h>

void refresh_cases(Suite *s);   /* tests/check_refresh.c */

static Suite *glib_suite(void)
{
  Suite *s = suite_create("nst on a glib main loop (su_glib root, GMainLoop)");
  refresh_cases(s);
  return s;
}

int main(int argc, char *argv[])
{
  SRunner *sr;
  int failed, i;

  s2_tester = "check_glib";
  s2_suite("NST-GLIB");
  if (getenv("CHECK_NST_VERBOSE"))
    s2_start_stop = 1;
  for (i = 1; i < argc; i++)
    s2_select_tests(argv[i]);

  sr = srunner_create(glib_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
