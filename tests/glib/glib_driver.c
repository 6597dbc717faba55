/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst's s2 suite on a glib main loop: the driver.
 *
 * How it fits together (see also glib.mk):
 *
 * - su_glib_prefer_gsource() before each test's setup: the root the s2
 *   harness creates (s2base->root, the fake peer's: its nta agent, its DNS
 *   server) is a su_glib root, a GSource.
 * - s2_glue.c is compiled with nst_create/nst_destroy renamed to
 *   glib_nst_create()/glib_nst_destroy() below. When the harness creates
 *   its nua (s2_nua_setup() -> nst_test_nua_create() -> "nst_create"),
 *   glib_nst_create() attaches the peer root's GSource to the test's
 *   GMainContext, makes nua's own root with su_glib_root_create(), attaches
 *   its GSource to the same context, and creates nst on it: nua, nta, the
 *   transports and every nst timer live on that root (threading off, as
 *   the harness has it, so that nua_create() starts no stack thread).
 * - The harness waits (s2_wait_for_event(), s2_sip_wait_for_request(), ...)
 *   call su_root_step() on the peer root; on a su_glib root that is one
 *   iteration of its GMainContext (prepare, query, poll, check, dispatch:
 *   su_source.c's su_source_step()), which dispatches both roots' GSources.
 * - The tests' waits on the clock (glib_advance(), glib_settle()) run a
 *   GMainLoop on the context, quit from an idle source (nothing left to do)
 *   or a timeout source (real milliseconds); glib_advance_ms() runs one
 *   g_main_context_iteration() a millisecond.
 * - The clock. su_source.c reads the time with g_source_get_current_time()
 *   (GLib's wall clock) where Sofia's own ports use su_now(); s2's
 *   fast-forward only moves su_now() (the _su_time/_su_nanotime hooks of
 *   s2time.c). g_source_get_current_time() is defined here so that the
 *   GSource reads su_now(): in production the two are the same clock, and
 *   here su_source's timers move with s2's fast-forward like a plain root's.
 *   GLib's own timeout sources (monotonic time) are not affected.
 * - Proof: the nua callback and nst's event callback are wrapped; each
 *   records g_main_current_source() (the GSource being dispatched) and
 *   whether our GMainLoop is running. glib_assert_dispatched_by_loop()
 *   checks that no event came from another GSource than the nua root's
 *   (the few that came from no dispatch at all are the test's own calls,
 *   e.g. nst_respond() reporting nst_ev_negotiated), and that every nst
 *   timer (refresh, expiry) fired from the nua root's GSource inside our
 *   g_main_loop_run() or g_main_context_iteration().
 */
#include "config.h"

#undef NDEBUG
/* g_source_get_current_time() and GTimeVal are deprecated in GLib. */
#define GLIB_DISABLE_DEPRECATION_WARNINGS 1

#include "glib_driver.h"

#include <sofia-sip/su_log.h>
#include <sofia-sip/su_time.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

struct glib_driver glib;

/* Seconds from 1900 (su_time_t) to 1970 (GTimeVal), as in su_source.c. */
#define NTP_EPOCH 2208988800UL

/* ---------------------------------------------------------------------- */
/* The GSource's clock */

void g_source_get_current_time(GSource *source, GTimeVal *timeval);

void g_source_get_current_time(GSource *source, GTimeVal *timeval)
{
  su_time_t now = su_now();

  (void)source;
  glib.clock_reads++;
  timeval->tv_sec = (glong)(now.tv_sec - NTP_EPOCH);
  timeval->tv_usec = (glong)now.tv_usec;
}

/* Sofia-SIP 1.13's su_source.c reads g_source_get_time() instead (GLib's
 * monotonic clock, which it converts as if it were the wall clock): the
 * same answer for the two su_glib roots' GSources; GLib's own sources keep
 * GLib's clock. (On 1.13 outside these tests that means: su_timers on a
 * su_glib root never fire, doc/sofia-1.13.md.) */
gint64 g_source_get_time(GSource *source);

gint64 g_source_get_time(GSource *source)
{
  static gint64 (*glib_own)(GSource *);

  if (source && (source == glib.nua_gs || source == glib.peer_gs)) {
    su_time_t now = su_now();

    glib.clock_reads++;
    return (gint64)(now.tv_sec - NTP_EPOCH) * G_USEC_PER_SEC + now.tv_usec;
  }
  if (glib_own == NULL)
    *(void **)&glib_own = dlsym(RTLD_NEXT, "g_source_get_time");
  return glib_own(source);
}

/* ---------------------------------------------------------------------- */
/* Running the loop */

static gboolean quit_loop(gpointer data)
{
  g_main_loop_quit((GMainLoop *)data);
  return G_SOURCE_REMOVE;
}

static void run_loop_until(GSource *quitter)
{
  g_source_set_callback(quitter, quit_loop, glib.loop, NULL);
  g_source_attach(quitter, glib.ctx);
  glib.loop_depth++, glib.loop_runs++;
  g_main_loop_run(glib.loop);
  glib.loop_depth--;
  g_source_destroy(quitter);
  g_source_unref(quitter);
}

void glib_run_until_idle(void)
{
  GSource *idle = g_idle_source_new();

  /* Below the su_glib sources' default priority: dispatched only when
   * neither root has a message, a due timer or a readable socket. */
  g_source_set_priority(idle, G_PRIORITY_LOW);
  run_loop_until(idle);
}

void glib_run_for(unsigned ms)
{
  run_loop_until(g_timeout_source_new(ms));
}

/* settle(): five steps of 2 ms */
void glib_settle(void)
{
  int i;

  for (i = 0; i < 5; i++) {
    glib_run_until_idle();
    glib_run_for(2);
  }
}

void glib_advance(unsigned seconds)
{
  unsigned i;

  for (i = 0; i < seconds; i++) {
    s2_fast_forward(1, NULL);     /* Sofia's clock only; nothing stepped */
    glib_run_until_idle();
  }
  glib_settle();
}

int glib_iterate(void)
{
  int dispatched;

  glib.loop_depth++, glib.iterations++;
  dispatched = g_main_context_iteration(glib.ctx, FALSE);
  glib.loop_depth--;
  return dispatched;
}

/* As light as advance_ms()'s su_root_step(root, 0): Sofia's clock runs on
 * in real time too, and the millisecond tests measure it. */
void glib_advance_ms(unsigned ms)
{
  unsigned i;

  for (i = 0; i < ms; i++) {
    s2_quickstep(NULL, 0, 1);     /* the clock 1 ms on; a NULL root: no step */
    glib_iterate();
  }
}

/* ---------------------------------------------------------------------- */
/* Where the callbacks are called from */

/* Where a callback is called from: 1 the nua root's GSource, dispatched
 * (by our GMainLoop or g_main_context_iteration(), or by su_root_step() on
 * a glib root: all are iterations of the context); 0 no dispatch at all (the application's own
 * call into nua or nst, e.g. nst_respond() reporting nst_ev_negotiated);
 * -1 another GSource (the s2 peer's): never right. */
static int dispatched_from(void)
{
  GSource *current = g_main_current_source();

  if (current == NULL && g_main_depth() == 0)
    return 0;
  return glib.nua_gs && current == glib.nua_gs ? 1 : -1;
}

static void glib_nua_callback(nua_event_t event, int status, char const *phrase,
                              nua_t *nua, nua_magic_t *magic,
                              nua_handle_t *nh, nua_hmagic_t *hmagic,
                              sip_t const *sip, tagi_t tags[])
{
  int from = dispatched_from();

  glib.nua_events++;
  glib.nua_events_on_nua_gs += from == 1;
  glib.nua_events_elsewhere += from < 0;
  glib.app_callback(event, status, phrase, nua, magic, nh, hmagic, sip, tags);
}

static void glib_nst_event(nst_t *nst, nst_event_t event, nua_handle_t *nh)
{
  int from = dispatched_from();

  (void)nst, (void)nh;
  glib.nst_events++;
  glib.nst_events_on_nua_gs += from == 1;
  glib.nst_events_elsewhere += from < 0;
  switch (event) {
  case nst_ev_refresh_sent:
  case nst_ev_expiring:
  case nst_ev_expired:
    /* nst's timers: su_timer_t on the nua root */
    glib.nst_timer_events++;
    if (from == 1 && glib.loop_depth > 0)
      glib.nst_timer_events_in_loop++;
    break;
  default:
    break;
  }
}

void glib_assert_dispatched_by_loop(void)
{
  ck_assert_msg(glib.clock_reads > 0, "su_source never read its clock");
  ck_assert_uint_gt(glib.nua_events_on_nua_gs, 0);
  ck_assert_msg(glib.nua_events_elsewhere == 0,
                "%u of %u nua events dispatched from another GSource",
                glib.nua_events_elsewhere, glib.nua_events);
  ck_assert_uint_gt(glib.nst_events_on_nua_gs, 0);
  ck_assert_msg(glib.nst_events_elsewhere == 0,
                "%u of %u nst events dispatched from another GSource",
                glib.nst_events_elsewhere, glib.nst_events);
  ck_assert_uint_gt(glib.nst_timer_events, 0);
  ck_assert_msg(glib.nst_timer_events_in_loop == glib.nst_timer_events,
                "%u of %u nst timers did not fire from the nua root's GSource "
                "in our GMainLoop or g_main_context_iteration()",
                glib.nst_timer_events - glib.nst_timer_events_in_loop,
                glib.nst_timer_events);
}

/* ---------------------------------------------------------------------- */
/* The roots */

nst_t *glib_nst_create(su_root_t *root, nua_callback_f callback, nua_magic_t *magic,
                       tag_type_t tag, tag_value_t value, ...)
{
  nst_t *nst;
  ta_list ta;

  ck_assert_msg(glib.ctx != NULL, "glib_nst_create() outside glib_setup_with()");

  /* The harness's root, made with su_glib_prefer_gsource() in effect. */
  glib.peer_gs = su_glib_root_gsource(root);
  ck_assert_msg(glib.peer_gs != NULL, "the s2 peer's root is not a su_glib root");
  ck_assert(g_source_attach(glib.peer_gs, glib.ctx) > 0);

  /* nua's and nst's own root. */
  glib.nua_root = su_glib_root_create(NULL);
  ck_assert(glib.nua_root != NULL);
  glib.nua_gs = su_glib_root_gsource(glib.nua_root);
  ck_assert_msg(glib.nua_gs != NULL, "the root given to nst is not a su_glib root");
  ck_assert_str_eq(su_root_name(glib.nua_root), "GSource");
  ck_assert(g_source_attach(glib.nua_gs, glib.ctx) > 0);
  ck_assert(glib.nua_gs != glib.peer_gs);
  /* A new root lets nua_create() start its stack in a thread of its own,
   * on a plain su_root: as s2_nua_setup() does for its root, keep nua's
   * stack (nta, its transports and timers) on this one, in this thread. */
  ck_assert_int_eq(su_root_threading(glib.nua_root, s2_nua_thread), s2_nua_thread);
  ck_assert_int_eq(s2_nua_thread, 0);

  glib.app_callback = callback;
  ta_start(ta, tag, value);
  nst = nst_create(glib.nua_root, glib_nua_callback, magic, ta_tags(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
  if (nst == NULL) {
    glib_nst_destroy(NULL);
    return NULL;
  }
  s2_nst_event_hook = glib_nst_event;
  return nst;
}

void glib_nst_destroy(nst_t *nst)
{
  nst_destroy(nst);
  if (glib.nua_root) {
    su_root_destroy(glib.nua_root), glib.nua_root = NULL;
    /* The context's reference was the last one: this frees the port. */
    g_source_destroy(glib.nua_gs), glib.nua_gs = NULL;
  }
}

/* ---------------------------------------------------------------------- */
/* Fixtures */

static void glib_begin(void)
{
  memset(&glib, 0, sizeof glib);
  glib.ctx = g_main_context_new();
  glib.loop = g_main_loop_new(glib.ctx, FALSE);
  /* Every su_root_create() from now on makes a su_glib root. */
  su_glib_prefer_gsource();
  /* su_source.c logs each port it creates at level 1 on the default log,
   * which su_init() would leave at 3: quiet, unless SU_DEBUG says. */
  su_log_soft_set_level(su_log_default, 0);
}

static void glib_check_roots(void)
{
  ck_assert(s2_nst != NULL);
  ck_assert(glib.nua_root != NULL);
  ck_assert_ptr_eq(su_glib_root_gsource(s2base->root), glib.peer_gs);
  ck_assert_ptr_eq(g_source_get_context(glib.peer_gs), glib.ctx);
  ck_assert_ptr_eq(g_source_get_context(glib.nua_gs), glib.ctx);
}

void glib_setup_with(tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;

  glib_begin();
  ta_start(ta, tag, value);
  setup_with(ta_tags(ta));
  (void)ta_end(ta);
  glib_check_roots();
}

void glib_setup(void)
{
  glib_setup_with(TAG_END());
}

void glib_setup_90(void)
{
  glib_setup_with(NSTTAG_SESSION_EXPIRES(90), TAG_END());
}

void glib_teardown(void)
{
  teardown();     /* the harness's: nua shut down, both roots destroyed */
  ck_assert(glib.nua_root == NULL);
  g_main_loop_unref(glib.loop), glib.loop = NULL;
  /* The peer root's GSource is still attached: it goes with the context. */
  g_main_context_unref(glib.ctx), glib.ctx = NULL;
  glib.peer_gs = NULL;
}

TCase *glib_tcase(char const *name, void (*fixture)(void))
{
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, fixture, glib_teardown);
  tcase_set_timeout(tc, 60);
  return tc;
}
