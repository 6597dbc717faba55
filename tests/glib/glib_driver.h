/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst's s2 suite on a glib main loop: the driver (glib_driver.c).
 *
 * nua and nst run on a su_glib root whose GSource is attached to a
 * GMainContext of the test; the s2 fake peer's root (the harness's
 * s2base->root) is a su_glib root on the same context. The tests move
 * Sofia's clock with s2's fast-forward and let the GMainLoop run.
 */
#ifndef NST_GLIB_DRIVER_H
#define NST_GLIB_DRIVER_H

#include "s2_helpers.h"

#include <glib.h>
#include <sofia-sip/su_glib.h>

struct glib_driver {
  GMainContext *ctx;            /**< the context both roots run on */
  GMainLoop *loop;              /**< what glib_settle()/glib_advance() run */
  su_root_t *nua_root;          /**< the root given to nst_create() */
  GSource *nua_gs;              /**< its GSource */
  GSource *peer_gs;             /**< the s2 peer root's GSource */
  nua_callback_f app_callback;  /**< the harness's nua callback */
  int loop_depth;               /**< inside our g_main_loop_run() or
                                     g_main_context_iteration() */
  unsigned loop_runs;           /**< g_main_loop_run() calls */
  unsigned iterations;          /**< g_main_context_iteration() calls */
  unsigned clock_reads;         /**< su_source's reads of its clock */
  /* Where nua's and nst's callbacks were called from. */
  unsigned nua_events, nua_events_on_nua_gs, nua_events_elsewhere;
  unsigned nst_events, nst_events_on_nua_gs, nst_events_elsewhere;
  unsigned nst_timer_events, nst_timer_events_in_loop;
};

extern struct glib_driver glib;

/** Fixture: the harness's setup_with() (s2_helpers.c) on glib roots. */
void glib_setup_with(tag_type_t tag, tag_value_t value, ...);
void glib_setup(void);
void glib_setup_90(void);
void glib_teardown(void);

/** A test case with @a fixture and glib_teardown(). */
TCase *glib_tcase(char const *name, void (*fixture)(void));

/** Run the GMainLoop until nothing is ready (it quits from an idle source). */
void glib_run_until_idle(void);
/** One g_main_context_iteration() of the context, without blocking. */
int glib_iterate(void);
/** Run the GMainLoop for @a ms of real time (it quits from a timeout). */
void glib_run_for(unsigned ms);
/** settle() on the GMainLoop: let loopback traffic through. */
void glib_settle(void);
/** advance() on the GMainLoop: the clock moves @a seconds forward, one
 * second at a time, and the loop runs after each. */
void glib_advance(unsigned seconds);
/** advance_ms() on the context: the clock moves @a ms forward, one
 * millisecond at a time, with one glib_iterate() after each. */
void glib_advance_ms(unsigned ms);

/** Every nst timer event (refresh sent, expiring, expired) so far came
 * from the nua root's GSource, dispatched by our GMainLoop or our
 * g_main_context_iteration(); no nua or nst
 * event came from another GSource (the others came from the nua root's, or
 * from no dispatch at all: the test's own calls of nua or nst); su_source
 * read its clock. Fails the test if not. */
void glib_assert_dispatched_by_loop(void);

/* s2_glue.c is compiled (tests/glib/glib.mk) with nst_create and
 * nst_destroy renamed to these: the harness's nua gets its glib root here. */
nst_t *glib_nst_create(su_root_t *root, nua_callback_f callback, nua_magic_t *magic,
                       tag_type_t tag, tag_value_t value, ...);
void glib_nst_destroy(nst_t *nst);

#endif
