/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - the call: nua and nst callbacks, one timestamped line per event.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define CLI_SDP      "v=0\r\nm=audio 5004 RTP/AVP 0 8\r\n"
#define CLI_SDP_HOLD "v=0\r\nm=audio 5004 RTP/AVP 0 8\r\na=sendonly\r\n"

/* "HH:MM:SS.mmm NAME: text" */
void cli_say(cli_t const *cli, char const *fmt, ...)
{
  struct timeval tv;
  struct tm tm;
  char stamp[16];
  va_list ap;

  gettimeofday(&tv, NULL);
  localtime_r(&tv.tv_sec, &tm);
  strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  printf("%s.%03ld %s: ", stamp, (long)tv.tv_usec / 1000, cli->name);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

/* Our SDP: sendrecv, or sendonly while we hold the call; with --media,
 * on the port of our RTP session. */
char const *cli_sdp(cli_t const *cli)
{
  cli_t *c = (cli_t *)cli;

  if (cli->rtp == NULL)
    return cli->held ? CLI_SDP_HOLD : CLI_SDP;
  snprintf(c->sdp, sizeof c->sdp, "v=0\r\nm=audio %d RTP/AVP 0 8\r\n%s", cli->rtp_port,
           cli->held ? "a=sendonly\r\n" : "");
  return c->sdp;
}

void cli_set_end(cli_t *cli, cli_end_t why)
{
  if (cli->end == CLI_END_NONE)
    cli->end = why;
}

static void stop_due(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  cli_t *cli = (cli_t *)arg;
  (void)magic, (void)t;
  cli_say(cli, "unregister: no answer in 5 s, exiting anyway");
  cli_shutdown(cli);
}

/* Exit: remove the registration first (5 s at most), then stop nua. */
void cli_stop(cli_t *cli)
{
  if (cli->shutting_down)
    return;
  cli->shutting_down = 1;
  if (cli->reg && cli->registered) {
    cli_say(cli, "unregistering");
    nua_unregister(cli->reg, TAG_END());
    su_timer_set_interval(cli->stop_timer, stop_due, (su_timer_arg_t *)cli, 5000);
  }
  else
    cli_shutdown(cli);
}

void cli_shutdown(cli_t *cli)
{
  if (cli->nua_stopping)
    return;
  cli->nua_stopping = 1;
  su_timer_reset(cli->stop_timer);
  nua_shutdown(cli->nua);
}

static int send_invite(cli_t *cli, sip_contact_t const *contact);

/* Place the call; -1 (said) if it could not be sent. */
int cli_place_call(cli_t *cli)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  char const *why = NULL;
  sip_to_t *to = cli_target_to(home, cli->set->target, &why);

  cli->outgoing = 1;
  if (to)
    cli->call = nua_handle(cli->nua, NULL, SIPTAG_TO(to), TAG_END());
  su_home_deinit(home);
  if (cli->call == NULL) {
    cli_say(cli, "call failed: cannot make a call to '%s' (%s)", cli->set->target,
            why ? why : "nua_handle() failed");
    cli_set_end(cli, CLI_END_FAILED);
    return -1;
  }
#if SOFIA_NUA_ADDS_CONTACT
  return send_invite(cli, NULL);
#else
  /* nua 1.13 adds no Contact to requests by itself (1.12 made one), and
   * without it the peer cannot send us its refreshes or BYE. nua gives its
   * own in the answer to nua_get_params() (NTATAG_CONTACT): the INVITE goes
   * from there (cli_on_params()); nua keeps it as the dialog's Contact, for
   * our later requests (refreshes, BYE) too. */
  cli->awaiting_contact = 1;
  nua_get_params(cli->nua, TAG_ANY(), TAG_END());
  return 0;
#endif
}

/* Send the INVITE of the call, with @a contact if not NULL; -1 (said) if
 * nst refused it. */
static int send_invite(cli_t *cli, sip_contact_t const *contact)
{
  /* -T: a UA without the extension does not list "timer" in Supported
   * (RFC 4028 7.1), so no proxy or peer can make us refresh (sections 8
   * and 9 then have the UAS refresh, without Require: timer). */
  if (nst_invite(cli->nst, cli->call, SOATAG_USER_SDP_STR(cli_sdp(cli)),
                 TAG_IF(contact, SIPTAG_CONTACT(contact)),
                 TAG_IF(cli->timers_off, SIPTAG_SUPPORTED_STR(CLI_SUPPORTED_NO_TIMER)),
                 TAG_END()) < 0) {
    cli_say(cli, "call failed: nst_invite() refused to send the INVITE "
            "(NST_DEBUG=3 says why)");
    cli_set_end(cli, CLI_END_FAILED);
    nst_handle_destroy(cli->nst, cli->call);
    cli->call = NULL;
    return -1;
  }
  return 0;
}

/* nua's parameters, asked for by cli_place_call() on Sofia-SIP 1.13: the
 * INVITE goes now, with nua's own Contact. */
static void cli_on_params(cli_t *cli, tagi_t const *tags)
{
  sip_contact_t const *m = NULL;

  if (!cli->awaiting_contact || cli->call == NULL)
    return;
  cli->awaiting_contact = 0;
  tl_gets(tags, NTATAG_CONTACT_REF(m), TAG_END());
  if (send_invite(cli, m) < 0)
    cli_stop(cli);
}

/* Who said a response: the address it came from (and its Server or
 * User-Agent), or, when no message came from the network (nta and nua make
 * up 408 and 503 for timeouts and transport errors, with our own Via and
 * no source address), that the stack made it up locally. */
void cli_who_said(cli_t const *cli, char *buf, size_t size, int status, sip_t const *sip)
{
  char host[80];
  char const *product = NULL;

  if (sip == NULL || cli_source(cli, host, sizeof host) < 0) {
    snprintf(buf, size, "made up locally by the SIP stack: %s",
             status == 408 ? "no answer came (transaction timeout)" :
             status == 503 ? "the next hop could not be reached (transport error)" :
             "no response came from the network");
    return;
  }
  if (sip->sip_server)
    product = sip->sip_server->g_string;
  else if (sip->sip_user_agent)
    product = sip->sip_user_agent->g_string;
  snprintf(buf, size, "said by %s%s%s", host, product ? ", " : "", product ? product : "");
}

/* "ADDRESS:PORT" (IPv6 in brackets) the message nua is reporting came
 * from; -1 if it came from no network (one nta or nua made up). */
int cli_source(cli_t const *cli, char *buf, size_t size)
{
  msg_t *msg = nua_current_request(cli->nua);
  su_addrinfo_t *ai = msg ? msg_addrinfo(msg) : NULL;
  char host[64] = "";

  if (ai && ai->ai_addrlen && ai->ai_addr)
    su_inet_ntop(ai->ai_family, SU_ADDR((su_sockaddr_t *)ai->ai_addr), host, sizeof host);
  if (host[0] == '\0')
    return -1;
  snprintf(buf, size, "%s%s%s:%u", ai->ai_family == AF_INET6 ? "[" : "", host,
           ai->ai_family == AF_INET6 ? "]" : "",
           ntohs(((su_sockaddr_t *)ai->ai_addr)->su_port));
  return 0;
}

/* The call is over without a BYE (a final failure to our INVITE): nua
 * reports no "terminated" state after 401/407, so end here. */
static void end_failed_call(cli_t *cli)
{
  cli_say(cli, "call ended (call failed)");
  nst_handle_destroy(cli->nst, cli->call);
  cli->call = NULL;
  cli_stop(cli);
}

static void hangup_due(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  cli_t *cli = (cli_t *)arg;
  (void)magic, (void)t;
  if (cli->call && cli->end == CLI_END_NONE) {
    cli_say(cli, "hanging up after %u s (BYE)", cli->set->duration);
    cli_set_end(cli, CLI_END_DURATION);
    nua_bye(cli->call, TAG_END());
  }
}

/* ---------------------------------------------------------------------- */
/* nst events */

static char const *who(nst_refresher_t r)
{
  return r == nst_refresher_local ? "we refresh" :
         r == nst_refresher_remote ? "peer refreshes" : "no refresher";
}

void cli_on_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                      nua_hmagic_t *hmagic, nst_info_t const *info, void *magic)
{
  cli_t *cli = magic;
  long next = nst_next_timer_ms(nst, nh);

  (void)hmagic;
  switch (event) {
  case nst_ev_negotiated:
    if (info->ni_interval)
      cli_say(cli, "session timer negotiated: interval %u s, %s%s%s",
              info->ni_interval, who(info->ni_refresher),
              info->ni_refresher == nst_refresher_local ? " by " : "",
              info->ni_refresher == nst_refresher_local ? nst_method_name(info->ni_method) : "");
    else
      cli_say(cli, "no session timer on this call");
    if (cli->timers_off && info->ni_interval && info->ni_refresher == nst_refresher_local)
      /* -T listed no "timer": a UAS (or proxy) that makes us refresh
       * breaks RFC 4028 section 9 (8.2 inserts refresher=uac only for a
       * UAC that supports timers). nst refreshes all the same, rather than
       * let the call expire. */
      cli_say(cli, "  warning: -T, but the 2xx makes us the refresher (refresher=uac) "
              "although our request did not list timer in Supported (RFC 4028 "
              "section 9 wants refresher=uas); nst refreshes all the same");
    break;
  case nst_ev_refresh_sent:
    cli_say(cli, "refresh #%u sent by %s", info->ni_refreshes,
            nst_method_name(info->ni_method));
    return;
  case nst_ev_refresh_answered:
    cli->call_auth_tries = 0;
    cli_say(cli, "refresh answered %d %s", info->ni_status,
            info->ni_phrase ? info->ni_phrase : "");
    break;
  case nst_ev_refresh_challenged: {
    /* Inside nua's callback for the challenge: nua sends the refresh again
     * once answered, and nst sends the next ones with the credentials nua
     * keeps. Not a failure. */
    msg_t *msg = nua_current_request(cli->nua);
    sip_t const *sip = msg ? sip_object(msg) : NULL;
    char said[160];

    cli_who_said(cli, said, sizeof said, info->ni_status, sip);
    cli_say(cli, "refresh challenged: %d %s (%s)", info->ni_status,
            info->ni_phrase ? info->ni_phrase : "", said);
    cli_authenticate(cli, nh, "refresh", info->ni_status, info->ni_phrase,
                     sip, &cli->call_auth_tries);
    return;
  }
  case nst_ev_refresh_failed: {
    /* We are inside nua's callback for the response: its message is the
     * current one (none: nta or nua made the response up). */
    msg_t *msg = nua_current_request(cli->nua);
    sip_t const *sip = msg ? sip_object(msg) : NULL;
    char said[160];

    if (sip && sip->sip_status == NULL)
      sip = NULL;     /* not a response: nst's own decision */
    cli_who_said(cli, said, sizeof said, info->ni_status, sip);
    cli_say(cli, "refresh failed: %d %s (%s)", info->ni_status,
            info->ni_phrase ? info->ni_phrase : "", said);
    /* nst reports once it decided: say what really comes next. */
    if (info->ni_status == 422 && info->ni_refresh_in_ms == 0)
      cli_say(cli, "  next: sending it again now with Session-Expires %u, Min-SE %u",
              info->ni_interval, info->ni_min_se);
    else if (info->ni_refresh_in_ms == 0)
      cli_say(cli, "  next: refresh again now by %s", nst_method_name(info->ni_method));
    else if (info->ni_refresh_in_ms >= 0)
      cli_say(cli, "  next: refresh again in %.3f s", info->ni_refresh_in_ms / 1000.0);
    else if (info->ni_expires_in_ms >= 0)
      cli_say(cli, "  next: no retry; the session expires in %.3f s (BYE)",
              info->ni_expires_in_ms / 1000.0);
    else {
      /* RFC 4028 section 10: 408, 481 or no answer ends the session */
      if (cli->end == CLI_END_NONE)
        snprintf(cli->end_why, sizeof cli->end_why, "%d %s, %s", info->ni_status,
                 info->ni_phrase ? info->ni_phrase : "", said);
      cli_set_end(cli, CLI_END_REFRESH);
      cli_say(cli, "  next: ending the call now (BYE): a refresh answered %d ends the "
              "session (RFC 4028 section 10)", info->ni_status);
    }
    return;
  }
  case nst_ev_rejected:
    if (info->ni_status == 422)
      cli_say(cli, "rejected the peer's request: 422 Session Interval Too Small "
              "(Min-SE: %u)", info->ni_min_se);
    else
      cli_say(cli, "rejected the peer's request: %d %s (Require: timer)",
              info->ni_status, info->ni_phrase ? info->ni_phrase : "");
    return;
  case nst_ev_refresh_received:
    cli_say(cli, "refresh #%u received from peer, answered 200 (interval %u s, %s)",
            info->ni_refreshes, info->ni_interval, who(info->ni_refresher));
    break;
  case nst_ev_expired:
    cli_set_end(cli, CLI_END_EXPIRED);
    cli_say(cli, "session expired: no refresh within the interval, sending BYE "
            "(Reason: SIP;cause=408;text=\"Session timeout\")");
    return;
  case nst_ev_expiring:
    cli_say(cli, "session about to expire: BYE in %.3f s unless refreshed",
            info->ni_expires_in_ms / 1000.0);
    return;
  case nst_ev_lifetime_expiring:
    cli_say(cli, "call lifetime ran out");
    return;
  case nst_ev_lifetime_expired:
    cli_set_end(cli, CLI_END_LIFETIME);
    cli_say(cli, "call lifetime over: sending BYE");
    return;
  case nst_ev_ended:
    cli_say(cli, "call handle destroyed: session timer stopped");
    return;
  }
  if (next >= 0)
    cli_say(cli, "  next timer in %.3f s (%s)", next / 1000.0,
            info->ni_refresher == nst_refresher_local ? "refresh" : "expiry BYE");
}

/* ---------------------------------------------------------------------- */
/* nua events */

/* "Session-Expires: 90;refresher=uac, Min-SE: 90, Require: timer" */
static void describe_timer_headers(cli_t const *cli, char const *what, sip_t const *sip)
{
  sip_session_expires_t const *x = nst_session_expires(cli->nst, sip);
  sip_min_se_t const *min = nst_min_se(cli->nst, sip);
  char buf[256];
  size_t n = 0;

  buf[0] = '\0';
  if (x)
    n += snprintf(buf + n, sizeof buf - n, "Session-Expires: %lu%s%s", x->x_delta,
                  x->x_refresher ? ";refresher=" : "",
                  x->x_refresher ? x->x_refresher : "");
  if (min && n < sizeof buf)
    n += snprintf(buf + n, sizeof buf - n, "%sMin-SE: %lu", n ? ", " : "", min->min_delta);
  if (sip && sip_has_feature(sip->sip_supported, "timer") && n < sizeof buf)
    n += snprintf(buf + n, sizeof buf - n, "%sSupported: timer", n ? ", " : "");
  if (sip && sip_has_feature(sip->sip_require, "timer") && n < sizeof buf)
    n += snprintf(buf + n, sizeof buf - n, "%sRequire: timer", n ? ", " : "");
  cli_say(cli, "%s: %s", what, n ? buf : "no session-timer headers");
}

/* The media direction an SDP body asks for: " (SDP a=sendonly)", or "". */
static char const *sdp_direction(sip_t const *sip)
{
  static char const *const dirs[] = { "sendonly", "recvonly", "inactive", "sendrecv" };
  char const *body;
  size_t i, len;

  if (sip == NULL || sip->sip_payload == NULL || sip->sip_payload->pl_data == NULL)
    return "";
  body = sip->sip_payload->pl_data;
  len = sip->sip_payload->pl_len;
  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    size_t k, n = strlen(dirs[i]);
    for (k = 0; k + n + 2 <= len; k++)
      if (body[k] == 'a' && body[k + 1] == '=' && memcmp(body + k + 2, dirs[i], n) == 0)
        return i == 0 ? " (SDP a=sendonly)" : i == 1 ? " (SDP a=recvonly)" :
               i == 2 ? " (SDP a=inactive)" : " (SDP a=sendrecv)";
  }
  return " (SDP sendrecv)";
}

char const *cli_audio_name(int audio)
{
  switch (audio) {
  case SOA_ACTIVE_SENDRECV: return "sendrecv";
  case SOA_ACTIVE_SENDONLY: return "sendonly (we hold the call)";
  case SOA_ACTIVE_RECVONLY: return "recvonly (the peer holds the call)";
  case SOA_ACTIVE_INACTIVE: return "inactive";
  case SOA_ACTIVE_REJECTED: return "rejected";
  default: return "not negotiated";
  }
}

static void on_incoming_invite(cli_t *cli, nua_handle_t *nh, sip_t const *sip)
{
  if (cli->call == NULL && !cli->shutting_down) {
    char what[48];
    char const *proto = sip && sip->sip_via ? strrchr(sip->sip_via->v_protocol, '/') : NULL;

    cli->call = nh;
    snprintf(what, sizeof what, "incoming INVITE over %s", proto ? proto + 1 : "?");
    describe_timer_headers(cli, what, sip);
    cli_say(cli, "answering 200 OK");
    /* -T: our 2xx lists no "timer" either (as the INVITE of send_invite()) */
    nst_respond(cli->nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(cli_sdp(cli)),
                TAG_IF(cli->timers_off, SIPTAG_SUPPORTED_STR(CLI_SUPPORTED_NO_TIMER)),
                TAG_END());
  }
  else if (cli->call != nh) {
    nua_respond(nh, SIP_486_BUSY_HERE, TAG_END());
    nua_handle_destroy(nh);
  }
  else {
    cli_say(cli, "re-INVITE from peer answered 200 OK%s", sdp_direction(sip));
    describe_timer_headers(cli, "  its headers", sip);
  }
}

static void on_invite_response(cli_t *cli, int status, char const *phrase, sip_t const *sip)
{
  if (status < 200)
    return;
  if (!cli->answered && cli->outgoing) {     /* the initial INVITE */
    if ((status == 401 || status == 407) &&
        cli_authenticate(cli, cli->call, "call", status, phrase, sip, &cli->call_auth_tries))
      return;
    if (status >= 300) {
      char who[160];
      cli_who_said(cli, who, sizeof who, status, sip);
      cli_say(cli, "call failed: %03d %s (%s)", status, phrase, who);
      cli_set_end(cli, CLI_END_FAILED);
      end_failed_call(cli);
    }
    else {
      cli->call_auth_tries = 0;
      cli_say(cli, "call answered: %03d %s", status, phrase);
      describe_timer_headers(cli, "  its 2xx", sip);
    }
    return;
  }
  if ((status == 401 || status == 407) &&
      cli_authenticate(cli, cli->call, "re-INVITE", status, phrase, sip, &cli->call_auth_tries))
    return;
  if (status < 300)
    cli->call_auth_tries = 0;
  cli_say(cli, "%s%sre-INVITE answered %03d %s%s", cli->pending ? cli->pending : "",
          cli->pending ? ": " : "", status, phrase, sdp_direction(sip));
  cli->pending = NULL;
}

static void on_call_ready(cli_t *cli, nua_handle_t *nh)
{
  cli->answered = 1;
  if (cli->set->duration)
    su_timer_set_interval(cli->hangup_timer, hangup_due, (su_timer_arg_t *)cli,
                          (su_duration_t)cli->set->duration * 1000);
  if (cli->set->lifetime) {
    unsigned granted = 0;
    nst_lifetime_t r = nst_set_lifetime(cli->nst, nh, cli->set->lifetime, &granted);
    cli_say(cli, "call lifetime %s: %u s", nst_lifetime_name(r), granted);
  }
}

/* "BYE from peer (received from ADDRESS:PORT, User-Agent: X), Reason: R":
 * through a proxy the address is the proxy's; the Reason header says why
 * the far side (or a PBX on its behalf) ended the call. */
static void say_bye_from_peer(cli_t *cli, sip_t const *sip)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  char from[80];
  GString *reasons = g_string_new(NULL);
  sip_reason_t const *re;
  char const *ua = sip && sip->sip_user_agent ? sip->sip_user_agent->g_string : NULL;

  if (cli_source(cli, from, sizeof from) < 0)
    snprintf(from, sizeof from, "an unknown address");
  for (re = sip ? sip->sip_reason : NULL; re; re = re->re_next) {
    char *v = sip_header_as_string(home, (sip_header_t const *)re);
    g_string_append_printf(reasons, "%s%s", reasons->len ? ", " : "", v ? v : "?");
  }
  cli_say(cli, "BYE from peer (received from %s%s%s), %s%s", from, ua ? ", User-Agent: " : "",
          ua ? ua : "", reasons->len ? "Reason: " : "no Reason header",
          reasons->str);
  g_string_free(reasons, TRUE);
  su_home_deinit(home);
}

static char const *end_text(cli_t *cli)
{
  static char buf[sizeof ((cli_t *)0)->end_why + 48];

  if (cli->end == CLI_END_REFRESH) {
    snprintf(buf, sizeof buf, " (a refresh failed: %s; nst sent BYE)", cli->end_why);
    return buf;
  }
  switch (cli->end) {
  case CLI_END_PEER: return " (the peer hung up)";
  case CLI_END_DURATION: return " (we hung up at the end of --duration)";
  case CLI_END_COMMAND: return " (we hung up by command)";
  case CLI_END_EXPIRED: return " (session expired)";
  case CLI_END_LIFETIME: return " (call lifetime over)";
  case CLI_END_FAILED: return " (call failed)";
  case CLI_END_REGISTER: return " (registration failed)";
  default: return "";
  }
}

static void on_state(cli_t *cli, nua_handle_t *nh, tagi_t const *tags)
{
  int state = -1, audio = -99;
  char const *remote_sdp = NULL;

  tl_gets(tags, NUTAG_CALLSTATE_REF(state), SOATAG_ACTIVE_AUDIO_REF(audio),
          SOATAG_REMOTE_SDP_STR_REF(remote_sdp), TAG_END());
  if (nh != cli->call)
    return;
  if (remote_sdp) {
    g_free(cli->remote_sdp);
    cli->remote_sdp = g_strdup(remote_sdp);
    if (cli->answered)
      cli_media_start(cli, cli->remote_sdp);   /* the peer moved its media */
  }
  if (state >= 0)
    cli->callstate = state;
  if (audio != -99 && audio != cli->audio && state != nua_callstate_terminated) {
    cli->audio = audio;
    if (cli->answered || state == nua_callstate_ready)
      cli_say(cli, "media: audio %s", cli_audio_name(audio));
  }
  if (state == nua_callstate_ready && !cli->answered) {
    on_call_ready(cli, nh);
    cli_media_start(cli, cli->remote_sdp);
  }
  else if (state == nua_callstate_terminated) {
    cli_media_stop(cli);
    cli_say(cli, "call ended%s", end_text(cli));
    nst_handle_destroy(cli->nst, nh);
    cli->call = NULL;
    cli_stop(cli);
  }
}

void cli_on_nua_event(nua_event_t event, int status, char const *phrase,
                      nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                      nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  cli_t *cli = (cli_t *)magic;

  (void)nua, (void)hmagic;

  switch (event) {
  case nua_i_invite:
    on_incoming_invite(cli, nh, sip);
    break;
  case nua_r_invite:
    if (nh == cli->call)
      on_invite_response(cli, status, phrase, sip);
    break;
  case nua_i_update:
    cli_say(cli, "UPDATE from peer answered 200 OK%s", sdp_direction(sip));
    describe_timer_headers(cli, "  its headers", sip);
    break;
  case nua_r_update:
    if ((status == 401 || status == 407) &&
        cli_authenticate(cli, nh, "UPDATE", status, phrase, sip, &cli->call_auth_tries))
      break;
    if (status >= 200) {
      cli_say(cli, "%s%sUPDATE answered %03d %s", cli->pending ? cli->pending : "",
              cli->pending ? ": " : "", status, phrase);
      cli->pending = NULL;
    }
    break;
  case nua_i_state:
    on_state(cli, nh, tags);
    break;
  case nua_i_bye:
    cli_set_end(cli, CLI_END_PEER);
    say_bye_from_peer(cli, sip);
    break;
  case nua_r_bye:
    if ((status == 401 || status == 407) &&
        cli_authenticate(cli, nh, "BYE", status, phrase, sip, &cli->call_auth_tries))
      break;
    cli_say(cli, "BYE answered %03d %s", status, phrase);
    if ((status == 401 || status == 407) && nh == cli->call) {
      /* nua waits for credentials and reports no end: end here */
      cli_say(cli, "call ended%s", end_text(cli));
      nst_handle_destroy(cli->nst, nh);
      cli->call = NULL;
      cli_stop(cli);
    }
    break;
  case nua_r_method:
    /* nst's refresh UPDATE that nst gave up on, sent again by nua: with
     * our credentials after a challenge */
    if (status >= 200)
      cli_say(cli, "refresh UPDATE sent again%s: answered %03d %s",
              cli->call_auth_tries ? " with credentials" : "", status, phrase);
    break;
  case nua_r_register:
  case nua_r_unregister:
    if (nh == cli->reg)
      cli_on_register(cli, event == nua_r_unregister, status, phrase, sip);
    break;
  case nua_i_cancel:
    cli_say(cli, "CANCEL from peer");
    break;
  case nua_r_cancel:
    cli_say(cli, "CANCEL answered %03d %s", status, phrase);
    break;
  case nua_r_get_params:
    cli_on_params(cli, tags);
    break;
  case nua_r_shutdown:
    if (status >= 200) {
      if (cli->loop)
        g_main_loop_quit(cli->loop);
      else
        su_root_break(cli->root);
    }
    break;
  default:
    break;
  }
}
