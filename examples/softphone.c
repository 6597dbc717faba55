/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * softphone.c - a complete nua application with nst: two softphones,
 * alice and bob, in one process on 127.0.0.1. Alice calls bob, bob
 * answers, both print what nst tells them, alice sends an UPDATE of her
 * own, holds the call for the seconds given (default 0) and hangs up.
 *
 *   cc softphone.c $(pkg-config --cflags --libs nst) -o softphone
 *   ./softphone        # a call of a moment: negotiation, UPDATE, BYE
 *   ./softphone 50     # ... and nst's refresh by UPDATE at 45 s
 *
 * What changes from a plain nua program is marked "nst:". Exit status 0
 * when the call went through and ended by alice's BYE.
 */
#include <nst/nst.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/url.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define SDP "v=0\r\nm=audio 5004 RTP/AVP 0 8\r\n"

typedef struct phone_s {
  char const   *name;
  nst_t        *nst;
  nua_handle_t *call;
  int           updated;    /* alice: her own UPDATE was answered */
  int           shut_down;
} phone_t;

static su_root_t *root;
static phone_t alice = { .name = "alice" }, bob = { .name = "bob" };
static unsigned hold_seconds;
static int call_ended;     /* alice's BYE was answered 200 */

static void say(phone_t *p, char const *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* One line of output, after the phone's name. */
static void say(phone_t *p, char const *fmt, ...)
{
  va_list ap;

  printf("%-5s ", p->name);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

/* nst: what the session timer does, in the su_root's thread. */
static void on_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, nst_info_t const *info,
                         void *magic)
{
  phone_t *p = magic;

  (void)nst, (void)nh, (void)hmagic;
  printf("%-5s %s: interval %u s, refresher %s, method %s, refreshes %u",
         p->name, nst_event_name(event), info->ni_interval,
         nst_refresher_name(info->ni_refresher),
         nst_method_name(info->ni_method), info->ni_refreshes);
  if (info->ni_status)
    printf(", %d %s", info->ni_status, info->ni_phrase ? info->ni_phrase : "");
  printf("\n");
  fflush(stdout);
}

static void hang_up(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)magic, (void)arg;
  su_timer_destroy(t);
  say(&alice, "hangs up");
  nua_bye(alice.call, TAG_END());
}

/* Bob's contact is known once his nua is bound: alice calls it. */
static void call_bob(tagi_t const *tags)
{
  sip_contact_t const *m = NULL;
  char *to;

  tl_gets(tags, NTATAG_CONTACT_REF(m), TAG_END());
  if (m == NULL) {
    fprintf(stderr, "softphone: bob has no contact\n");
    su_root_break(root);
    return;
  }
  to = url_as_string(NULL, m->m_url);
  say(&alice, "calls %s", to);
  alice.call = nua_handle(nst_nua(alice.nst), &alice, SIPTAG_TO_STR(to), TAG_END());
  free(to);
  /* nst: nua_invite() becomes nst_invite(): timer headers added. */
  nst_invite(alice.nst, alice.call, SOATAG_USER_SDP_STR(SDP), TAG_END());
}

static void on_call_state(phone_t *p, nua_handle_t *nh, tagi_t const *tags)
{
  int state = nua_callstate_init;

  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  say(p, "call %s", nua_callstate_name(state));
  if (state == nua_callstate_ready && p == &alice && !alice.updated)
    /* nst: nua_update() becomes nst_update(). */
    nst_update(alice.nst, nh, TAG_END());
  else if (state == nua_callstate_terminated) {
    /* nst: nua_handle_destroy() becomes nst_handle_destroy(). */
    nst_handle_destroy(p->nst, nh);
    if (p->call == nh)
      p->call = NULL;
    if (alice.call == NULL && bob.call == NULL) {
      nua_shutdown(nst_nua(alice.nst));
      nua_shutdown(nst_nua(bob.nst));
    }
  }
}

static void on_nua_event(nua_event_t event, int status, char const *phrase,
                         nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  phone_t *p = (phone_t *)magic;

  (void)nua, (void)hmagic, (void)sip;
  switch (event) {
  case nua_r_get_params:
    if (p == &bob)
      call_bob(tags);
    break;
  case nua_i_invite:
    if (p == &bob && bob.call == NULL) {
      bob.call = nh;
      nua_handle_bind(nh, &bob);
      say(p, "answers (%d %s)", status, phrase);
      /* nst: nua_respond() becomes nst_respond(): Session-Expires added. */
      nst_respond(bob.nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(SDP), TAG_END());
    }
    break;
  case nua_r_update:
    say(p, "UPDATE answered %d %s", status, phrase);
    if (status >= 200 && p == &alice && !alice.updated) {
      alice.updated = 1;
      su_timer_set_interval(su_timer_create(su_root_task(root), 0), hang_up,
                            NULL, (su_duration_t)hold_seconds * 1000);
    }
    break;
  case nua_r_bye:
    say(p, "BYE answered %d %s", status, phrase);
    if (status == 200)
      call_ended = 1;
    break;
  case nua_i_bye:
    say(p, "peer hung up (%d %s)", status, phrase);
    break;
  case nua_i_state:
    on_call_state(p, nh, tags);
    break;
  case nua_r_shutdown:
    if (status >= 200) {
      p->shut_down = 1;
      if (alice.shut_down && bob.shut_down)
        su_root_break(root);
    }
    break;
  default:
    if (status >= 300)
      say(p, "%s: %d %s", nua_event_name(event), status, phrase);
    break;
  }
}

static int phone_create(phone_t *p)
{
  /* nst: nua_create() becomes nst_create(); NSTTAG_* set the defaults. */
  p->nst = nst_create(root, on_nua_event, (nua_magic_t *)p,
                      NUTAG_URL("sip:127.0.0.1:*"),
                      NSTTAG_SESSION_EXPIRES(90), NSTTAG_MIN_SE(90),
                      TAG_END());
  if (p->nst == NULL)
    return -1;
  nst_set_callback(p->nst, on_nst_event, p);
  return 0;
}

int main(int argc, char *argv[])
{
  if (argc > 1)
    hold_seconds = (unsigned)strtoul(argv[1], NULL, 10);
  if (su_init() != 0 || (root = su_root_create(NULL)) == NULL)
    return 1;
  if (phone_create(&alice) < 0 || phone_create(&bob) < 0) {
    fprintf(stderr, "softphone: nst_create failed\n");
    return 1;
  }
  nua_get_params(nst_nua(bob.nst), TAG_ANY(), TAG_END());

  su_root_run(root);

  /* nst: nua_destroy() becomes nst_destroy(). */
  nst_destroy(alice.nst);
  nst_destroy(bob.nst);
  su_root_destroy(root);
  su_deinit();
  printf("softphone: %s\n", call_ended ? "call ended by alice's BYE" : "FAILED");
  return call_ended ? 0 : 1;
}
