/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the negotiation core, clause by clause of RFC 4028.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "nst_core.h"
#include "nst_states.h"

#include <string.h>

static nst_config_t cfg;

static void setup(void) { nst_config_default(&cfg); }

static nst_hdrs_t request(unsigned se, nst_label_t refresher, unsigned min_se,
                          int supported)
{
  nst_hdrs_t h = { se, refresher, min_se, supported, 0 };
  return h;
}

/* ---- section 4: defaults and Min-SE floor ---- */

START_TEST(rfc4028_4_defaults_are_1800_and_90)
{
  ck_assert_uint_eq(cfg.session_expires, 1800);
  ck_assert_uint_eq(cfg.min_se, 90);
  ck_assert_int_eq(cfg.enabled, 1);
  ck_assert_int_eq(nst_config_check(&cfg, NULL), 0);
}
END_TEST

START_TEST(rfc4028_5_min_se_below_90_is_refused)
{
  char const *why = NULL;
  cfg.min_se = 89;
  ck_assert_int_eq(nst_config_check(&cfg, &why), -1);
  ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(config_interval_below_min_se_is_refused)
{
  cfg.min_se = 120;
  cfg.session_expires = 100;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), -1);
}
END_TEST

/* ---- refresher labels are per transaction ---- */

START_TEST(labels_translate_per_transaction)
{
  ck_assert_int_eq(nst_label_for(nst_refresher_local, 1), nst_label_uac);
  ck_assert_int_eq(nst_label_for(nst_refresher_local, 0), nst_label_uas);
  ck_assert_int_eq(nst_label_for(nst_refresher_remote, 1), nst_label_uas);
  ck_assert_int_eq(nst_label_for(nst_refresher_remote, 0), nst_label_uac);
  ck_assert_int_eq(nst_refresher_for(nst_label_uac, 1), nst_refresher_local);
  ck_assert_int_eq(nst_refresher_for(nst_label_uac, 0), nst_refresher_remote);
  ck_assert_int_eq(nst_refresher_for(nst_label_uas, 1), nst_refresher_remote);
  ck_assert_int_eq(nst_refresher_for(nst_label_uas, 0), nst_refresher_local);
  ck_assert_int_eq(nst_label_parse("UAC"), nst_label_uac);
  ck_assert_int_eq(nst_label_parse("uas"), nst_label_uas);
  ck_assert_int_eq(nst_label_parse(NULL), nst_label_none);
  ck_assert_int_eq(nst_label_parse("both"), nst_label_invalid);
}
END_TEST

/* ---- section 7.1: what the UAC sends ---- */

START_TEST(rfc4028_7_1_initial_request_offers_interval_and_min_se)
{
  nst_hdrs_t h = nst_uac_request(&cfg, NULL);
  ck_assert_uint_eq(h.se, 1800);
  ck_assert_uint_eq(h.min_se, 90);
  ck_assert_int_eq(h.refresher, nst_label_none);   /* left to the UAS */
  ck_assert_int_eq(h.supported_timer, 1);
}
END_TEST

START_TEST(rfc4028_7_1_uac_preference_writes_only_uac)
{
  nst_hdrs_t h;
  cfg.refresher = nst_pref_uac;
  h = nst_uac_request(&cfg, NULL);
  ck_assert_int_eq(h.refresher, nst_label_uac);
  cfg.refresher = nst_pref_uas;
  h = nst_uac_request(&cfg, NULL);
  ck_assert_int_eq(h.refresher, nst_label_none);
}
END_TEST

START_TEST(rfc4028_7_1_disabled_sends_supported_only)
{
  nst_hdrs_t h;
  cfg.enabled = 0;
  h = nst_uac_request(&cfg, NULL);
  ck_assert_uint_eq(h.se, 0);
  ck_assert_uint_eq(h.min_se, 0);
  ck_assert_int_eq(h.supported_timer, 1);
}
END_TEST

/* ---- section 7.4: refresh requests ---- */

START_TEST(rfc4028_7_4_refresh_se_is_at_least_min_se)
{
  /* A UAS that answered 90 to our Min-SE 120 broke section 9; the refresh
   * asks for max(Min-SE, interval) and both ends agree again. */
  nst_outcome_t running = { 0, 90, nst_refresher_local, 120 };
  nst_hdrs_t h = nst_uac_request(&cfg, &running);
  ck_assert_uint_eq(h.se, 120);
  ck_assert_uint_eq(h.min_se, 120);
}
END_TEST

START_TEST(rfc4028_7_4_refresh_repeats_interval_and_flips_label)
{
  nst_outcome_t running = { 0, 120, nst_refresher_local, 100 };
  nst_hdrs_t h = nst_uac_request(&cfg, &running);
  ck_assert_uint_eq(h.se, 120);
  ck_assert_int_eq(h.refresher, nst_label_uac);    /* we send it: we are uac */
  ck_assert_uint_eq(h.min_se, 100);                /* the Min-SE used before */
  running.refresher = nst_refresher_remote;
  h = nst_uac_request(&cfg, &running);
  ck_assert_int_eq(h.refresher, nst_label_uas);
}
END_TEST

/* ---- section 7.2: the UAC takes the 2xx ---- */

START_TEST(rfc4028_7_2_2xx_value_and_refresher_win)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL);
  nst_hdrs_t resp = request(120, nst_label_uas, 0, 1);
  nst_outcome_t o = nst_negotiate_uac_2xx(&sent, &resp);
  ck_assert_uint_eq(o.interval, 120);
  ck_assert_int_eq(o.refresher, nst_refresher_remote);
  resp.refresher = nst_label_uac;
  o = nst_negotiate_uac_2xx(&sent, &resp);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
}
END_TEST

START_TEST(rfc4028_7_2_2xx_without_session_expires_means_no_timer)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL);
  nst_hdrs_t resp = request(0, nst_label_none, 0, 0);
  nst_outcome_t o = nst_negotiate_uac_2xx(&sent, &resp);
  ck_assert_uint_eq(o.interval, 0);
  ck_assert_int_eq(o.refresher, nst_refresher_none);
}
END_TEST

START_TEST(rfc4028_7_2_2xx_accepts_value_below_our_min_se)
{
  /* The UAC accepts the 2xx value; both sides must end with the same
   * interval (nua's own engine computes its Min-SE here). */
  nst_hdrs_t sent, resp = request(90, nst_label_uac, 0, 1);
  nst_outcome_t o;
  cfg.min_se = 120;
  cfg.session_expires = 1800;
  sent = nst_uac_request(&cfg, NULL);
  o = nst_negotiate_uac_2xx(&sent, &resp);
  ck_assert_uint_eq(o.interval, 90);
}
END_TEST

/* ---- section 9: the UAS decides ---- */

START_TEST(rfc4028_9_uas_copies_interval_and_lets_uac_refresh)
{
  nst_hdrs_t req = request(1800, nst_label_none, 90, 1);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.reject, 0);
  ck_assert_uint_eq(o.interval, 1800);
  ck_assert_int_eq(o.refresher, nst_refresher_remote);
  ck_assert_int_eq(nst_uas_requires_timer(&o), 1);
}
END_TEST

START_TEST(rfc4028_9_uas_honours_request_refresher)
{
  nst_hdrs_t req = request(300, nst_label_uas, 0, 1);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 300);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
  ck_assert_int_eq(nst_uas_requires_timer(&o), 0);
  cfg.refresher = nst_pref_uas;           /* a preference cannot override it */
  req.refresher = nst_label_uac;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.refresher, nst_refresher_remote);
}
END_TEST

START_TEST(rfc4028_9_uas_preference_applies_when_left_open)
{
  nst_hdrs_t req = request(300, nst_label_none, 0, 1);
  nst_outcome_t o;
  cfg.refresher = nst_pref_uas;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
}
END_TEST

START_TEST(rfc4028_9_uas_rejects_too_small_with_422)
{
  nst_hdrs_t req = request(60, nst_label_none, 60, 1);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.reject, 422);
  ck_assert_uint_eq(o.min_se, 90);
}
END_TEST

START_TEST(rfc4028_9_uas_may_reduce_but_not_below_min_se)
{
  nst_hdrs_t req = request(1800, nst_label_none, 600, 1);
  nst_outcome_t o;
  cfg.session_expires = 300;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 600);     /* reduced only down to Min-SE */
  req.min_se = 0;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 300);
}
END_TEST

START_TEST(rfc4028_9_uas_never_increases)
{
  nst_hdrs_t req = request(120, nst_label_none, 0, 1);
  nst_outcome_t o;
  cfg.session_expires = 3600;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 120);
}
END_TEST

START_TEST(rfc4028_9_min_se_only_request_raises_interval)
{
  nst_hdrs_t req = request(0, nst_label_none, 2000, 1);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.reject, 0);
  ck_assert_uint_eq(o.interval, 2000);
}
END_TEST

START_TEST(rfc4028_9_uac_without_timer_support_uas_refreshes)
{
  nst_hdrs_t req = request(0, nst_label_none, 0, 0);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 1800);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
  ck_assert_int_eq(nst_uas_requires_timer(&o), 0);
}
END_TEST

START_TEST(rfc4028_9_erratum_1687_small_se_without_supported_is_raised)
{
  nst_hdrs_t req = request(60, nst_label_none, 0, 0);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.reject, 0);              /* 422 would fail the call */
  ck_assert_uint_eq(o.interval, 90);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
}
END_TEST

START_TEST(rfc4028_9_disabled_uas_runs_no_timer)
{
  nst_hdrs_t req = request(1800, nst_label_uac, 90, 1);
  nst_outcome_t o;
  cfg.enabled = 0;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 0);
  ck_assert_int_eq(o.reject, 0);
}
END_TEST

START_TEST(rfc4028_9_refresh_without_label_keeps_refresher)
{
  nst_outcome_t running = { 0, 300, nst_refresher_local, 90 };
  nst_hdrs_t req = request(300, nst_label_none, 90, 1);
  nst_outcome_t o = nst_negotiate_uas(&cfg, &req, &running);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
}
END_TEST

/* ---- section 10: when things happen ---- */

START_TEST(rfc4028_10_refresh_at_half_interval)
{
  ck_assert_uint_eq(nst_refresh_delay_ms(1800), 900000);
  ck_assert_uint_eq(nst_refresh_delay_ms(90), 45000);
  ck_assert_uint_eq(nst_refresh_delay_ms(91), 45500);
}
END_TEST

START_TEST(rfc4028_10_expiry_is_interval_minus_min_32_third)
{
  ck_assert_uint_eq(nst_expiry_delay_ms(90), 60000);      /* 90 - 30 */
  ck_assert_uint_eq(nst_expiry_delay_ms(96), 64000);      /* 96 - 32 */
  ck_assert_uint_eq(nst_expiry_delay_ms(120), 88000);     /* 120 - 32 */
  ck_assert_uint_eq(nst_expiry_delay_ms(1800), 1768000);  /* 1800 - 32 */
  ck_assert_uint_eq(nst_expiry_delay_ms(91), 60667);      /* 91 - 30.333 */
}
END_TEST

/* ---- section 7.3 (422) ---- */

START_TEST(rfc4028_7_3_422_raises_se_and_min_se)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL), next;
  ck_assert_int_eq(nst_uac_after_422(&sent, 2000, 0, &next), 1);
  ck_assert_uint_eq(next.se, 2000);
  ck_assert_uint_eq(next.min_se, 2000);
  ck_assert_int_eq(next.supported_timer, 1);
}
END_TEST

START_TEST(rfc4028_7_3_422_without_larger_min_se_gives_up)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL), next;
  ck_assert_int_eq(nst_uac_after_422(&sent, 0, 0, &next), 0);      /* no Min-SE */
  ck_assert_int_eq(nst_uac_after_422(&sent, 1800, 0, &next), 0);   /* not larger */
  ck_assert_int_eq(nst_uac_after_422(&sent, 90, 0, &next), 0);     /* smaller */
}
END_TEST

START_TEST(rfc4028_7_3_422_retries_are_bounded)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL), next;
  ck_assert_int_eq(nst_uac_after_422(&sent, 2000, NST_MAX_422_RETRIES - 1, &next), 1);
  ck_assert_int_eq(nst_uac_after_422(&sent, 2000, NST_MAX_422_RETRIES, &next), 0);
}
END_TEST

/* ---- section 10: refresh failures ---- */

START_TEST(rfc4028_10_failure_actions)
{
  ck_assert_int_eq(nst_refresh_failure_action(408, nst_method_update), nst_fail_end_call);
  ck_assert_int_eq(nst_refresh_failure_action(481, nst_method_invite), nst_fail_end_call);
  ck_assert_int_eq(nst_refresh_failure_action(491, nst_method_invite), nst_fail_retry_glare);
  ck_assert_int_eq(nst_refresh_failure_action(422, nst_method_update), nst_fail_raise_interval);
  ck_assert_int_eq(nst_refresh_failure_action(405, nst_method_update), nst_fail_use_reinvite);
  ck_assert_int_eq(nst_refresh_failure_action(501, nst_method_update), nst_fail_use_reinvite);
  ck_assert_int_eq(nst_refresh_failure_action(501, nst_method_invite), nst_fail_retry_later);
  ck_assert_int_eq(nst_refresh_failure_action(488, nst_method_invite), nst_fail_retry_later);
  ck_assert_int_eq(nst_refresh_failure_action(500, nst_method_update), nst_fail_retry_later);
  ck_assert_int_eq(nst_refresh_failure_action(503, nst_method_update), nst_fail_retry_later);
}
END_TEST

START_TEST(rfc3261_14_1_glare_delays)
{
  ck_assert_uint_eq(nst_glare_delay_ms(1, 0.0), 2100);
  ck_assert_uint_le(nst_glare_delay_ms(1, 0.999999), 4000);
  ck_assert_uint_ge(nst_glare_delay_ms(1, 0.999999), 3990);
  ck_assert_uint_eq(nst_glare_delay_ms(0, 0.0), 0);
  ck_assert_uint_le(nst_glare_delay_ms(0, 0.999999), 2000);
  ck_assert_uint_ge(nst_glare_delay_ms(0, 0.999999), 1990);
  ck_assert_uint_eq(nst_glare_delay_ms(1, 5.0), 2100);   /* out of range */
}
END_TEST

START_TEST(rfc4028_10_retry_after_failure_halves_what_remains)
{
  /* 90 s: the peer gives up at 60 s. Failed at 45 s: again at 52.5 s. */
  ck_assert_int_eq(nst_refresh_retry_delay_ms(90, 45000), 7500);
  ck_assert_int_eq(nst_refresh_retry_delay_ms(90, 52500), 3750);
  ck_assert_int_eq(nst_refresh_retry_delay_ms(90, 56250), 2000);  /* floor */
  ck_assert_int_eq(nst_refresh_retry_delay_ms(90, 58250), -1);    /* too late */
  ck_assert_int_eq(nst_refresh_retry_delay_ms(90, 61000), -1);
  /* 1800 s: the peer gives up at 1768 s. */
  ck_assert_int_eq(nst_refresh_retry_delay_ms(1800, 900000), 434000);
}
END_TEST

/* ---- policy for peers without timer support ---- */

START_TEST(policy_no_timer_uas_runs_none_with_such_a_peer)
{
  nst_hdrs_t req = request(0, nst_label_none, 0, 0);
  nst_outcome_t o;
  cfg.peer_policy = nst_peer_no_timer;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 0);
  ck_assert_int_eq(o.reject, 0);
  req.supported_timer = 1;                 /* a peer with timer: as usual */
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_uint_eq(o.interval, 1800);
}
END_TEST

START_TEST(policy_require_uas_answers_421_and_uac_requires)
{
  nst_hdrs_t req = request(1800, nst_label_none, 0, 0), h;
  nst_outcome_t o;
  cfg.peer_policy = nst_peer_require;
  o = nst_negotiate_uas(&cfg, &req, NULL);
  ck_assert_int_eq(o.reject, 421);
  h = nst_uac_request(&cfg, NULL);
  ck_assert_int_eq(h.require_timer, 1);
  ck_assert_int_eq(h.supported_timer, 1);
  cfg.peer_policy = nst_peer_default;
  h = nst_uac_request(&cfg, NULL);
  ck_assert_int_eq(h.require_timer, 0);
}
END_TEST

START_TEST(policy_refresh_uac_refreshes_after_2xx_without_se)
{
  nst_hdrs_t sent = nst_uac_request(&cfg, NULL);
  nst_hdrs_t resp = request(0, nst_label_none, 0, 0);
  nst_outcome_t o = nst_negotiate_uac_2xx(&sent, &resp);
  o = nst_uac_policy(&cfg, &sent, &o);
  ck_assert_uint_eq(o.interval, 0);                   /* default: 7.2 */
  cfg.peer_policy = nst_peer_refresh;
  o = nst_uac_policy(&cfg, &sent, &o);
  ck_assert_uint_eq(o.interval, 1800);
  ck_assert_int_eq(o.refresher, nst_refresher_local);
}
END_TEST

START_TEST(policy_out_of_range_is_refused)
{
  cfg.peer_policy = 4;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), -1);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Beyond RFC 4028: the expiry warning and the application's lifetime */

START_TEST(expiry_warning_comes_before_the_end_or_at_once)
{
  ck_assert_int_eq(nst_warning_delay_ms(60000, 10), 50000);
  ck_assert_int_eq(nst_warning_delay_ms(90000, 15), 75000);
  ck_assert_int_eq(nst_warning_delay_ms(5000, 10), 0);   /* shorter: now */
  ck_assert_int_eq(nst_warning_delay_ms(10000, 10), 0);
  ck_assert_int_eq(nst_warning_delay_ms(60000, 0), -1);  /* off */
  ck_assert_int_eq(nst_warning_delay_ms(0, 0), -1);
}
END_TEST

START_TEST(expiry_warning_must_fit_the_shortest_session)
{
  ck_assert_uint_eq(cfg.expiry_warning, 10);   /* the default */
  cfg.expiry_warning = 59;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), 0);
  cfg.expiry_warning = 60;   /* Min-SE 90: unrefreshed, it lasts 60 s */
  ck_assert_int_eq(nst_config_check(&cfg, NULL), -1);
  cfg.min_se = cfg.session_expires = 300;      /* lasts 268 s */
  ck_assert_int_eq(nst_config_check(&cfg, NULL), 0);
  cfg.expiry_warning = 268;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), -1);
  cfg.expiry_warning = 0;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), 0);
}
END_TEST

START_TEST(lifetime_granted_as_asked_without_maximum)
{
  unsigned granted = 1;

  ck_assert_int_eq(nst_lifetime_grant(3600, 0, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 3600);
  ck_assert_int_eq(nst_lifetime_grant(0, 0, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 0);              /* no limit */
  ck_assert_int_eq(nst_lifetime_grant(UINT32_MAX, 0, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, UINT32_MAX);
}
END_TEST

START_TEST(lifetime_lowered_to_maximum)
{
  unsigned granted = 1;

  ck_assert_int_eq(nst_lifetime_grant(600, 600, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 600);
  ck_assert_int_eq(nst_lifetime_grant(599, 600, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 599);
  ck_assert_int_eq(nst_lifetime_grant(601, 600, &granted), nst_lifetime_lowered);
  ck_assert_uint_eq(granted, 600);
  ck_assert_int_eq(nst_lifetime_grant(0, 600, &granted), nst_lifetime_lowered);
  ck_assert_uint_eq(granted, 600);            /* "no limit" is above any */
}
END_TEST

START_TEST(refresh_batch_aligns_down_to_the_grid)
{
  /* Not batched: as it is. */
  ck_assert_uint_eq(nst_batched_delay_ms(123456, 45000, 0), 45000);
  /* Due at 168456: the 1000 ms grid slot starts at 168000. */
  ck_assert_uint_eq(nst_batched_delay_ms(123456, 45000, 1000), 44544);
  /* Already on the grid: not moved. */
  ck_assert_uint_eq(nst_batched_delay_ms(100000, 45000, 5000), 45000);
  /* Never before now, never after the due time, at most a slot early. */
  ck_assert_uint_eq(nst_batched_delay_ms(1999, 500, 1000), 1);
  ck_assert_uint_eq(nst_batched_delay_ms(1001, 500, 1000), 0);
  {
    uint64_t now, d;
    for (now = 0; now < 5000; now += 37) {
      d = nst_batched_delay_ms(now, 45000, 250);
      ck_assert_uint_le(d, 45000);
      ck_assert_uint_gt(d + 250, 45000);
      ck_assert_uint_eq((now + d) % 250, 0);
    }
  }
}
END_TEST

START_TEST(refresh_batch_must_be_shorter_than_half_min_se)
{
  ck_assert_uint_eq(cfg.refresh_batch, 0);
  cfg.refresh_batch = 44999;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), 0);
  cfg.refresh_batch = 45000;
  ck_assert_int_eq(nst_config_check(&cfg, NULL), -1);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The table of a call's moves (src/nst_states.c, doc/call-states.md) */

START_TEST(states_every_row_once_and_named)
{
  nst_transition_t const *a, *b;
  unsigned i, j;

  for (i = 0; (a = nst_transition_at(i)) != NULL; i++) {
    ck_assert_int_lt(a->from, nst_cs_gone);          /* nothing leaves "gone" */
    ck_assert_int_lt(a->to, nst_cs_count);
    ck_assert_int_lt(a->event, nst_ce_count);
    ck_assert_str_ne(nst_call_state_name(a->from), "unknown");
    ck_assert_str_ne(nst_call_event_name(a->event), "unknown");
    ck_assert(nst_transition_is_listed(a->from, a->event, a->to));
    for (j = i + 1; (b = nst_transition_at(j)) != NULL; j++)
      /* One event moves a state to one place: the table is a function. */
      ck_assert_msg(!(a->from == b->from && a->event == b->event),
                    "%s --%s--> twice", nst_call_state_name(a->from),
                    nst_call_event_name(a->event));
  }
  ck_assert_uint_gt(i, 0);
  ck_assert(!nst_transition_is_listed(nst_cs_gone, nst_ce_2xx, nst_cs_session));
  ck_assert(!nst_transition_is_listed(nst_cs_refused, nst_ce_app_2xx, nst_cs_session));
}
END_TEST

/* Every state but "gone" is reached from "new", and every one can end:
 * no call is stuck in a state the table cannot leave. */
START_TEST(states_all_reachable_and_all_end)
{
  int reach[nst_cs_count] = { 0 }, ends[nst_cs_count] = { 0 }, changed = 1;
  nst_transition_t const *t;
  unsigned i, s;

  reach[nst_cs_new] = ends[nst_cs_gone] = 1;
  while (changed) {
    changed = 0;
    for (i = 0; (t = nst_transition_at(i)) != NULL; i++) {
      if (reach[t->from] && !reach[t->to])
        reach[t->to] = changed = 1;
      if (ends[t->to] && !ends[t->from])
        ends[t->from] = changed = 1;
    }
  }
  for (s = 0; s < nst_cs_count; s++) {
    ck_assert_msg(reach[s], "%s is never reached", nst_call_state_name(s));
    ck_assert_msg(ends[s], "%s never ends", nst_call_state_name(s));
  }
  /* Whatever the state, the application may destroy the handle, except
   * in "refused", a call it never saw. */
  for (s = 0; s < nst_cs_gone; s++)
    ck_assert_int_eq(nst_transition_is_listed(s, nst_ce_destroyed, nst_cs_gone),
                     s != nst_cs_refused);
}
END_TEST

static Suite *core_suite(void)
{
  Suite *s = suite_create("nst negotiation core");
  TCase *tc;

  tc = tcase_create("4 defaults");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, rfc4028_4_defaults_are_1800_and_90);
  tcase_add_test(tc, rfc4028_5_min_se_below_90_is_refused);
  tcase_add_test(tc, config_interval_below_min_se_is_refused);
  tcase_add_test(tc, labels_translate_per_transaction);
  suite_add_tcase(s, tc);

  tc = tcase_create("7 UAC");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, rfc4028_7_1_initial_request_offers_interval_and_min_se);
  tcase_add_test(tc, rfc4028_7_1_uac_preference_writes_only_uac);
  tcase_add_test(tc, rfc4028_7_1_disabled_sends_supported_only);
  tcase_add_test(tc, rfc4028_7_4_refresh_repeats_interval_and_flips_label);
  tcase_add_test(tc, rfc4028_7_4_refresh_se_is_at_least_min_se);
  tcase_add_test(tc, rfc4028_7_2_2xx_value_and_refresher_win);
  tcase_add_test(tc, rfc4028_7_2_2xx_without_session_expires_means_no_timer);
  tcase_add_test(tc, rfc4028_7_2_2xx_accepts_value_below_our_min_se);
  suite_add_tcase(s, tc);

  tc = tcase_create("9 UAS");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, rfc4028_9_uas_copies_interval_and_lets_uac_refresh);
  tcase_add_test(tc, rfc4028_9_uas_honours_request_refresher);
  tcase_add_test(tc, rfc4028_9_uas_preference_applies_when_left_open);
  tcase_add_test(tc, rfc4028_9_uas_rejects_too_small_with_422);
  tcase_add_test(tc, rfc4028_9_uas_may_reduce_but_not_below_min_se);
  tcase_add_test(tc, rfc4028_9_uas_never_increases);
  tcase_add_test(tc, rfc4028_9_min_se_only_request_raises_interval);
  tcase_add_test(tc, rfc4028_9_uac_without_timer_support_uas_refreshes);
  tcase_add_test(tc, rfc4028_9_erratum_1687_small_se_without_supported_is_raised);
  tcase_add_test(tc, rfc4028_9_disabled_uas_runs_no_timer);
  tcase_add_test(tc, rfc4028_9_refresh_without_label_keeps_refresher);
  suite_add_tcase(s, tc);

  tc = tcase_create("7.3 422");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, rfc4028_7_3_422_raises_se_and_min_se);
  tcase_add_test(tc, rfc4028_7_3_422_without_larger_min_se_gives_up);
  tcase_add_test(tc, rfc4028_7_3_422_retries_are_bounded);
  suite_add_tcase(s, tc);

  tc = tcase_create("10 failures");
  tcase_add_test(tc, rfc4028_10_failure_actions);
  tcase_add_test(tc, rfc3261_14_1_glare_delays);
  tcase_add_test(tc, rfc4028_10_retry_after_failure_halves_what_remains);
  suite_add_tcase(s, tc);

  tc = tcase_create("peers without timer");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, policy_no_timer_uas_runs_none_with_such_a_peer);
  tcase_add_test(tc, policy_require_uas_answers_421_and_uac_requires);
  tcase_add_test(tc, policy_refresh_uac_refreshes_after_2xx_without_se);
  tcase_add_test(tc, policy_out_of_range_is_refused);
  suite_add_tcase(s, tc);

  tc = tcase_create("application");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, expiry_warning_comes_before_the_end_or_at_once);
  tcase_add_test(tc, expiry_warning_must_fit_the_shortest_session);
  tcase_add_test(tc, lifetime_granted_as_asked_without_maximum);
  tcase_add_test(tc, lifetime_lowered_to_maximum);
  tcase_add_test(tc, refresh_batch_aligns_down_to_the_grid);
  tcase_add_test(tc, refresh_batch_must_be_shorter_than_half_min_se);
  suite_add_tcase(s, tc);

  tc = tcase_create("10 timing");
  tcase_add_test(tc, rfc4028_10_refresh_at_half_interval);
  tcase_add_test(tc, rfc4028_10_expiry_is_interval_minus_min_32_third);
  suite_add_tcase(s, tc);

  tc = tcase_create("call states");
  tcase_add_test(tc, states_every_row_once_and_named);
  tcase_add_test(tc, states_all_reachable_and_all_end);
  suite_add_tcase(s, tc);

  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(core_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
