/*
 * nst-cli - the call: nua and nst callbacks, one timestamped line per event.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>

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

/* Our SDP: sendrecv, or sendonly while we hold the call. */
char const *cli_sdp(cli_t const *cli)
{
  return cli->held ? CLI_SDP_HOLD : CLI_SDP;
}

void cli_set_end(cli_t *cli, cli_end_t why)
{
  if (cli->end == CLI_END_NONE)
    cli->end = why;
}

void cli_stop(cli_t *cli)
{
  if (cli->shutting_down)
    return;
  cli->shutting_down = 1;
  nua_shutdown(cli->nua);
}

/* The INVITE carries nua's own Contact (its transport's address): nua
 * 1.13 adds none to requests by itself (1.12 made one), and without it the
 * peer cannot send us its refreshes or BYE. nua keeps the INVITE's Contact
 * as the dialog's, for our later requests (refreshes, BYE) too. nua gives
 * it in the answer to nua_get_params() (NTATAG_CONTACT), on both lines:
 * the call is placed from there (send_invite()). */
void cli_place_call(cli_t *cli)
{
  nua_get_params(cli->nua, TAG_ANY(), TAG_END());
}

static void send_invite(cli_t *cli, tagi_t const *params)
{
  sip_contact_t const *m = NULL;

  tl_gets(params, NTATAG_CONTACT_REF(m), TAG_END());
  cli->call = nua_handle(cli->nua, NULL, SIPTAG_TO_STR(cli->set->target), TAG_END());
  cli->outgoing = 1;
  nst_invite(cli->nst, cli->call, SOATAG_USER_SDP_STR(cli_sdp(cli)),
             TAG_IF(m, SIPTAG_CONTACT(m)), TAG_END());
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
    break;
  case nst_ev_refresh_sent:
    cli_say(cli, "refresh #%u sent by %s", info->ni_refreshes,
            nst_method_name(info->ni_method));
    return;
  case nst_ev_refresh_answered:
    cli_say(cli, "refresh answered %d %s", info->ni_status,
            info->ni_phrase ? info->ni_phrase : "");
    break;
  case nst_ev_refresh_failed:
    cli_say(cli, "refresh failed: %d %s", info->ni_status,
            info->ni_phrase ? info->ni_phrase : "");
    break;
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
    cli->call = nh;
    describe_timer_headers(cli, "incoming INVITE", sip);
    cli_say(cli, "answering 200 OK");
    nst_respond(cli->nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(cli_sdp(cli)), TAG_END());
  }
  else if (cli->call != nh) {
    nua_respond(nh, SIP_486_BUSY_HERE, TAG_END());
    nua_handle_destroy(nh);
  }
  else
    cli_say(cli, "re-INVITE from peer answered 200 OK%s", sdp_direction(sip));
}

static void on_invite_response(cli_t *cli, int status, char const *phrase, sip_t const *sip)
{
  if (status < 200)
    return;
  if (!cli->answered && cli->outgoing) {     /* the initial INVITE */
    if (status >= 300) {
      cli_say(cli, "call failed: %03d %s", status, phrase);
      cli_set_end(cli, CLI_END_FAILED);
    }
    else {
      cli_say(cli, "call answered: %03d %s", status, phrase);
      describe_timer_headers(cli, "  its 2xx", sip);
    }
    return;
  }
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

static char const *end_text(cli_end_t end)
{
  switch (end) {
  case CLI_END_PEER: return " (the peer hung up)";
  case CLI_END_DURATION: return " (we hung up at the end of --duration)";
  case CLI_END_COMMAND: return " (we hung up by command)";
  case CLI_END_EXPIRED: return " (session expired)";
  case CLI_END_LIFETIME: return " (call lifetime over)";
  case CLI_END_FAILED: return " (call failed)";
  default: return "";
  }
}

static void on_state(cli_t *cli, nua_handle_t *nh, tagi_t const *tags)
{
  int state = -1, audio = -99;

  tl_gets(tags, NUTAG_CALLSTATE_REF(state), SOATAG_ACTIVE_AUDIO_REF(audio), TAG_END());
  if (nh != cli->call)
    return;
  if (state >= 0)
    cli->callstate = state;
  if (audio != -99 && audio != cli->audio && state != nua_callstate_terminated) {
    cli->audio = audio;
    if (cli->answered || state == nua_callstate_ready)
      cli_say(cli, "media: audio %s", cli_audio_name(audio));
  }
  if (state == nua_callstate_ready && !cli->answered)
    on_call_ready(cli, nh);
  else if (state == nua_callstate_terminated) {
    cli_say(cli, "call ended%s", end_text(cli->end));
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
    break;
  case nua_r_update:
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
    cli_say(cli, "BYE from peer");
    break;
  case nua_r_bye:
    cli_say(cli, "BYE answered %03d %s", status, phrase);
    break;
  case nua_i_cancel:
    cli_say(cli, "CANCEL from peer");
    break;
  case nua_r_cancel:
    cli_say(cli, "CANCEL answered %03d %s", status, phrase);
    break;
  case nua_r_get_params:
    if (cli->set->target && cli->call == NULL && !cli->outgoing)
      send_invite(cli, tags);
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
