/*
 * nst-cli - a small SIP user agent with RFC 4028 session timers, built on
 * nst. For demos and for trying session timers against other SIP peers.
 *
 *   nst-cli [OPTIONS] listen          answer incoming calls
 *   nst-cli [OPTIONS] call SIP-URI    place a call
 *
 * Every timer event is printed as a timestamped line.
 * Exit status: 0 the call ended normally, 1 error, 2 usage,
 * 3 the call ended because the session expired (nst sent BYE),
 * 4 the call failed or was rejected.
 */
#include "config.h"

#include <nst/nst.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/url.h>

#include <glib.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_EXPIRED = 3, EXIT_CALL_FAILED = 4 };

#define CLI_SDP "v=0\r\nm=audio 5004 RTP/AVP 0 8\r\n"

typedef struct cli_s {
  su_root_t    *root;
  GMainLoop    *loop;         /* with --glib */
  nst_t        *nst;
  nua_t        *nua;
  nua_handle_t *call;
  char const   *name;         /* label of the output lines */
  unsigned      duration;     /* hang up after this many seconds (0: never) */
  su_timer_t   *hangup_timer;
  int           answered;
  int           expired;
  int           failed;
  int           shutting_down;
} cli_t;

static void say(cli_t const *cli, char const *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void say(cli_t const *cli, char const *fmt, ...)
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

/* ---------------------------------------------------------------------- */

static void cli_stop(cli_t *cli)
{
  if (cli->shutting_down)
    return;
  cli->shutting_down = 1;
  nua_shutdown(cli->nua);
}

static void hangup_due(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  cli_t *cli = (cli_t *)arg;
  (void)magic, (void)t;
  if (cli->call) {
    say(cli, "hanging up after %u s (BYE)", cli->duration);
    nua_bye(cli->call, TAG_END());
  }
}

static char const *who(nst_refresher_t r)
{
  return r == nst_refresher_local ? "we refresh" :
         r == nst_refresher_remote ? "peer refreshes" : "no refresher";
}

static void on_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, nst_info_t const *info, void *magic)
{
  cli_t *cli = magic;
  long next = nst_next_timer_ms(nst, nh);

  (void)hmagic;
  switch (event) {
  case nst_ev_negotiated:
    if (info->ni_interval)
      say(cli, "session timer negotiated: interval %u s, %s%s%s",
          info->ni_interval, who(info->ni_refresher),
          info->ni_refresher == nst_refresher_local ? " by " : "",
          info->ni_refresher == nst_refresher_local ? nst_method_name(info->ni_method) : "");
    else
      say(cli, "no session timer on this call");
    break;
  case nst_ev_refresh_sent:
    say(cli, "refresh #%u sent by %s", info->ni_refreshes,
        nst_method_name(info->ni_method));
    return;
  case nst_ev_refresh_answered:
    say(cli, "refresh answered %d %s", info->ni_status,
        info->ni_phrase ? info->ni_phrase : "");
    break;
  case nst_ev_refresh_failed:
    say(cli, "refresh failed: %d %s", info->ni_status,
        info->ni_phrase ? info->ni_phrase : "");
    break;
  case nst_ev_refresh_received:
    say(cli, "refresh #%u received from peer, answered 200 (interval %u s, %s)",
        info->ni_refreshes, info->ni_interval, who(info->ni_refresher));
    break;
  case nst_ev_expired:
    cli->expired = 1;
    say(cli, "session expired: no refresh within the interval, sending BYE "
        "(Reason: SIP;cause=408;text=\"Session timeout\")");
    return;
  case nst_ev_expiring:
    say(cli, "session about to expire: BYE in %.3f s unless refreshed",
        info->ni_expires_in_ms / 1000.0);
    return;
  case nst_ev_lifetime_expiring:
    say(cli, "call lifetime ran out");
    return;
  case nst_ev_lifetime_expired:
    say(cli, "call lifetime over: sending BYE");
    return;
  }
  if (next >= 0)
    say(cli, "  next timer in %.3f s (%s)", next / 1000.0,
        info->ni_refresher == nst_refresher_local ? "refresh" : "expiry BYE");
}

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
  say(cli, "%s: %s", what, n ? buf : "no session-timer headers");
}

static void on_nua_event(nua_event_t event, int status, char const *phrase,
                         nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  cli_t *cli = (cli_t *)magic;
  int state = -1;

  (void)nua, (void)hmagic;

  switch (event) {
  case nua_i_invite:
    if (cli->call == NULL) {
      cli->call = nh;
      describe_timer_headers(cli, "incoming INVITE", sip);
      say(cli, "answering 200 OK");
      nst_respond(cli->nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(CLI_SDP), TAG_END());
    }
    else if (cli->call != nh) {
      nua_respond(nh, SIP_486_BUSY_HERE, TAG_END());
      nua_handle_destroy(nh);
    }
    else
      say(cli, "re-INVITE from peer answered 200 OK");
    break;
  case nua_r_invite:
    if (status >= 300) {
      say(cli, "call failed: %03d %s", status, phrase);
      cli->failed = 1;
    }
    else if (status >= 200) {
      say(cli, "call answered: %03d %s", status, phrase);
      describe_timer_headers(cli, "  its 2xx", sip);
    }
    break;
  case nua_i_state:
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    if (state == nua_callstate_ready && !cli->answered) {
      cli->answered = 1;
      if (cli->duration)
        su_timer_set_interval(cli->hangup_timer, hangup_due, (su_timer_arg_t *)cli,
                              (su_duration_t)cli->duration * 1000);
    }
    else if (state == nua_callstate_terminated && nh == cli->call) {
      say(cli, "call ended%s", cli->expired ? " (session expired)" : "");
      nua_handle_destroy(nh);
      cli->call = NULL;
      cli_stop(cli);
    }
    break;
  case nua_i_bye:
    say(cli, "BYE from peer");
    break;
  case nua_r_bye:
    say(cli, "BYE answered %03d %s", status, phrase);
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

/* ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
  fprintf(f,
    "usage: nst-cli [OPTIONS] listen\n"
    "       nst-cli [OPTIONS] call SIP-URI\n"
    "\n"
    "A SIP user agent with RFC 4028 session timers (nst).\n"
    "\n"
    "  -b, --bind URL            local SIP URL (default sip:127.0.0.1:5060)\n"
    "  -e, --session-expires S   session interval to offer/prefer (default 1800)\n"
    "  -m, --min-se S            smallest interval accepted, >= 90 (default 90)\n"
    "  -r, --refresher WHO       auto, uac or uas (default auto)\n"
    "      --no-timer            no session timer on our side\n"
    "      --no-update           leave UPDATE out of Allow (peers refresh by re-INVITE)\n"
    "      --refresh-method HOW  allow (UPDATE if the peer allows it, default),\n"
    "                            update or invite\n"
    "  -d, --duration S          hang up S seconds after the call is up\n"
    "  -n, --name NAME           label of the output lines (default nst-cli)\n"
    "      --glib                run on a glib main loop (su_glib)\n"
    "  -c, --config FILE         liblinphone-style file: [sip] session_expires_enabled,\n"
    "                            session_expires_value, session_expires_min_value,\n"
    "                            session_expires_refresher_value (0 auto, 1 uas, 2 uac);\n"
    "                            options given on the command line win\n"
    "  -h, --help                this text\n"
    "\n"
    "Exit status: 0 call ended normally, 1 error, 2 usage, 3 session expired\n"
    "(nst sent BYE), 4 call failed.\n"
    "Logging: NST_DEBUG=0..9 (nst), SOFIA_DEBUG=0..9 (Sofia-SIP).\n");
}

/* The media address: the host we bind to, so that a UA on loopback
 * advertises loopback in its SDP (Sofia would pick the first non-loopback
 * address of the machine). NULL for a wildcard bind. */
static char const *media_host_of(su_home_t *home, char const *bind)
{
  url_t *url = url_make(home, bind);

  if (url == NULL || url->url_host == NULL ||
      strcmp(url->url_host, "*") == 0 || strcmp(url->url_host, "0.0.0.0") == 0)
    return NULL;
  return url->url_host;
}

static int parse_refresher(char const *s, int *out)
{
  if (strcmp(s, "auto") == 0 || strcmp(s, "0") == 0) *out = nst_pref_auto;
  else if (strcmp(s, "uas") == 0 || strcmp(s, "1") == 0) *out = nst_pref_uas;
  else if (strcmp(s, "uac") == 0 || strcmp(s, "2") == 0) *out = nst_pref_uac;
  else return -1;
  return 0;
}

static int parse_seconds(char const *s, unsigned *out)
{
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v > 0xffffffffUL)
    return -1;
  *out = (unsigned)v;
  return 0;
}

int main(int argc, char *argv[])
{
  static struct option const longopts[] = {
    { "bind", required_argument, NULL, 'b' },
    { "session-expires", required_argument, NULL, 'e' },
    { "min-se", required_argument, NULL, 'm' },
    { "refresher", required_argument, NULL, 'r' },
    { "no-timer", no_argument, NULL, 'T' },
    { "no-update", no_argument, NULL, 'U' },
    { "duration", required_argument, NULL, 'd' },
    { "name", required_argument, NULL, 'n' },
    { "glib", no_argument, NULL, 'G' },
    { "config", required_argument, NULL, 'c' },
    { "refresh-method", required_argument, NULL, 'M' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  cli_t cli[1];
  su_home_t home[1] = { SU_HOME_INIT(home) };
  char const *bind = "sip:127.0.0.1:5060", *mode, *target = NULL, *media_host;
  char const *config = NULL;
  unsigned se = 1800, min_se = 90, opt_se = 0, opt_min_se = 0;
  int refresher = nst_pref_auto, enabled = 1, no_update = 0, use_glib = 0, c;
  int opt_refresher = -1, opt_no_timer = 0, refresh_method = nst_refresh_by_allow;

  memset(cli, 0, sizeof cli);
  cli->name = "nst-cli";

  while ((c = getopt_long(argc, argv, "b:e:m:r:d:n:c:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'b': bind = optarg; break;
    case 'e': if (parse_seconds(optarg, &opt_se) < 0 || !opt_se) goto bad; break;
    case 'm': if (parse_seconds(optarg, &opt_min_se) < 0 || !opt_min_se) goto bad; break;
    case 'r': if (parse_refresher(optarg, &opt_refresher) < 0) goto bad; break;
    case 'T': opt_no_timer = 1; break;
    case 'c': config = optarg; break;
    case 'M':
      if (strcmp(optarg, "allow") == 0) refresh_method = nst_refresh_by_allow;
      else if (strcmp(optarg, "update") == 0) refresh_method = nst_refresh_by_update;
      else if (strcmp(optarg, "invite") == 0) refresh_method = nst_refresh_by_invite;
      else goto bad;
      break;
    case 'U': no_update = 1; break;
    case 'd': if (parse_seconds(optarg, &cli->duration) < 0) goto bad; break;
    case 'n': cli->name = optarg; break;
    case 'G': use_glib = 1; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }

  if (optind >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  mode = argv[optind++];
  if (strcmp(mode, "call") == 0) {
    if (optind >= argc) {
      fprintf(stderr, "nst-cli: call needs a SIP URI\n");
      return EXIT_USAGE;
    }
    target = argv[optind++];
  }
  else if (strcmp(mode, "listen") != 0) {
    fprintf(stderr, "nst-cli: unknown command '%s'\n", mode);
    return EXIT_USAGE;
  }
  if (optind < argc) {
    fprintf(stderr, "nst-cli: unexpected argument '%s'\n", argv[optind]);
    return EXIT_USAGE;
  }

  /* nst's defaults, then the configuration file, then the options. */
  if (config) {
    tagi_t *file_tags = NULL;
    char *messages = NULL;
    int error = nst_config_read(home, config, &file_tags, &messages);

    if (messages)
      fprintf(stderr, "%s\n", messages);
    if (error)
      return EXIT_USAGE;
    tl_gets(file_tags, NSTTAG_ENABLED_REF(enabled), NSTTAG_SESSION_EXPIRES_REF(se),
            NSTTAG_MIN_SE_REF(min_se), NSTTAG_REFRESHER_REF(refresher), TAG_END());
  }
  if (opt_se) se = opt_se;
  if (opt_min_se) min_se = opt_min_se;
  if (opt_refresher >= 0) refresher = opt_refresher;
  if (opt_no_timer) enabled = 0;

  if (min_se < 90 || se < min_se) {
    fprintf(stderr, "nst-cli: need 90 <= --min-se (%u) <= --session-expires (%u)\n",
            min_se, se);
    return EXIT_USAGE;
  }

  su_init();
  if (use_glib) {
    cli->root = su_glib_root_create(NULL);
    if (cli->root) {
      GSource *source = su_glib_root_gsource(cli->root);
      g_source_attach(source, g_main_context_default());
      cli->loop = g_main_loop_new(g_main_context_default(), FALSE);
    }
  }
  else
    cli->root = su_root_create(NULL);
  if (cli->root == NULL) {
    fprintf(stderr, "nst-cli: cannot create su_root\n");
    return EXIT_ERROR;
  }

  media_host = media_host_of(home, bind);
  cli->nst = nst_create(cli->root, on_nua_event, (nua_magic_t *)cli,
                        NUTAG_URL(bind),
                        TAG_IF(media_host, SOATAG_ADDRESS(media_host)),
                        NSTTAG_ENABLED(enabled),
                        NSTTAG_SESSION_EXPIRES(se),
                        NSTTAG_MIN_SE(min_se),
                        NSTTAG_REFRESHER(refresher),
                        NSTTAG_REFRESH_METHOD(refresh_method),
                        TAG_IF(no_update,
                               SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS")),
                        TAG_END());
  su_home_deinit(home);
  if (cli->nst == NULL) {
    fprintf(stderr, "nst-cli: cannot start a SIP stack on %s\n", bind);
    su_root_destroy(cli->root);
    return EXIT_ERROR;
  }
  cli->nua = nst_nua(cli->nst);
  nst_set_callback(cli->nst, on_nst_event, cli);
  cli->hangup_timer = su_timer_create(su_root_task(cli->root), 0);

  say(cli, "%s on %s: session timers %s, interval %u s, Min-SE %u s, refresher %s%s",
      target ? "calling" : "listening", bind, enabled ? "on" : "off", se, min_se,
      refresher == nst_pref_uac ? "uac" : refresher == nst_pref_uas ? "uas" : "auto",
      no_update ? ", UPDATE not allowed" : "");

  if (target) {
    cli->call = nua_handle(cli->nua, NULL, SIPTAG_TO_STR(target), TAG_END());
    nst_invite(cli->nst, cli->call, SOATAG_USER_SDP_STR(CLI_SDP), TAG_END());
  }

  if (cli->loop)
    g_main_loop_run(cli->loop);
  else
    su_root_run(cli->root);

  su_timer_destroy(cli->hangup_timer);
  nst_destroy(cli->nst);
  if (cli->loop)
    g_main_loop_unref(cli->loop);
  su_root_destroy(cli->root);
  su_deinit();

  if (cli->expired)
    return EXIT_EXPIRED;
  return cli->failed ? EXIT_CALL_FAILED : EXIT_OK;

bad:
  fprintf(stderr, "nst-cli: bad value '%s'\n", optarg);
  return EXIT_USAGE;
}
