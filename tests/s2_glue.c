/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst test glue for Sofia's s2check harness.
 *
 * - nst_test_nua_create()/nst_test_nua_destroy(): check_nua.c is compiled
 *   with nua_create/nua_destroy renamed to these, so every nua the harness
 *   creates has nst attached, the way an application adopts nst.
 * - Stubs for the case lists check_nua.c's (renamed, unused) main() names.
 */
#include "config.h"

#include "s2_glue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* nua with nst attached */

nst_t *s2_nst;
struct nst_recorded_event *s2_nst_events;
int s2_nst_destroy_on_event = -1;
void (*s2_nst_event_hook)(nst_t *nst, nst_event_t event, nua_handle_t *nh);

static void record_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                             nua_hmagic_t *hmagic, nst_info_t const *info,
                             void *magic)
{
  struct nst_recorded_event *e = calloc(1, sizeof *e), **tail;

  (void)hmagic, (void)magic;
  e->event = event;
  e->nh = nh;
  e->info = *info;
  e->info.ni_phrase = NULL;      /* not valid after the callback */
  su_time(&e->when);
  for (tail = &s2_nst_events; *tail; tail = &(*tail)->next)
    ;
  *tail = e;

  /* An application that destroys the call from nst's callback. */
  if ((int)event == s2_nst_destroy_on_event)
    nst_handle_destroy(nst, nh);
  else if (s2_nst_event_hook)
    s2_nst_event_hook(nst, event, nh);
}

/* ---------------------------------------------------------------------- */
/* The transitions nst's calls take, read from its log (level 7: "nst: 0x..
 * transition FROM --EVENT--> TO"). An unlisted transition fails the test
 * at once; every line goes on to stderr as it would have. */

static char transitions_taken[1 << 16];

static void transitions_logger(void *stream, char const *fmt, va_list ap)
{
  char line[512], *t;
  size_t used = strlen(transitions_taken);

  (void)stream;
  vsnprintf(line, sizeof line, fmt, ap);
  fputs(line, stderr);
  ck_assert_msg(strstr(line, " unlisted transition ") == NULL, "%s", line);
  t = strstr(line, " transition ");
  if (t && used + strlen(t) < sizeof transitions_taken)
    strcat(transitions_taken, t + 1);   /* "transition A --e--> B\n" */
}

static void transitions_record(void)
{
  transitions_taken[0] = '\0';
  su_log_redirect(nst_log, transitions_logger, NULL);
  su_log_set_level(nst_log, 7);
}

int nst_transition_taken(char const *transition)
{
  char want[128];

  snprintf(want, sizeof want, "transition %s\n", transition);
  return strstr(transitions_taken, want) != NULL;
}

char const *nst_transitions_taken(void)
{
  return transitions_taken;
}

nua_t *nst_test_nua_create(su_root_t *root, nua_callback_f callback,
                           nua_magic_t *magic, tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;

  transitions_record();
  ta_start(ta, tag, value);
  s2_nst = nst_create(root, callback, magic,
                      /* The s2 peer is on IPv4 loopback (doc/nua-integration.md 7). */
                      NUTAG_URL("sip:127.0.0.1:*"),
                      /* s2_fast_forward() moves Sofia's clock through its
                       * hooks, which a kernel timerfd cannot see. */
                      NSTTAG_TIMER_SOURCE(nst_timer_su),
                      ta_tags(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
  if (s2_nst == NULL)
    return NULL;
  nst_set_callback(s2_nst, record_nst_event, NULL);
  return nst_nua(s2_nst);
}

void nst_test_nua_destroy(nua_t *nua)
{
  (void)nua;
  nst_destroy(s2_nst);
  s2_nst = NULL;
  s2_nst_destroy_on_event = -1;
  s2_nst_event_hook = NULL;
  nst_flush_recorded_events();
}

struct nst_recorded_event *nst_next_recorded_event(void)
{
  struct nst_recorded_event *e = s2_nst_events;
  if (e)
    s2_nst_events = e->next, e->next = NULL;
  return e;
}

void nst_flush_recorded_events(void)
{
  struct nst_recorded_event *e;
  while ((e = nst_next_recorded_event()))
    free(e);
}

/* ---------------------------------------------------------------------- */
/* Referenced by check_nua.c's own (renamed, never called) main(). */

void check_session_cases(Suite *suite, int threading) { (void)suite, (void)threading; }
void check_register_cases(Suite *suite, int threading) { (void)suite, (void)threading; }
void check_etsi_cases(Suite *suite, int threading) { (void)suite, (void)threading; }
void check_simple_cases(Suite *suite, int threading) { (void)suite, (void)threading; }
