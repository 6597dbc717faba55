/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - libFuzzer targets over the header interpretation (nst_parser.c) and
 * the negotiation core (nst_core.c).
 *
 * Built twice (see tests/fuzz/fuzz.mk and tests/fuzz/README):
 *
 *   fuzz_nst_msg   the input is a whole SIP message (request or response)
 *   fuzz_nst_hdrs  the input is a few '\n'-separated lines: template flags,
 *                  the Session-Expires, Min-SE, Supported and Require values
 *                  and config bytes; a fixed message template is filled in
 *                  (compiled with -DNST_FUZZ_HDRS)
 *
 * Either way the message is parsed with nst's mclass, read with
 * nst_read_hdrs(), and the headers drive the core in every role: UAS (many
 * valid configs, with and without a running session), UAC receiving a 2xx
 * to what nst_uac_request() sends, UAC receiving a 422, the timers, refresh
 * failures. Every RFC 4028 invariant that breaks calls abort() after
 * printing what broke (see README for the list, ids in CHECK() below).
 *
 * Set NST_FUZZ_STRICT=1 in the environment to also check the "strict"
 * invariants: properties nst does not promise today (the UAC takes a 2xx's
 * interval as it is, even below its own Min-SE), reported separately.
 */
#include "config.h"

#include "nst_parser.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_extra.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Reporting */

static char const *fz_phase = "";
static int fz_strict;
static int fz_debug;   /* NST_FUZZ_DEBUG=1: print what each input reads as */

static void fz_fail(char const *id, char const *expr, char const *file, int line)
{
  fprintf(stderr, "\nnst-fuzz: INVARIANT %s BROKEN: %s\n  at %s:%d (phase: %s)\n",
          id, expr, file, line, fz_phase);
  abort();
}

#define CHECK(id, e) ((e) ? (void)0 : fz_fail((id), #e, __FILE__, __LINE__))
#define STRICT(id, e) ((!fz_strict || (e)) ? (void)0 : fz_fail((id), #e, __FILE__, __LINE__))

static void dump_hdrs(char const *what, nst_hdrs_t const *h)
{
  fprintf(stderr, "  %s: se=%u refresher=%d min_se=%u supported=%d require=%d\n",
          what, h->se, (int)h->refresher, h->min_se, h->supported_timer,
          h->require_timer);
}

static void dump_cfg(nst_config_t const *c)
{
  fprintf(stderr, "  config: enabled=%d se=%u min_se=%u refresher=%d\n",
          c->enabled, c->session_expires, c->min_se, c->refresher);
}

static void dump_outcome(char const *what, nst_outcome_t const *o)
{
  fprintf(stderr, "  %s: reject=%d interval=%u refresher=%d min_se=%u\n",
          what, o->reject, o->interval, (int)o->refresher, o->min_se);
}

/* ---------------------------------------------------------------------- */
/* Parser set-up (once) */

static msg_mclass_t *fz_mclass;
static nst_parser_t fz_parser;

static void fz_init(void)
{
  char const *s;

  if (fz_mclass)
    return;
  memset(&fz_parser, 0, sizeof fz_parser);
  if (nst_parser_init(&fz_parser) < 0) {
    fprintf(stderr, "nst-fuzz: nst_parser_init() failed\n");
    abort();
  }
  fz_mclass = fz_parser.np_mclass;
  /* The slots lie after sip_t, inside the message object. */
  if (fz_parser.np_se_offset < sizeof(sip_t) || fz_parser.np_min_se_offset < sizeof(sip_t) ||
      fz_parser.np_se_offset == fz_parser.np_min_se_offset ||
      fz_parser.np_se_offset + sizeof(void *) > (size_t)fz_mclass->mc_msize ||
      fz_parser.np_min_se_offset + sizeof(void *) > (size_t)fz_mclass->mc_msize) {
    fprintf(stderr, "nst-fuzz: bad slot offsets %u %u (sip_t %zu, msize %d)\n",
            fz_parser.np_se_offset, fz_parser.np_min_se_offset, sizeof(sip_t),
            (int)fz_mclass->mc_msize);
    abort();
  }
  /* L2 (exhaustive, once): labels and refreshers map onto each other from
   * both ends of a transaction. */
  {
    int who, uac;
    fz_phase = "labels";
    for (uac = 0; uac < 2; uac++) {
      for (who = nst_refresher_none; who <= nst_refresher_remote; who++) {
        nst_label_t l = nst_label_for((nst_refresher_t)who, uac);
        CHECK("L2", nst_refresher_for(l, uac) == who);
        CHECK("L2", (l == nst_label_none) == (who == nst_refresher_none));
        /* The peer, in the other role, reads the same label the other way. */
        if (who != nst_refresher_none)
          CHECK("L2", nst_refresher_for(l, !uac) != who);
      }
      CHECK("L2", nst_refresher_for(nst_label_none, uac) == nst_refresher_none);
      CHECK("L2", nst_refresher_for(nst_label_invalid, uac) == nst_refresher_none);
    }
  }
  s = getenv("NST_FUZZ_STRICT");
  fz_strict = s && *s && strcmp(s, "0") != 0;
  s = getenv("NST_FUZZ_DEBUG");
  fz_debug = s && *s && strcmp(s, "0") != 0;
}

static msg_t *fz_parse(msg_mclass_t const *mc, void const *data, size_t len)
{
  if (len == 0)
    return NULL;
  return msg_make(mc, 0, data, (ssize_t)len);
}

/* ---------------------------------------------------------------------- */
/* Small helpers */

static uint32_t rd32(uint8_t const *p, size_t n, size_t at)
{
  uint32_t v = 0;
  size_t i;

  for (i = 0; i < 4; i++)
    v = (v << 8) | (at + i < n ? p[at + i] : 0);
  return v;
}

static uint64_t fnv1a(uint8_t const *p, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  size_t i;

  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static unsigned sat_add(unsigned a, unsigned b)
{
  return a > UINT_MAX - b ? UINT_MAX : a + b;
}

static int hdrs_eq(nst_hdrs_t const *a, nst_hdrs_t const *b)
{
  return a->se == b->se && a->refresher == b->refresher && a->min_se == b->min_se &&
         a->supported_timer == b->supported_timer && a->require_timer == b->require_timer;
}

static int outcome_eq(nst_outcome_t const *a, nst_outcome_t const *b)
{
  return a->reject == b->reject && a->interval == b->interval &&
         a->refresher == b->refresher && a->min_se == b->min_se;
}

/* Interesting values for configs and intervals. */
static unsigned const fz_values[] = {
  0, 1, 2, 31, 32, 33, 64, 65, 89, 90, 91, 96, 97, 100, 120, 1799, 1800, 1801,
  3600, 86400, 2147483647u, 2147483648u, 4294967294u, 4294967295u
};
#define N_VALUES (sizeof fz_values / sizeof fz_values[0])

/* A valid config from 8 bytes: Min-SE >= 90, Session-Expires >= Min-SE. */
static void cfg_from_bytes(nst_config_t *c, uint8_t const *p, size_t n)
{
  uint32_t a = rd32(p, n, 0), b = rd32(p, n, 4);
  unsigned min_se, extra;

  nst_config_default(c);
  c->enabled = (a & 0x7) != 0;              /* mostly on */
  c->refresher = (int)((a >> 3) % 3);
  switch ((a >> 5) & 3) {
  case 0: min_se = fz_values[(a >> 8) % N_VALUES]; break;
  case 1: min_se = 90 + ((a >> 8) & 0xffff); break;
  case 2: min_se = a >> 8; break;
  default: min_se = b; break;
  }
  if (min_se < NST_MIN_SE_FLOOR)
    min_se = NST_MIN_SE_FLOOR;
  switch ((b >> 28) & 3) {
  case 0: extra = 0; break;
  case 1: extra = b & 0xff; break;
  case 2: extra = fz_values[b % N_VALUES]; break;
  default: extra = b; break;
  }
  c->min_se = min_se;
  c->session_expires = sat_add(min_se, extra);
}

/* ---------------------------------------------------------------------- */
/* Invariants */

static void check_config(nst_config_t const *c)
{
  nst_config_t bad;
  char const *why = "x";

  fz_phase = "config";
  CHECK("C1", nst_config_check(c, &why) == 0 && why == NULL);
  CHECK("C1", nst_config_check(c, NULL) == 0);

  bad = *c; bad.min_se = NST_MIN_SE_FLOOR - 1 - (c->min_se % NST_MIN_SE_FLOOR);
  CHECK("C2", nst_config_check(&bad, &why) < 0 && why != NULL);
  if (c->min_se > 0) {
    bad = *c; bad.session_expires = c->min_se - 1;
    CHECK("C2", nst_config_check(&bad, &why) < 0 && why != NULL);
  }
  bad = *c; bad.refresher = 3 + (int)(c->min_se & 0xff);
  CHECK("C2", nst_config_check(&bad, &why) < 0 && why != NULL);
  bad = *c; bad.refresher = -1;
  CHECK("C2", nst_config_check(&bad, &why) < 0 && why != NULL);
}

static void check_timers(unsigned interval, uint64_t extra_elapsed)
{
  uint64_t refresh = nst_refresh_delay_ms(interval);
  uint64_t expiry = nst_expiry_delay_ms(interval);
  uint64_t full = (uint64_t)interval * 1000u;
  uint64_t elapsed[8];
  int64_t r;
  unsigned i, steps;

  fz_phase = "timers";
  if (interval == 0) {
    CHECK("T3", refresh == 0 && expiry == 0);
    CHECK("T3", nst_refresh_retry_delay_ms(0, 0) == -1);
    return;
  }
  CHECK("T1", refresh == (uint64_t)interval * 500u);
  CHECK("T1", 0 < refresh && refresh < expiry && expiry <= full);
  CHECK("T1", expiry + 32000u >= full);          /* margin at most 32 s */
  CHECK("T1", expiry * 3 >= full * 2);           /* margin at most a third */

  elapsed[0] = 0;
  elapsed[1] = refresh;
  elapsed[2] = expiry - 1;
  elapsed[3] = expiry;
  elapsed[4] = expiry > NST_MIN_RETRY_MS ? expiry - NST_MIN_RETRY_MS : 0;
  elapsed[5] = UINT64_MAX;
  elapsed[6] = extra_elapsed;
  elapsed[7] = extra_elapsed % (expiry + 1);
  for (i = 0; i < 8; i++) {
    r = nst_refresh_retry_delay_ms(interval, elapsed[i]);
    CHECK("T2", r == -1 || r >= (int64_t)NST_MIN_RETRY_MS);
    if (elapsed[i] >= expiry)
      CHECK("T2", r == -1);
    if (r >= 0)
      CHECK("T2", elapsed[i] + (uint64_t)r < expiry);
  }

  /* Retrying from the refresh point on: every try before expiry, a finite
   * (logarithmic) number of them. */
  {
    uint64_t t = elapsed[7];
    for (steps = 0; steps < 200; steps++) {
      r = nst_refresh_retry_delay_ms(interval, t);
      if (r < 0)
        break;
      t += (uint64_t)r;
      CHECK("T2", t < expiry);
    }
    CHECK("T4", steps < 200);
  }

  /* The expiry warning and the application's lifetime (issue 4). */
  {
    unsigned w = (unsigned)(extra_elapsed >> 32), granted = 1, max = (unsigned)extra_elapsed;
    int64_t warn = nst_warning_delay_ms(expiry, w);
    nst_lifetime_t got = nst_lifetime_grant(interval, max, &granted);

    CHECK("W1", w == 0 ? warn == -1 : (warn >= 0 && (uint64_t)warn <= expiry));
    CHECK("W1", w == 0 || (uint64_t)warn + (uint64_t)w * 1000u >= expiry);
    CHECK("L1", got == nst_lifetime_granted || got == nst_lifetime_lowered);
    CHECK("L1", got == nst_lifetime_granted ? granted == interval : granted == max);
    CHECK("L1", max == 0 || (granted != 0 && granted <= max));
  }

  /* Refreshes on a grid: never late, at most one slot early, on the grid. */
  {
    unsigned batch = (unsigned)(extra_elapsed % 45000u);
    uint64_t now = extra_elapsed >> 20;
    uint64_t d = nst_batched_delay_ms(now, refresh, batch);

    CHECK("B1", d <= refresh);
    CHECK("B1", batch == 0 ? d == refresh : (d + batch > refresh || d == 0));
    CHECK("B1", batch == 0 || d == 0 || (now + d) % batch == 0);
  }
}

static void check_label(char const *value)
{
  nst_label_t l = nst_label_parse(value);
  char const *name = nst_label_name(l);

  fz_phase = "label";
  CHECK("L1", (int)l >= nst_label_none && l <= nst_label_invalid);
  CHECK("L1", value != NULL || l == nst_label_none);
  if (l == nst_label_uac || l == nst_label_uas)
    CHECK("L1", name != NULL && nst_label_parse(name) == l);
  else
    CHECK("L1", name == NULL);
  if (value && l == nst_label_invalid)
    CHECK("L1", strlen(value) != 3 || (strcasecmp(value, "uac") && strcasecmp(value, "uas")));
}

/* UAS: one request, one config, one (maybe empty) running session. */
static nst_outcome_t check_uas(nst_config_t const *cfg, nst_hdrs_t const *rq,
                               nst_outcome_t const *cur)
{
  nst_outcome_t o = nst_negotiate_uas(cfg, rq, cur), o2;
  int broken = 0;

  fz_phase = "uas";
  o2 = nst_negotiate_uas(cfg, rq, cur);
  if (!outcome_eq(&o, &o2))
    broken = 1;

#define UCHECK(id, e) do { if (!(e)) { dump_cfg(cfg); dump_hdrs("request", rq); \
    if (cur) dump_outcome("current", cur); dump_outcome("outcome", &o); \
    fz_fail((id), #e, __FILE__, __LINE__); } } while (0)

  UCHECK("U14", !broken);
  UCHECK("U1", o.reject == 0 || o.reject == 422);
  UCHECK("U7", (o.interval == 0) == (o.refresher == nst_refresher_none));
  UCHECK("U7", o.refresher == nst_refresher_none || o.refresher == nst_refresher_local ||
               o.refresher == nst_refresher_remote);
  UCHECK("U10", nst_uas_requires_timer(&o) ==
                (o.interval != 0 && o.refresher == nst_refresher_remote));

  if (!cfg->enabled) {
    UCHECK("U13", o.reject == 0 && o.interval == 0);
    return o;
  }

  UCHECK("U11", o.min_se >= NST_MIN_SE_FLOOR && o.min_se >= cfg->min_se);

  if (o.reject) {
    UCHECK("U2", o.interval == 0);
    UCHECK("U2", rq->se != 0 && rq->supported_timer);
    UCHECK("U2", rq->se < o.min_se);       /* the retry at Min-SE is larger */
    return o;
  }
  /* Section 9: too small and the UAC understands 422: reject. */
  UCHECK("U2b", !(rq->supported_timer && rq->se != 0 && rq->se < cfg->min_se));

  if (o.interval) {
    UCHECK("U4", o.interval >= NST_MIN_SE_FLOOR && o.interval >= cfg->min_se);
    /* Never increase the request's value (only raised, to the floor, for a
     * UAC that cannot understand 422, erratum 1687). */
    if (rq->se && (rq->supported_timer || rq->se >= o.min_se))
      UCHECK("U5", o.interval <= rq->se);
    if (rq->se && rq->se < o.interval)
      UCHECK("U5", !rq->supported_timer && o.interval == o.min_se);
    /* Never below the request's Min-SE, unless the request contradicts
     * itself (Session-Expires below its own Min-SE: it cannot grow). */
    if (rq->se == 0 || rq->se >= rq->min_se) {
      UCHECK("U6", o.interval >= rq->min_se);
      UCHECK("U11", o.min_se <= o.interval);
    }
    /* Section 9: a UAC without "timer" cannot refresh. */
    if (!rq->supported_timer) {
      UCHECK("U8", o.refresher == nst_refresher_local);
      UCHECK("U8", !nst_uas_requires_timer(&o));
    }
    /* Section 9: a refresher parameter in the request is copied. */
    if (rq->supported_timer &&
        (rq->refresher == nst_label_uac || rq->refresher == nst_label_uas))
      UCHECK("U9", o.refresher == nst_refresher_for(rq->refresher, 0));
    /* A refresh without refresher parameter keeps the refresher. */
    if (rq->supported_timer && rq->refresher != nst_label_uac &&
        rq->refresher != nst_label_uas && cur && cur->interval &&
        cur->refresher != nst_refresher_none)
      UCHECK("U12", o.refresher == cur->refresher);
  }
#undef UCHECK
  return o;
}

/* UAC: what we send, then a 2xx carrying @a resp. */
static nst_outcome_t check_uac_2xx(nst_config_t const *cfg, nst_outcome_t const *cur,
                                   nst_hdrs_t const *resp, nst_hdrs_t *sent_out)
{
  nst_hdrs_t sent = nst_uac_request(cfg, cur);
  nst_outcome_t o;

#define RCHECK(id, e) do { if (!(e)) { dump_cfg(cfg); if (cur) dump_outcome("current", cur); \
    dump_hdrs("sent", &sent); dump_hdrs("response", resp); dump_outcome("outcome", &o); \
    fz_fail((id), #e, __FILE__, __LINE__); } } while (0)
#define RSTRICT(id, e) do { if (fz_strict) RCHECK(id, e); } while (0)

  memset(&o, 0, sizeof o);
  fz_phase = "uac_request";
  RCHECK("R1", sent.supported_timer == 1);
  RCHECK("R1", sent.refresher == nst_label_none || sent.refresher == nst_label_uac ||
               sent.refresher == nst_label_uas);
  if (cur && cur->interval) {
    /* Section 7.4: a refresh (even with timers off here: the running
     * session binds us, section 7.2) repeats the running interval and
     * refresher, and carries a Min-SE at least the one used so far; it
     * never contradicts itself (Session-Expires below its own Min-SE). */
    RCHECK("R3", sent.refresher == nst_label_for(cur->refresher, 1));
    RCHECK("R3", sent.min_se >= NST_MIN_SE_FLOOR && sent.min_se >= cur->min_se);
    RCHECK("R3", sent.se >= sent.min_se && sent.se >= cur->interval);
    if (cur->interval >= sent.min_se)
      RCHECK("R3", sent.se == cur->interval);
  }
  else if (!cfg->enabled)
    RCHECK("R1", sent.se == 0 && sent.min_se == 0 && sent.refresher == nst_label_none);
  else {
    RCHECK("R2", sent.se == cfg->session_expires && sent.min_se == cfg->min_se);
    RCHECK("R2", sent.se >= sent.min_se && sent.min_se >= NST_MIN_SE_FLOOR);
    RCHECK("R2", sent.refresher == (cfg->refresher == nst_pref_uac ? nst_label_uac
                                                                    : nst_label_none));
  }

  fz_phase = "uac_2xx";
  o = nst_negotiate_uac_2xx(&sent, resp);
  RCHECK("X0", o.reject == 0);
  RCHECK("X1", (o.interval == 0) == (o.refresher == nst_refresher_none));
  if (resp->se == 0)
    RCHECK("X1", o.interval == 0);
  else {
    /* The 2xx's value, but never below the floor of section 4. */
    RCHECK("X2", o.interval >= NST_MIN_SE_FLOOR && o.interval >= resp->se);
    RCHECK("X2", o.interval == (resp->se > NST_MIN_SE_FLOOR ? resp->se : NST_MIN_SE_FLOOR));
    if (resp->refresher == nst_label_uac || resp->refresher == nst_label_uas)
      RCHECK("X2", o.refresher == nst_refresher_for(resp->refresher, 1));
    else if (sent.refresher == nst_label_uac || sent.refresher == nst_label_uas)
      RCHECK("X2", o.refresher == nst_refresher_for(sent.refresher, 1));
    else
      RCHECK("X2", o.refresher == nst_refresher_local);
    /* Strict: the UAS must not answer below our Min-SE nor above what we
     * offered (section 9); nst takes the 2xx's value as it is. */
    if (sent.se)
      RSTRICT("X3", o.interval >= sent.min_se && o.interval >= NST_MIN_SE_FLOOR);
  }
  RCHECK("X4", o.min_se == sent.min_se);
#undef RCHECK
#undef RSTRICT
  if (sent_out)
    *sent_out = sent;
  return o;
}

/* UAC: a 422 with Min-SE @a min_se to what @a sent offered. */
static void check_422(nst_hdrs_t const *sent, unsigned min_se, unsigned seed)
{
  nst_hdrs_t cur = *sent, next;
  unsigned retries, m = min_se;
  int r;

  fz_phase = "uac_422";
  for (retries = 0; retries <= NST_MAX_422_RETRIES + 1; retries++) {
    memset(&next, 0xa5, sizeof next);
    r = nst_uac_after_422(sent, min_se, retries, &next);
    CHECK("F2", r == (min_se != 0 && min_se > sent->se && retries < NST_MAX_422_RETRIES));
    if (r) {
      CHECK("F1", next.se == min_se && next.se > sent->se);
      CHECK("F1", next.min_se >= min_se && next.min_se >= sent->min_se);
      CHECK("F1", next.min_se == (sent->min_se > min_se ? sent->min_se : min_se));
      CHECK("F1", next.refresher == sent->refresher &&
                  next.supported_timer == sent->supported_timer &&
                  next.require_timer == sent->require_timer);
      STRICT("F5", next.se >= next.min_se);
      /* The same 422 again: no second retry at the same value. */
      CHECK("F3", nst_uac_after_422(&next, min_se, retries + 1, &next) == 0);
    }
  }

  /* A chain of 422s, each asking for more: at most NST_MAX_422_RETRIES. */
  for (retries = 0; retries < 10; retries++) {
    r = nst_uac_after_422(&cur, m, retries, &next);
    if (!r)
      break;
    CHECK("F3", next.se > cur.se);
    cur = next;
    m = sat_add(m, 1 + (seed % 1000));
  }
  CHECK("F3", retries <= NST_MAX_422_RETRIES);
}

static void check_failure(int status)
{
  int m;

  fz_phase = "refresh_failure";
  for (m = nst_method_none; m <= nst_method_invite; m++) {
    nst_failure_action_t a = nst_refresh_failure_action(status, (nst_method_t)m);
    CHECK("P1", a >= nst_fail_retry_later && a <= nst_fail_end_call);
    if (status == 408 || status == 481)
      CHECK("P1", a == nst_fail_end_call);
    else if (status == 422)
      CHECK("P1", a == nst_fail_raise_interval);
    else if (status == 491)
      CHECK("P1", a == nst_fail_retry_glare);
    else if ((status == 405 || status == 501) && m == nst_method_update)
      CHECK("P1", a == nst_fail_use_reinvite);
    if (a == nst_fail_use_reinvite)
      CHECK("P1", m == nst_method_update);
    if (a == nst_fail_end_call)
      CHECK("P1", status == 408 || status == 481);
  }
}

static void check_glare(uint32_t bits)
{
  /* Finite values only: a NaN is a separate finding (README). */
  double units[4];
  int i, owns;

  units[0] = (double)bits / 4294967296.0;          /* [0, 1) */
  units[1] = (double)(int32_t)bits / 1000.0;       /* out of range too */
  units[2] = 1.0;
  units[3] = -0.0;
  fz_phase = "glare";
  for (i = 0; i < 4; i++)
    for (owns = 0; owns < 2; owns++) {
      uint64_t d = nst_glare_delay_ms(owns, units[i]);
      CHECK("G1", d % 10 == 0);
      if (owns)
        CHECK("G1", d >= 2100 && d <= 4000);
      else
        CHECK("G1", d <= 2000);
    }
}

/* ---------------------------------------------------------------------- */
/* Messages */

/* Parse @a data with nst's parser and with Sofia's default one; check that
 * the slots work. Returns the nst-parsed message (or NULL). */
static msg_t *parse_both(uint8_t const *data, size_t len, nst_hdrs_t *h, int *status)
{
  msg_t *msg = fz_parse(fz_mclass, data, len), *dmsg;
  sip_t const *sip, *dsip;
  nst_hdrs_t hd, hn;

  *status = 0;
  memset(h, 0, sizeof *h);
  fz_phase = "parse";
  hn = nst_read_hdrs(&fz_parser, NULL);
  CHECK("N0", hn.se == 0 && hn.min_se == 0 && !hn.supported_timer && !hn.require_timer &&
              hn.refresher == nst_label_none);
  if (msg == NULL)
    return NULL;
  sip = sip_object(msg);
  if (sip == NULL)
    return msg;

  /* nua's own engine must stay dormant: its fields are always empty. */
  CHECK("N1", sip->sip_session_expires == NULL && sip->sip_min_se == NULL);
  CHECK("N1", (size_t)sip->sip_size >= fz_parser.np_min_se_offset + sizeof(void *));

  *h = nst_read_hdrs(&fz_parser, sip);
  if (sip->sip_status)
    *status = sip->sip_status->st_status;
  if (fz_debug) {
    fprintf(stderr, "nst-fuzz: %s %d, extract errors 0x%x\n",
            sip->sip_request ? sip->sip_request->rq_method_name : "status", *status,
            msg_extract_errors(msg));
    dump_hdrs("read", h);
  }

  {
    sip_session_expires_t const *x = nst_parser_slot(sip, fz_parser.np_se_offset);
    sip_min_se_t const *mn = nst_parser_slot(sip, fz_parser.np_min_se_offset);
    CHECK("N3", x == NULL || x->x_common->h_class == sip_session_expires_class);
    CHECK("N3", mn == NULL || mn->min_common->h_class == sip_min_se_class);
    /* "Session-Expires: 0" is present, not absent: nst reads it as 1
     * (below every Min-SE). */
    CHECK("N4", x ? h->se == (x->x_delta == 0 ? 1 : x->x_delta > UINT32_MAX ? UINT32_MAX
                                                                          : x->x_delta)
                  : h->se == 0);
    CHECK("N4", mn ? h->min_se == (mn->min_delta > UINT32_MAX ? UINT32_MAX : mn->min_delta)
                   : h->min_se == 0);
    CHECK("N4", x ? h->refresher == nst_label_parse(x->x_refresher)
                  : h->refresher == nst_label_none);
    if (x)
      check_label(x->x_refresher);
  }

  /* The same bytes through Sofia's default parser: the same values land in
   * sip_session_expires / sip_min_se, and nst's slots are out of reach. */
  dmsg = fz_parse(sip_default_mclass(), data, len);
  dsip = dmsg ? sip_object(dmsg) : NULL;
  if (dsip) {
    fz_phase = "parse_default";
    hd = nst_read_hdrs(&fz_parser, dsip);
    CHECK("N2", nst_parser_slot(dsip, fz_parser.np_se_offset) == NULL);
    CHECK("N2", hd.se == 0 && hd.min_se == 0 && hd.refresher == nst_label_none);
    CHECK("N2", hd.supported_timer == h->supported_timer &&
                hd.require_timer == h->require_timer);
    if (msg_extract_errors(msg) == 0 && msg_extract_errors(dmsg) == 0) {
      unsigned long dse = dsip->sip_session_expires
                          ? (dsip->sip_session_expires->x_delta
                             ? dsip->sip_session_expires->x_delta : 1)
                          : 0;
      unsigned long dmin = dsip->sip_min_se ? dsip->sip_min_se->min_delta : 0;
      CHECK("N2", h->se == (dse > UINT32_MAX ? UINT32_MAX : dse));
      CHECK("N2", h->min_se == (dmin > UINT32_MAX ? UINT32_MAX : dmin));
      CHECK("N2", h->refresher == (dsip->sip_session_expires
                                   ? nst_label_parse(dsip->sip_session_expires->x_refresher)
                                   : nst_label_none));
    }
  }
  if (dmsg)
    msg_destroy(dmsg);
  return msg;
}

/* What nst writes, nst reads back: format @a h (nst_format_hdrs) into a
 * request and parse it again. */
static void check_roundtrip(nst_hdrs_t const *h, int supported)
{
  nst_hdr_strs_t s;
  char buf[1024];
  int n;
  msg_t *msg;
  nst_hdrs_t back;

  fz_phase = "roundtrip";
  memset(&s, 0x5a, sizeof s);
  nst_format_hdrs(h, &s);
  CHECK("H1", memchr(s.se, 0, sizeof s.se) && memchr(s.min_se, 0, sizeof s.min_se));
  CHECK("H1", (s.se[0] != 0) == (h->se != 0) && (s.min_se[0] != 0) == (h->min_se != 0));
  n = snprintf(buf, sizeof buf,
               "UPDATE sip:bob@example.org SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-rt\r\n"
               "From: <sip:alice@example.org>;tag=a\r\n"
               "To: <sip:bob@example.org>;tag=b\r\n"
               "Call-ID: rt@192.0.2.1\r\n"
               "CSeq: 2 UPDATE\r\n"
               "%s%s%s%s%s%s%s%s"
               "Content-Length: 0\r\n\r\n",
               s.se[0] ? "Session-Expires: " : "", s.se, s.se[0] ? "\r\n" : "",
               s.min_se[0] ? "Min-SE: " : "", s.min_se, s.min_se[0] ? "\r\n" : "",
               supported ? "Supported: timer\r\n" : "",
               s.require_timer ? "Require: timer\r\n" : "");
  CHECK("H1", n > 0 && (size_t)n < sizeof buf);
  msg = fz_parse(fz_mclass, buf, (size_t)n);
  CHECK("H1", msg != NULL && sip_object(msg) != NULL);
  back = nst_read_hdrs(&fz_parser, sip_object(msg));
  if (!(back.se == h->se && back.min_se == h->min_se &&
        back.refresher == (nst_label_name(h->refresher) && h->se ? h->refresher
                                                                 : nst_label_none) &&
        back.supported_timer == !!supported && back.require_timer == !!h->require_timer)) {
    dump_hdrs("formatted", h);
    dump_hdrs("read back", &back);
    fprintf(stderr, "  message:\n%s\n", buf);
    fz_fail("H1", "what nst writes, nst reads back", __FILE__, __LINE__);
  }
  msg_destroy(msg);
}

/* ---------------------------------------------------------------------- */
/* The core in every role */

static void drive_core(nst_hdrs_t const *h, int status, uint8_t const *cfgb, size_t ncfgb,
                       uint64_t seed)
{
  nst_config_t cfgs[16];
  nst_outcome_t curs[8];
  unsigned ncfg = 0, ncur = 0, i, j;
  nst_outcome_t first;
  nst_hdrs_t sent;
  uint8_t sb[8];

  /* Configs: the default, off, the extremes, ones at the request's own
   * values (the boundaries), and ones from input bytes. */
  nst_config_default(&cfgs[ncfg++]);
  nst_config_default(&cfgs[ncfg]); cfgs[ncfg++].enabled = 0;
  nst_config_default(&cfgs[ncfg]); cfgs[ncfg].session_expires = 90; cfgs[ncfg++].refresher = nst_pref_uas;
  nst_config_default(&cfgs[ncfg]); cfgs[ncfg].min_se = cfgs[ncfg].session_expires = UINT_MAX;
  cfgs[ncfg++].refresher = nst_pref_uac;
  if (h->se >= NST_MIN_SE_FLOOR) {
    nst_config_default(&cfgs[ncfg]);
    cfgs[ncfg].min_se = cfgs[ncfg].session_expires = h->se; ncfg++;
    nst_config_default(&cfgs[ncfg]);
    cfgs[ncfg].min_se = cfgs[ncfg].session_expires = sat_add(h->se, 1);
    cfgs[ncfg++].refresher = nst_pref_uas;
    if (h->se > NST_MIN_SE_FLOOR) {
      nst_config_default(&cfgs[ncfg]);
      cfgs[ncfg].min_se = h->se - 1; cfgs[ncfg].session_expires = h->se;
      cfgs[ncfg++].refresher = nst_pref_uac;
    }
  }
  if (h->min_se >= NST_MIN_SE_FLOOR) {
    nst_config_default(&cfgs[ncfg]);
    cfgs[ncfg].min_se = h->min_se;
    cfgs[ncfg].session_expires = sat_add(h->min_se, (unsigned)(seed & 0xff)); ncfg++;
  }
  if (ncfgb) {
    cfg_from_bytes(&cfgs[ncfg++], cfgb, ncfgb);
    if (ncfgb > 8)
      cfg_from_bytes(&cfgs[ncfg++], cfgb + 8, ncfgb - 8);
  }
  for (i = 0; i < 8; i++)
    sb[i] = (uint8_t)(seed >> (8 * i));
  cfg_from_bytes(&cfgs[ncfg++], sb, 8);

  for (i = 0; i < ncfg; i++)
    check_config(&cfgs[i]);

  /* Running sessions: none, what the initial request would have set up,
   * and synthetic ones. */
  memset(&curs[ncur++], 0, sizeof curs[0]);
  first = nst_negotiate_uas(&cfgs[0], h, NULL);
  if (!first.reject)
    curs[ncur++] = first;
  {
    nst_outcome_t c;
    memset(&c, 0, sizeof c);
    c.interval = h->se ? h->se : 1800;
    c.refresher = (nst_refresher_t)(1 + (seed >> 8) % 2);
    c.min_se = h->min_se ? h->min_se : NST_MIN_SE_FLOOR;
    curs[ncur++] = c;
    c.interval = fz_values[(seed >> 16) % N_VALUES];
    c.refresher = c.interval ? (nst_refresher_t)(1 + (seed >> 24) % 2) : nst_refresher_none;
    c.min_se = (unsigned)(seed >> 32);
    curs[ncur++] = c;
  }

  for (i = 0; i < ncfg; i++) {
    for (j = 0; j < ncur; j++) {
      nst_outcome_t const *cur = curs[j].interval ? &curs[j] : (j ? &curs[j] : NULL);
      nst_outcome_t uas, uac;

      /* UAS: h is the request. */
      uas = check_uas(&cfgs[i], h, cur);
      check_timers(uas.interval, seed);

      /* UAC: h is the 2xx to what we sent. */
      uac = check_uac_2xx(&cfgs[i], cur, h, &sent);
      check_timers(uac.interval, seed >> 7);

      /* Strict: the refresh of a session nst agreed on (as UAS or UAC)
       * does not contradict itself (Session-Expires below its Min-SE). */
      if (fz_strict) {
        nst_outcome_t const *agreed[2] = { &uas, &uac };
        int k;
        for (k = 0; k < 2; k++) {
          nst_hdrs_t refresh;
          if (agreed[k]->reject || agreed[k]->interval == 0)
            continue;
          refresh = nst_uac_request(&cfgs[i], agreed[k]);
          fz_phase = k ? "strict-refresh-after-2xx" : "strict-refresh-after-uas";
          if (refresh.se < refresh.min_se) {
            dump_cfg(&cfgs[i]); dump_hdrs("h", h); dump_outcome("agreed", agreed[k]);
            dump_hdrs("refresh", &refresh);
            fz_fail("S1", "refresh.se >= refresh.min_se", __FILE__, __LINE__);
          }
        }
      }

      /* UAC: h's Min-SE comes in a 422 to what we sent. */
      check_422(&sent, h->min_se, (unsigned)seed);

      /* Both ends of one transaction: our request to a UAS with every
       * config; its 2xx back to us; both agree on interval and refresher. */
      {
        nst_config_t const *peer = &cfgs[(i + j + 1) % ncfg];
        nst_outcome_t srv = check_uas(peer, &sent, cur);
        if (!srv.reject && srv.interval) {
          nst_hdrs_t resp;
          nst_outcome_t cli;

          memset(&resp, 0, sizeof resp);
          resp.se = srv.interval;
          resp.refresher = nst_label_for(srv.refresher, 0);
          resp.min_se = srv.min_se;
          resp.require_timer = nst_uas_requires_timer(&srv);
          cli = check_uac_2xx(&cfgs[i], cur, &resp, NULL);
          fz_phase = "agreement";
          if (!(cli.interval == srv.interval &&
                ((cli.refresher == nst_refresher_local &&
                  srv.refresher == nst_refresher_remote) ||
                 (cli.refresher == nst_refresher_remote &&
                  srv.refresher == nst_refresher_local)))) {
            dump_cfg(&cfgs[i]); dump_cfg(peer); dump_hdrs("sent", &sent);
            dump_outcome("uas", &srv); dump_outcome("uac", &cli);
            fz_fail("A1", "UAC and UAS agree on interval and refresher",
                    __FILE__, __LINE__);
          }
        }
        else if (srv.reject) {
          /* The UAS answered 422: the UAC's retry must be accepted. */
          nst_hdrs_t next;
          if (nst_uac_after_422(&sent, srv.min_se, 0, &next)) {
            nst_outcome_t again = check_uas(peer, &next, cur);
            fz_phase = "422-retry";
            if (again.reject) {
              dump_cfg(peer); dump_hdrs("sent", &sent); dump_hdrs("retry", &next);
              fz_fail("A2", "a retry at the 422's Min-SE is accepted", __FILE__, __LINE__);
            }
          }
          else {
            dump_cfg(peer); dump_hdrs("sent", &sent); dump_outcome("uas", &srv);
            fz_fail("A2", "the UAC can retry after nst's own 422", __FILE__, __LINE__);
          }
        }
      }
    }
  }

  check_timers(h->se, seed);
  check_timers(h->min_se, seed >> 3);
  check_failure(status);
  check_failure((int)(seed % 700));
  check_glare((uint32_t)(seed >> 11));
  check_roundtrip(h, h->supported_timer);
  if (first.interval) {
    nst_hdrs_t r;
    memset(&r, 0, sizeof r);
    r.se = first.interval;
    r.refresher = nst_label_for(first.refresher, 0);
    r.min_se = first.min_se;
    r.require_timer = nst_uas_requires_timer(&first);
    check_roundtrip(&r, 1);
  }
}

/* ---------------------------------------------------------------------- */
/* Entry points */

#ifndef NST_FUZZ_HDRS

/* fuzz_nst_msg: the input is one SIP message. */
int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  msg_t *msg;
  nst_hdrs_t h;
  int status;

  fz_init();
  if (size > 65536)
    return 0;
  msg = parse_both(data, size, &h, &status);
  /* Config bytes: the last 16 of the input (a body or padding in a real
   * message), so the mutator can vary them without breaking the headers. */
  drive_core(&h, status, size >= 16 ? data + size - 16 : data, size >= 16 ? 16 : size,
             fnv1a(data, size));
  if (msg)
    msg_destroy(msg);
  return 0;
}

#else

/* fuzz_nst_hdrs: lines (split at '\n'; a missing line or "!" leaves the
 * header out, and the values may contain anything else, CR included):
 *   0  flags: [0] start line (INVITE/UPDATE/re-INVITE/200/422/183...),
 *             [1] header form bits (1: "x:" 2: "Session-Expires" twice
 *             4: Min-SE twice 8: Supported before the others 16: lower case),
 *   1  Session-Expires value      2  Min-SE value
 *   3  Supported value            4  Require value
 *   5  config bytes (up to 16)
 */
static char const *const start_lines[] = {
  "INVITE sip:bob@example.org SIP/2.0\r\n",
  "UPDATE sip:bob@example.org SIP/2.0\r\n",
  "INVITE sip:bob@192.0.2.2:5060;transport=tcp SIP/2.0\r\n",
  "SIP/2.0 200 OK\r\n",
  "SIP/2.0 422 Session Interval Too Small\r\n",
  "SIP/2.0 183 Session Progress\r\n",
  "SIP/2.0 491 Request Pending\r\n",
  "SIP/2.0 481 Call/Transaction Does Not Exist\r\n",
};
#define N_START (sizeof start_lines / sizeof start_lines[0])

static size_t put(char *buf, size_t at, size_t cap, void const *p, size_t n)
{
  if (at + n > cap)
    n = cap > at ? cap - at : 0;
  memcpy(buf + at, p, n);
  return at + n;
}

static size_t put_s(char *buf, size_t at, size_t cap, char const *s)
{
  return put(buf, at, cap, s, strlen(s));
}

static size_t put_hdr(char *buf, size_t at, size_t cap, char const *name,
                      uint8_t const *v, size_t n)
{
  if (v == NULL || (n == 1 && v[0] == '!'))
    return at;
  at = put_s(buf, at, cap, name);
  at = put(buf, at, cap, v, n);
  return put_s(buf, at, cap, "\r\n");
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  uint8_t const *field[6] = { 0 };
  size_t flen[6] = { 0 };
  size_t i, start = 0, nf = 0;
  static char buf[8192];
  size_t at = 0, cap = sizeof buf;
  unsigned sl, form;
  int is_response, status;
  char const *method;
  msg_t *msg;
  nst_hdrs_t h;

  fz_init();
  if (size > 4096)
    return 0;
  for (i = 0; i <= size && nf < 6; i++) {
    if (i == size || (data[i] == '\n' && nf < 5)) {
      field[nf] = data + start;
      flen[nf] = i - start;
      nf++;
      start = i + 1;
    }
  }
  sl = nf > 0 && flen[0] > 0 ? field[0][0] % N_START : 0;
  form = nf > 0 && flen[0] > 1 ? field[0][1] : 0;
  is_response = sl >= 3;
  method = sl == 1 ? "UPDATE" : "INVITE";

  at = put_s(buf, at, cap, start_lines[sl]);
  at = put_s(buf, at, cap,
             "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-fz\r\n"
             "From: Alice <sip:alice@example.org>;tag=1928301774\r\n");
  at = put_s(buf, at, cap, is_response || sl == 1 || sl == 2
             ? "To: <sip:bob@example.org>;tag=a6c85cf\r\n"
             : "To: <sip:bob@example.org>\r\n");
  at = put_s(buf, at, cap, "Call-ID: a84b4c76e66710@pc33.example.org\r\n");
  at = put_s(buf, at, cap, "CSeq: 314159 ");
  at = put_s(buf, at, cap, method);
  at = put_s(buf, at, cap, "\r\nContact: <sip:alice@192.0.2.1>\r\n");
  if (form & 8)
    at = put_hdr(buf, at, cap, form & 16 ? "supported: " : "Supported: ",
                 nf > 3 ? field[3] : NULL, flen[3]);
  at = put_hdr(buf, at, cap, form & 1 ? "x: " : form & 16 ? "session-expires: "
                                                          : "Session-Expires: ",
               nf > 1 ? field[1] : NULL, flen[1]);
  if (form & 2)
    at = put_hdr(buf, at, cap, "Session-Expires: ", nf > 1 ? field[1] : NULL, flen[1]);
  at = put_hdr(buf, at, cap, form & 16 ? "min-se: " : "Min-SE: ",
               nf > 2 ? field[2] : NULL, flen[2]);
  if (form & 4)
    at = put_hdr(buf, at, cap, "Min-SE: ", nf > 2 ? field[2] : NULL, flen[2]);
  if (!(form & 8))
    at = put_hdr(buf, at, cap, "Supported: ", nf > 3 ? field[3] : NULL, flen[3]);
  at = put_hdr(buf, at, cap, "Require: ", nf > 4 ? field[4] : NULL, flen[4]);
  at = put_s(buf, at, cap, "Content-Length: 0\r\n\r\n");

  msg = parse_both((uint8_t const *)buf, at, &h, &status);
  drive_core(&h, status, nf > 5 ? field[5] : NULL, nf > 5 ? (flen[5] > 16 ? 16 : flen[5]) : 0,
             fnv1a(data, size));
  if (msg)
    msg_destroy(msg);
  return 0;
}

#endif
