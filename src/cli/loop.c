/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - the main loop: GLib's default main context, Sofia's root on it.
 *
 * nst-cli's own work (stdin, signals, RTP, accounts) is GLib sources of
 * the default main context, run by g_main_loop_run(). Sofia's root joins
 * that loop in one of two ways, chosen at run time:
 *
 * - su_glib: a su_glib root whose GSource is attached to the default
 *   context. Where su_glib fires Sofia's timers (Sofia-SIP 1.12.11).
 *
 * - polled: a plain su_root, and GLib's poll function replaced by one
 *   that waits in su_root_step(), GLib's descriptors registered with the
 *   root for that wait. Sofia's descriptors, messages and timers are then
 *   served by the su_root itself, as in su_root_run(). For a su_glib whose
 *   GSource fires no su_timer_t: Sofia-SIP 1.13.17's compares the timers'
 *   wall-clock deadlines (su_now()) with GLib's monotonic clock
 *   (g_source_get_time()), so every timer looks decades away, nua's own
 *   (retransmissions, transaction timeouts) included.
 *
 * su_glib_fires_timers() tells which, without waiting: it asks GLib how
 * long it would wait for a su_glib timer due in one second.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/su_glib.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- quiet */

static void discard_log(void *stream, char const *fmt, va_list ap)
{
  (void)stream, (void)fmt, (void)ap;
}

/* su_glib_root_create() logs a line of its own on Sofia-SIP 1.13
 * ("su_source_port_create() returns ...") at the default level, and the
 * su_root logs a failed registration (a descriptor epoll refuses, e.g. a
 * regular file on stdin) at level 0: nothing a user needs. */
typedef struct { su_logger_f *logger; void *stream; } quiet_t;

static quiet_t quiet_begin(void)
{
  quiet_t q = { su_log_default->log_logger, su_log_default->log_stream };
  su_log_redirect(su_log_default, discard_log, NULL);
  return q;
}

static void quiet_end(quiet_t q)
{
  su_log_redirect(su_log_default, q.logger, q.stream);
}

static su_root_t *quiet_glib_root(void)
{
  quiet_t q = quiet_begin();
  su_root_t *root = su_glib_root_create(NULL);
  quiet_end(q);
  return root;
}

/* ---------------------------------------------------------------- probe */

static void probe_due(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)magic, (void)t, (void)arg;
}

/* Whether su_glib's GSource fires su_timer_t: on a main context of its
 * own, a su_glib root with one timer due in 1000 ms, and what GLib's
 * query says it would wait. A working su_glib says at most 1000 ms;
 * one that reads another clock than su_timer_set() says never (-1) or
 * decades. One prepare/query/check cycle, no waiting. */
static int su_glib_fires_timers(void)
{
  GMainContext *ctx = g_main_context_new();
  su_root_t *root = quiet_glib_root();
  su_timer_t *t = NULL;
  GPollFD fds[16];
  gint priority = 0, timeout = -1, n;
  int fires = 0;

  if (root && g_main_context_acquire(ctx)) {
    g_source_attach(su_glib_root_gsource(root), ctx);
    t = su_timer_create(su_root_task(root), 0);
    if (t && su_timer_set_interval(t, probe_due, NULL, 1000) == 0) {
      g_main_context_prepare(ctx, &priority);
      n = g_main_context_query(ctx, priority, &timeout, fds, G_N_ELEMENTS(fds));
      fires = timeout >= 0 && timeout <= 1000;
      if (g_main_context_check(ctx, priority, fds, MIN(n, (gint)G_N_ELEMENTS(fds))))
        g_main_context_dispatch(ctx);
    }
    su_timer_destroy(t);
    g_main_context_release(ctx);
  }
  if (root) {
    g_source_destroy(su_glib_root_gsource(root));
    su_root_destroy(root);
  }
  g_main_context_unref(ctx);
  return fires;
}

/* ---------------------------------------------------------------- polled */

/* One descriptor of GLib's poll set, as registered with the su_root. */
typedef struct {
  gint   fd;
  gshort events;       /* all GLib polls it for */
  int    index;        /* su_root_register()'s, or -1: epoll refused it */
} pump_wait_t;

/* GLib's poll function has no user data: one su_root per process. */
static struct {
  su_root_t    *root;
  GMainContext *context;
  pump_wait_t  *waits;       /* GLib's descriptors, each once */
  guint         n_waits;
  GPollFD      *fds;         /* GLib's array while it polls, else NULL */
  guint         n_fds;
  int           depth;       /* in su_root_step() */
  int           stepped;     /* the last poll ran the root without waiting */
} pump;

static int on_glib_fd(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
  gint fd = (gint)(intptr_t)arg;
  gushort revents = (gushort)su_wait_events(w, fd);
  guint i;

  (void)magic;
  for (i = 0; pump.fds && i < pump.n_fds; i++)
    if (pump.fds[i].fd == fd)
      pump.fds[i].revents |= revents & (pump.fds[i].events |
                                        G_IO_ERR | G_IO_HUP | G_IO_NVAL);
  return 0;
}

static void unregister_all(void)
{
  guint i;

  for (i = 0; i < pump.n_waits; i++)
    if (pump.waits[i].index >= 0)
      su_root_deregister(pump.root, pump.waits[i].index);
  g_free(pump.waits);
  pump.waits = NULL;
  pump.n_waits = 0;
}

static pump_wait_t *wait_of(pump_wait_t *waits, guint n, gint fd)
{
  guint i;

  for (i = 0; i < n; i++)
    if (waits[i].fd == fd)
      return &waits[i];
  return NULL;
}

/* GLib's descriptors, each once with all the events GLib polls it for. */
static guint collect(GPollFD const *fds, guint n_fds, pump_wait_t *waits)
{
  guint i, n = 0;

  for (i = 0; i < n_fds; i++) {
    pump_wait_t *w = wait_of(waits, n, fds[i].fd);
    if (w == NULL) {
      w = &waits[n++];
      w->fd = fds[i].fd, w->events = 0, w->index = -1;
    }
    w->events |= fds[i].events;
  }
  return n;
}

static int same_set(pump_wait_t const *a, guint na, pump_wait_t const *b, guint nb)
{
  guint i;

  if (na != nb)
    return 0;
  for (i = 0; i < na; i++)
    if (a[i].fd != b[i].fd || a[i].events != b[i].events)
      return 0;
  return 1;
}

/* The su_root polls what GLib polls: registered again only when GLib's
 * set changed (sources added or removed), which is seldom. */
static void sync_waits(GPollFD const *fds, guint n_fds)
{
  pump_wait_t *waits = g_new0(pump_wait_t, MAX(n_fds, 1));
  guint i, n = collect(fds, n_fds, waits);
  quiet_t q;

  if (same_set(waits, n, pump.waits, pump.n_waits)) {
    g_free(waits);
    return;
  }
  unregister_all();
  q = quiet_begin();
  for (i = 0; i < n; i++) {
    su_wait_t w[1];
    if (su_wait_create(w, waits[i].fd, waits[i].events) == 0)
      waits[i].index = su_root_register(pump.root, w, on_glib_fd,
                                        (su_wakeup_arg_t *)(intptr_t)waits[i].fd, 0);
  }
  quiet_end(q);
  pump.waits = waits;
  pump.n_waits = n;
}

/* Descriptors epoll refuses (a regular file, /dev/null) are always ready
 * to poll(): asked directly, without waiting. */
static int poll_refused(GPollFD *fds, guint n_fds)
{
  guint i;
  int ready = 0;

  for (i = 0; i < n_fds; i++) {
    pump_wait_t *w = wait_of(pump.waits, pump.n_waits, fds[i].fd);
    if (w && w->index < 0 && g_poll(&fds[i], 1, 0) > 0)
      ready++;
  }
  return ready;
}

static gint count_ready(GPollFD const *fds, guint n_fds)
{
  guint i;
  gint n = 0;

  for (i = 0; i < n_fds; i++)
    n += fds[i].revents != 0;
  return n;
}

/* GLib's poll, through the su_root. The su_root runs Sofia's callbacks
 * in its step, some before it waits (timers due, messages queued); what
 * they change in GLib (a source added) GLib sees only when it prepares
 * again, and it adds no wakeup for its own thread. So the poll that
 * follows a blocking step does not wait: it runs what is due and returns,
 * GLib prepares again with those changes, and only the poll after that
 * waits, for what GLib and the su_root then know. Two GLib iterations
 * for each wakeup; none while idle. */
static gint poll_through_root(GPollFD *fds, guint n_fds, gint timeout)
{
  guint i;
  su_duration_t wait;

  if (pump.depth > 0)           /* a Sofia callback iterating GLib itself */
    return g_poll(fds, n_fds, timeout);
  sync_waits(fds, n_fds);
  for (i = 0; i < n_fds; i++)
    fds[i].revents = 0;
  wait = poll_refused(fds, n_fds) > 0 || !pump.stepped ? 0
       : timeout < 0 ? SU_WAIT_FOREVER : timeout;

  pump.fds = fds, pump.n_fds = n_fds;
  pump.depth++;
  su_root_step(pump.root, wait);
  pump.depth--;
  pump.fds = NULL, pump.n_fds = 0;
  pump.stepped = !pump.stepped;
  return count_ready(fds, n_fds);
}

static void pump_start(su_root_t *root)
{
  pump.root = root;
  pump.context = g_main_context_default();
  pump.stepped = 0;
  g_main_context_set_poll_func(pump.context, poll_through_root);
}

static void pump_stop(void)
{
  if (pump.root == NULL)
    return;
  g_main_context_set_poll_func(pump.context, NULL);   /* g_poll() again */
  unregister_all();
  pump.root = NULL;
}

/* ---------------------------------------------------------------- loop */

int cli_loop_create(cli_t *cli)
{
  char const *forced = getenv("NST_CLI_LOOP");

  cli->polled = forced ? strcmp(forced, "polled") == 0 : !su_glib_fires_timers();
  cli->loop_forced = forced != NULL;
  if (cli->polled)
    cli->root = su_root_create(NULL);
  else {
    cli->root = quiet_glib_root();
    if (cli->root)
      g_source_attach(su_glib_root_gsource(cli->root), g_main_context_default());
  }
  if (cli->root == NULL)
    return -1;
  cli->loop = g_main_loop_new(g_main_context_default(), FALSE);
  return 0;
}

char const *cli_loop_describe(cli_t const *cli)
{
  if (cli->loop_forced)
    return cli->polled ? "GLib main loop polling a plain su_root (NST_CLI_LOOP)"
                       : "GLib main loop, Sofia on su_glib (NST_CLI_LOOP)";
  return cli->polled
    ? "GLib main loop polling a plain su_root (this Sofia-SIP's su_glib fires no timers)"
    : "GLib main loop, Sofia on su_glib";
}

void cli_loop_run(cli_t *cli)
{
  if (cli->polled)
    pump_start(cli->root);
  g_main_loop_run(cli->loop);
  pump_stop();
}

void cli_loop_destroy(cli_t *cli)
{
  if (cli->loop)
    g_main_loop_unref(cli->loop);
  cli->loop = NULL;
  if (cli->root)
    su_root_destroy(cli->root);
  cli->root = NULL;
}
