/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst_config_read(): liblinphone-style configuration files.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nst/nst.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/sip_tag.h>

static su_home_t home[1];
static char path[64];
static tagi_t *tags;
static char *messages;

static void setup(void)
{
  su_home_init(home);
  tags = NULL, messages = NULL;
  path[0] = '\0';
}

static void teardown(void)
{
  if (path[0])
    unlink(path);
  su_home_deinit(home);
}

static int read_text(char const *text)
{
  int fd;
  FILE *f;

  if (path[0])
    unlink(path);               /* a test may read several files */
  strcpy(path, "/tmp/nst-config-XXXXXX");
  fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return nst_config_read(home, path, &tags, &messages);
}

/* The settings the tags give, over nst's defaults. */
static void settings(int *enabled, unsigned *se, unsigned *min_se, int *refresher)
{
  *enabled = 1, *se = 1800, *min_se = 90, *refresher = nst_pref_auto;
  tl_gets(tags, NSTTAG_ENABLED_REF(*enabled), NSTTAG_SESSION_EXPIRES_REF(*se),
          NSTTAG_MIN_SE_REF(*min_se), NSTTAG_REFRESHER_REF(*refresher), TAG_END());
}

START_TEST(config_liblinphone_keys_mean_what_they_mean)
{
  int enabled, refresher;
  unsigned se, min_se;

  ck_assert_int_eq(read_text("[sip]\n"
                             "sip_port=5070\n"                /* liblinphone's own */
                             "session_expires_enabled=1\n"
                             "session_expires_value=100\n"
                             "session_expires_min_value=90\n"
                             "session_expires_refresher_value=2\n"), 0);
  ck_assert_ptr_null(messages);
  settings(&enabled, &se, &min_se, &refresher);
  ck_assert_int_eq(enabled, 1);
  ck_assert_uint_eq(se, 100);
  ck_assert_uint_eq(min_se, 90);
  ck_assert_int_eq(refresher, nst_pref_uac);
}
END_TEST

START_TEST(config_refresher_values_are_liblinphone_s)
{
  int enabled, refresher;
  unsigned se, min_se;

  ck_assert_int_eq(read_text("[sip]\nsession_expires_refresher_value=1\n"), 0);
  settings(&enabled, &se, &min_se, &refresher);
  ck_assert_int_eq(refresher, nst_pref_uas);
}
END_TEST

START_TEST(config_absent_keys_keep_defaults)
{
  int enabled, refresher;
  unsigned se, min_se;

  ck_assert_int_eq(read_text("[sip]\nsession_expires_enabled=0\n"), 0);
  settings(&enabled, &se, &min_se, &refresher);
  ck_assert_int_eq(enabled, 0);
  ck_assert_uint_eq(se, 1800);
  ck_assert_uint_eq(min_se, 90);
}
END_TEST

START_TEST(config_min_se_above_default_interval_raises_it)
{
  int enabled, refresher;
  unsigned se, min_se;

  ck_assert_int_eq(read_text("[sip]\nsession_expires_min_value=3600\n"), 0);
  settings(&enabled, &se, &min_se, &refresher);
  ck_assert_uint_eq(min_se, 3600);
  ck_assert_uint_eq(se, 3600);
}
END_TEST

START_TEST(config_min_se_below_90_is_refused_with_file_and_key)
{
  ck_assert_int_eq(read_text("[sip]\nsession_expires_min_value=60\n"), -1);
  ck_assert_ptr_null(tags);
  ck_assert_ptr_nonnull(messages);
  ck_assert_ptr_nonnull(strstr(messages, path));
  ck_assert_ptr_nonnull(strstr(messages, "session_expires_min_value"));
  ck_assert_ptr_nonnull(strstr(messages, "below 90"));
}
END_TEST

START_TEST(config_interval_below_min_se_is_refused)
{
  ck_assert_int_eq(read_text("[sip]\nsession_expires_value=100\n"
                             "session_expires_min_value=120\n"), -1);
  ck_assert_ptr_nonnull(strstr(messages, "session_expires_value"));
  ck_assert_ptr_nonnull(strstr(messages, "below the Min-SE"));
}
END_TEST

START_TEST(config_not_a_number_is_refused)
{
  ck_assert_int_eq(read_text("[sip]\nsession_expires_value=half an hour\n"), -1);
  ck_assert_ptr_nonnull(strstr(messages, "session_expires_value"));
  ck_assert_ptr_nonnull(strstr(messages, "not a whole number"));
  ck_assert_int_eq(read_text("[sip]\nsession_expires_value=-90\n"), -1);
  ck_assert_int_eq(read_text("[sip]\nsession_expires_refresher_value=3\n"), -1);
  ck_assert_ptr_nonnull(strstr(messages, "session_expires_refresher_value"));
}
END_TEST

START_TEST(config_unknown_session_expires_key_is_a_warning)
{
  ck_assert_int_eq(read_text("[sip]\nsession_expires_valeu=100\n"), 0);
  ck_assert_ptr_nonnull(tags);
  ck_assert_ptr_nonnull(messages);
  ck_assert_ptr_nonnull(strstr(messages, "warning"));
  ck_assert_ptr_nonnull(strstr(messages, "session_expires_valeu"));
}
END_TEST

START_TEST(config_missing_file_is_an_error_naming_it)
{
  strcpy(path, "/nonexistent/nst.rc");
  ck_assert_int_eq(nst_config_read(home, path, &tags, &messages), -1);
  ck_assert_ptr_nonnull(strstr(messages, "/nonexistent/nst.rc"));
  path[0] = '\0';
}
END_TEST

START_TEST(config_nst_keys_live_beside_liblinphone_s)
{
  int method = -1, sdp = -1, policy = -1;
  unsigned warning = 0, lifetime = 0, batch = 0;

  ck_assert_int_eq(read_text("[sip]\nsession_expires_value=600\n"
                             "nst_refresh_method=2\nnst_refresh_sdp=1\n"
                             "nst_peer_without_timer=3\nnst_expiry_warning=20\n"
                             "nst_lifetime_max=7200\nnst_refresh_batch=250\n"), 0);
  ck_assert_msg(messages == NULL, "messages: %s", messages);
  tl_gets(tags, NSTTAG_REFRESH_METHOD_REF(method), NSTTAG_REFRESH_SDP_REF(sdp),
          NSTTAG_PEER_WITHOUT_TIMER_REF(policy), NSTTAG_EXPIRY_WARNING_REF(warning),
          NSTTAG_LIFETIME_MAX_REF(lifetime), NSTTAG_REFRESH_BATCH_REF(batch), TAG_END());
  ck_assert_int_eq(method, nst_refresh_by_invite);
  ck_assert_int_eq(sdp, 1);
  ck_assert_int_eq(policy, nst_peer_require);
  ck_assert_uint_eq(warning, 20);
  ck_assert_uint_eq(lifetime, 7200);
  ck_assert_uint_eq(batch, 250);
}
END_TEST

START_TEST(config_nst_keys_out_of_range_are_refused)
{
  ck_assert_int_eq(read_text("[sip]\nnst_peer_without_timer=4\n"), -1);
  ck_assert_msg(messages && strstr(messages, "[sip] nst_peer_without_timer"),
                "messages: %s", messages);
  ck_assert_int_eq(read_text("[sip]\nnst_refresh_sdp=2\n"), -1);
  ck_assert_int_eq(read_text("[sip]\nnst_refresh_method=-1\n"), -1);
  /* Min-SE 90: a session unrefreshed lasts 60 s, too short to warn 60 s. */
  ck_assert_int_eq(read_text("[sip]\nnst_expiry_warning=60\n"), -1);
  ck_assert_msg(messages && strstr(messages, "expiry warning"), "messages: %s", messages);
  ck_assert_msg(tags == NULL, "tags returned on error");
}
END_TEST

START_TEST(config_unknown_nst_key_is_a_warning)
{
  ck_assert_int_eq(read_text("[sip]\nnst_refresh_metod=1\n"), 0);
  ck_assert_msg(messages && strstr(messages, "warning: [sip] nst_refresh_metod: unknown key"),
                "messages: %s", messages);
}
END_TEST

START_TEST(check_tags_says_what_nst_create_would_refuse)
{
  char const *why = "x";

  ck_assert_int_eq(nst_check_tags(&why, TAG_END()), 0);
  ck_assert_ptr_null(why);
  ck_assert_int_eq(nst_check_tags(&why, NSTTAG_SESSION_EXPIRES(300),
                                  NSTTAG_MIN_SE(300), NSTTAG_EXPIRY_WARNING(60),
                                  TAG_END()), 0);
  ck_assert_int_eq(nst_check_tags(&why, NSTTAG_MIN_SE(89), TAG_END()), -1);
  ck_assert_ptr_nonnull(strstr(why, "Min-SE"));
  ck_assert_int_eq(nst_check_tags(&why, NSTTAG_MIN_SE(120),
                                  NSTTAG_SESSION_EXPIRES(100), TAG_END()), -1);
  ck_assert_int_eq(nst_check_tags(NULL, NSTTAG_REFRESHER(3), TAG_END()), -1);
  ck_assert_int_eq(nst_check_tags(&why, NSTTAG_EXPIRY_WARNING(60), TAG_END()), -1);
  ck_assert_ptr_nonnull(strstr(why, "expiry warning"));
}
END_TEST

/* Sofia's tag machinery prints nst's tags by name, as in nua's logs. */
START_TEST(tags_print_with_their_names)
{
  tagi_t const list[] = {
    { NSTTAG_SESSION_EXPIRES(90) }, { NSTTAG_MIN_SE(120) },
    { NSTTAG_ENABLED(1) }, { NSTTAG_REFRESHER(nst_pref_uac) },
    { NSTTAG_REFRESH_SDP(0) }, { NSTTAG_EXPIRY_WARNING(15) },
    { NSTTAG_LIFETIME_MAX(3600) }, { NSTTAG_REFRESH_METHOD(1) },
    { NSTTAG_PEER_WITHOUT_TIMER(3) }, { SIPTAG_SUBJECT_STR("not nst") }, { TAG_END() }
  };
  static char const *const expected[] = {
    "nst::session_expires: 90", "nst::min_se: 120", "nst::enabled: true",
    "nst::refresher: 2", "nst::refresh_sdp: false", "nst::expiry_warning: 15",
    "nst::lifetime_max: 3600", "nst::refresh_method: 1",
    "nst::peer_without_timer: 3", NULL
  };
  char buf[128];
  int i;

  for (i = 0; expected[i]; i++) {
    ck_assert_int_gt(t_snprintf(&list[i], buf, sizeof buf), 0);
    ck_assert_str_eq(buf, expected[i]);
  }
  /* Filtering by namespace: NSTTAG_ANY() picks exactly them. */
  {
    tagi_t const filter[] = { { NSTTAG_ANY() }, { TAG_END() } };
    tagi_t *nst_only = tl_afilter(home, filter, list);
    /* all but the SIPTAG_SUBJECT_STR() */
    ck_assert_int_eq((int)tl_len(nst_only), (int)(tl_len(list) - sizeof(tagi_t)));
  }
}
END_TEST

START_TEST(config_tags_configure_nst_create)
{
  su_root_t *root;
  nst_t *nst;

  ck_assert_int_eq(read_text("[sip]\nsession_expires_value=600\n"), 0);
  ck_assert_ptr_nonnull(tags);
  su_init();
  root = su_root_create(NULL);
  nst = nst_create(root, NULL, NULL, NUTAG_URL("sip:127.0.0.1:*"), TAG_NEXT(tags));
  ck_assert_ptr_nonnull(nst);
  nua_shutdown(nst_nua(nst));
  su_root_step(root, 100);
  nst_destroy(nst);
  su_root_destroy(root);
  su_deinit();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("nst configuration file");
  TCase *tc = tcase_create("liblinphone-style [sip] keys");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, config_liblinphone_keys_mean_what_they_mean);
  tcase_add_test(tc, config_refresher_values_are_liblinphone_s);
  tcase_add_test(tc, config_absent_keys_keep_defaults);
  tcase_add_test(tc, config_min_se_above_default_interval_raises_it);
  tcase_add_test(tc, config_min_se_below_90_is_refused_with_file_and_key);
  tcase_add_test(tc, config_interval_below_min_se_is_refused);
  tcase_add_test(tc, config_not_a_number_is_refused);
  tcase_add_test(tc, config_unknown_session_expires_key_is_a_warning);
  tcase_add_test(tc, config_missing_file_is_an_error_naming_it);
  tcase_add_test(tc, config_tags_configure_nst_create);
  tcase_add_test(tc, tags_print_with_their_names);
  tcase_add_test(tc, check_tags_says_what_nst_create_would_refuse);
  tcase_add_test(tc, config_nst_keys_live_beside_liblinphone_s);
  tcase_add_test(tc, config_nst_keys_out_of_range_are_refused);
  tcase_add_test(tc, config_unknown_nst_key_is_a_warning);
  suite_add_tcase(s, tc);

  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
