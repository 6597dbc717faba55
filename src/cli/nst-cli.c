/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - a small SIP user agent with RFC 4028 session timers, built on
 * nst. For demos and for testing session timers against other SIP peers
 * (PBXs, phones, SIPp).
 *
 *   nst-cli [OPTIONS] listen          answer an incoming call
 *   nst-cli [OPTIONS] call SIP-URI    place a call
 *
 * Every event is printed as a timestamped line; commands (hold, unhold,
 * reinvite, update, bye, status, lifetime, quit, help) are read from stdin.
 * Exit status: see cli.h, --help and nst-cli(1).
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/url.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

/* What Sofia's stack logs while it starts (e.g. nta's "bind(...): Address
 * already in use"): kept to say why nst_create() failed. */
static void keep_startup_log(void *stream, char const *fmt, va_list ap)
{
  cli_t *cli = stream;
  size_t n = strlen(cli->startup_log);
  va_list copy;

  va_copy(copy, ap);
  vfprintf(stderr, fmt, copy);
  va_end(copy);
  if (n == 0)   /* the first line says why; the rest follow from it */
    vsnprintf(cli->startup_log, sizeof cli->startup_log, fmt, ap);
}

/* Sofia-SIP 1.13's su_llog() puts "file.c:LINE function() " before each
 * message: the reason is what follows it. */
static char const *without_source_position(char const *line)
{
  char const *colon = strchr(line, ':');
  char const *space = strchr(line, ' ');
  char const *call = strstr(line, "() ");

  if (colon && space && call && colon < space && space < call &&
      strspn(colon + 1, "0123456789") == (size_t)(space - colon - 1) &&
      space > colon + 1)
    return call + 3;
  return line;
}

/* Sofia says what failed at log levels 1 to 3 (nta: "bind(...): Address
 * already in use", tport: "TLS setup failed"). Sofia-SIP 1.12 logs at 3
 * by default; 1.13 is built with every log at 0 (-DSU_DEBUG=0). nst-cli
 * puts nta's and tport's logs at 3 where they are lower, as on 1.12,
 * unless the user chose (NTA_DEBUG, TPORT_DEBUG, SOFIA_DEBUG). Both are
 * exported by libsofia-sip-ua on both lines, declared in no installed
 * header. */
extern su_log_t nta_log[], tport_log[];

static void raise_log(su_log_t *log, char const *env)
{
  su_log_init(log);
  if (log->log_level < 3 && !getenv(env) && !getenv("SOFIA_DEBUG"))
    su_log_set_level(log, 3);
}

/* An address without ;transport= binds every transport Sofia has for its
 * scheme. On Sofia-SIP 1.13 that includes WebSocket: for sip:, ws on the
 * same TCP port as tcp (both with SO_REUSEPORT, so the kernel hands some
 * of the incoming TCP connections to the ws listener, which answers a SIP
 * request 400 Bad Request); for sips:, wss, whose own certificate files nst-cli
 * does not make (binding fails: "No such file or directory"). nst-cli binds
 * what 1.12 binds: UDP and TCP for sip:, TLS for sips:. */
static char const *bind_url(su_home_t *home, char const *bind)
{
  if (strstr(bind, "transport=") != NULL)
    return bind;
  if (strncmp(bind, "sips:", 5) == 0)
    return su_sprintf(home, "%s;transport=tls", bind);
  if (strncmp(bind, "sip:", 4) == 0)
    return su_sprintf(home, "%s;transport=udp,tcp", bind);
  return bind;
}

static int create_nst(cli_t *cli, su_home_t *home, tagi_t const *nst_tags)
{
  tagi_t const *tags = cli_account_tags(home, cli->set,
                                        cli_tls_tags(home, cli->set, nst_tags));
  char const *bind = cli->set->bind;
  char const *media_host = media_host_of(home, bind);

  su_logger_f *logger = su_log_default->log_logger;
  void *stream = su_log_default->log_stream;

  raise_log(nta_log, "NTA_DEBUG");
  raise_log(tport_log, "TPORT_DEBUG");
  su_log_redirect(su_log_default, keep_startup_log, cli);
  cli->nst = nst_create(cli->root, cli_on_nua_event, (nua_magic_t *)cli,
                        NUTAG_URL(bind_url(home, bind)),
                        TAG_IF(media_host, SOATAG_ADDRESS(media_host)),
                        TAG_IF(cli->set->no_update,
                               SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS")),
                        TAG_NEXT(tags));
  su_log_redirect(su_log_default, logger, stream);
  if (cli->nst == NULL)
    return -1;
  cli->nua = nst_nua(cli->nst);
  nst_set_callback(cli->nst, cli_on_nst_event, cli);
  cli->hangup_timer = su_timer_create(su_root_task(cli->root), 0);
  cli->stop_timer = su_timer_create(su_root_task(cli->root), 0);
  return 0;
}

static void destroy(cli_t *cli)
{
  cli_commands_stop(cli);
  cli_signals_stop(cli);
  su_timer_destroy(cli->hangup_timer);
  su_timer_destroy(cli->stop_timer);
  cli_say_counters(cli, "at exit");
  cli_media_close(cli);
  g_free(cli->remote_sdp);
  nst_destroy(cli->nst);
  cli_loop_destroy(cli);
  su_deinit();
}

static int exit_status(cli_t const *cli)
{
  switch (cli->end) {
  case CLI_END_EXPIRED: return CLI_EXIT_EXPIRED;
  case CLI_END_LIFETIME: return CLI_EXIT_LIFETIME;
  case CLI_END_FAILED: return CLI_EXIT_FAILED;
  case CLI_END_COMMAND: return CLI_EXIT_HUNGUP;
  case CLI_END_REGISTER: return CLI_EXIT_REGISTER;
  case CLI_END_REFRESH: return CLI_EXIT_REFRESH;
  default: return CLI_EXIT_OK;   /* peer's BYE, --duration, no call */
  }
}

int main(int argc, char *argv[])
{
  cli_settings_t set[1];
  cli_t cli[1];
  su_home_t home[1] = { SU_HOME_INIT(home) };
  tagi_t *tags = NULL;
  int exit_now = 0;

  memset(set, 0, sizeof set);
  memset(cli, 0, sizeof cli);
  set->bind = "sip:127.0.0.1:5060";
  set->name = "nst-cli";
  set->register_ = -1;
  set->strings = g_string_chunk_new(256);

  if (cli_parse_args(set, argc, argv, &exit_now) < 0 || exit_now) {
    g_string_chunk_free(set->strings);
    return exit_now ? CLI_EXIT_OK : CLI_EXIT_USAGE;
  }
  if (cli_merge_config(set, home, &tags) < 0 ||
      (set->config && cli_account_read_config(set, set->config) < 0) ||
      cli_account_check(set) < 0 || cli_check_transports(set) < 0 ||
      cli_tls_prepare(set) < 0) {
    su_home_deinit(home);
    g_string_chunk_free(set->strings);
    return CLI_EXIT_USAGE;
  }

  {
    char const *why;
    if (nst_check_tags(&why, TAG_NEXT(tags)) < 0) {
      fprintf(stderr, "nst-cli: settings refused: %s\n", why);
      su_home_deinit(home);
      cli_tls_cleanup(set);
      g_string_chunk_free(set->strings);
      return CLI_EXIT_USAGE;
    }
  }

  cli->set = set;
  cli->name = set->name;
  cli->callstate = -1;
  cli->audio = -99;

  su_init();
  if (cli_loop_create(cli) < 0) {
    fprintf(stderr, "nst-cli: cannot create su_root\n");
    su_home_deinit(home);
    cli_tls_cleanup(set);
    g_string_chunk_free(set->strings);
    return CLI_EXIT_ERROR;
  }
  if (create_nst(cli, home, tags) < 0) {
    char *nl = strchr(cli->startup_log, '\n');
    if (nl)
      *nl = '\0';
    fprintf(stderr, "nst-cli: cannot start a SIP stack on %s: %s\n", set->bind,
            cli->startup_log[0] ? without_source_position(cli->startup_log)
                                : "nua_create() failed");
    su_home_deinit(home);
    cli_loop_destroy(cli);
    su_deinit();
    cli_tls_cleanup(set);
    g_string_chunk_free(set->strings);
    return CLI_EXIT_ERROR;
  }
  {
    int enabled = 1;
    tl_gets(tags, NSTTAG_ENABLED_REF(enabled), TAG_END());
    cli->timers_off = !enabled;
  }
  if (set->media && cli_media_open(cli, media_host_of(home, set->bind)) < 0) {
    destroy(cli);
    su_home_deinit(home);
    cli_tls_cleanup(set);
    g_string_chunk_free(set->strings);
    return CLI_EXIT_ERROR;
  }
  cli->registering = set->registrar && set->register_ != 0;
  cli_describe_settings(cli, tags);
  cli_say(cli, "main loop: %s", cli_loop_describe(cli));
  cli_account_describe(cli);
  su_home_deinit(home);

  if (cli_signals_start(cli) < 0)
    cli_say(cli, "warning: cannot catch SIGINT/SIGTERM");
  cli_commands_start(cli);
  if (cli->registering)
    cli_register_start(cli);     /* the call follows the registration */
  else if (set->target && cli_place_call(cli) < 0)
    cli_stop(cli);

  cli_loop_run(cli);
  destroy(cli);
  cli_tls_cleanup(set);
  g_string_chunk_free(set->strings);
  return exit_status(cli);
}
