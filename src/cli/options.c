/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - the command line: one table of options, from which getopt's
 * tables and --help are built. A new nst setting is one more row: an
 * NSTTAG_* tag with its kind (seconds, a named value, or a fixed value for
 * a flag); the rest follows.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_tag_class.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  OPT_OWN,       /* nst-cli's own setting: handled by own() */
  OPT_SECONDS,   /* an nst tag taking seconds, at least .value */
  OPT_ENUM,      /* an nst tag taking one of .names (or its number) */
  OPT_SET        /* a flag setting an nst tag to .value */
} opt_kind_t;

typedef struct { char const *name; int value; } cli_name_t;

/* own(): 0 done, -1 bad value, 1 done and exit 0 now (--help, --version) */
typedef int cli_own_f(cli_settings_t *set, char const *arg);

typedef struct cli_option_s {
  char const       *name;     /* long option */
  int               key;      /* short option letter, or 0 */
  char const       *metavar;  /* the argument in --help; NULL: none */
  opt_kind_t        kind;
  tag_type_t        tag;      /* the nst tag (OPT_SECONDS, OPT_ENUM, OPT_SET) */
  int               value;    /* OPT_SET: the value; OPT_SECONDS: the minimum */
  cli_name_t const *names;    /* OPT_ENUM */
  cli_own_f        *own;      /* OPT_OWN */
  char const       *help;     /* lines separated by \n */
} cli_option_t;

static cli_name_t const refresher_names[] = {
  { "auto", nst_pref_auto }, { "uas", nst_pref_uas }, { "uac", nst_pref_uac }, { NULL, 0 }
};
static cli_name_t const method_names[] = {
  { "allow", nst_refresh_by_allow }, { "update", nst_refresh_by_update },
  { "invite", nst_refresh_by_invite }, { NULL, 0 }
};
static cli_name_t const policy_names[] = {
  { "default", nst_peer_default }, { "no-timer", nst_peer_no_timer },
  { "refresh", nst_peer_refresh }, { "require", nst_peer_require }, { NULL, 0 }
};

int cli_parse_seconds(char const *s, unsigned *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT, &v, NULL))
    return -1;
  *out = (unsigned)v;
  return 0;
}

#define parse_seconds cli_parse_seconds

static int parse_name(cli_name_t const *names, char const *s, int *out)
{
  unsigned n;
  size_t i;

  for (i = 0; names[i].name; i++)
    if (strcmp(names[i].name, s) == 0) {
      *out = names[i].value;
      return 0;
    }
  if (parse_seconds(s, &n) == 0)       /* the number, as in the config file */
    for (i = 0; names[i].name; i++)
      if ((unsigned)names[i].value == n) {
        *out = names[i].value;
        return 0;
      }
  return -1;
}

static char const *name_of(cli_name_t const *names, int value)
{
  size_t i;
  for (i = 0; names[i].name; i++)
    if (names[i].value == value)
      return names[i].name;
  return "?";
}

/* ---------------------------------------------------------------------- */
/* nst-cli's own options */

static int own_bind(cli_settings_t *set, char const *arg) { set->bind = arg; return 0; }
static int own_name(cli_settings_t *set, char const *arg) { set->name = arg; return 0; }
static int own_config(cli_settings_t *set, char const *arg) { set->config = arg; return 0; }
static int own_glib(cli_settings_t *set, char const *arg) { (void)arg; set->use_glib = 1; return 0; }
static int own_no_update(cli_settings_t *set, char const *arg) { (void)arg; set->no_update = 1; return 0; }
static int own_no_commands(cli_settings_t *set, char const *arg) { (void)arg; set->no_commands = 1; return 0; }
static int own_duration(cli_settings_t *set, char const *arg) { return parse_seconds(arg, &set->duration); }
static int own_lifetime(cli_settings_t *set, char const *arg) { return parse_seconds(arg, &set->lifetime); }
static int own_identity(cli_settings_t *set, char const *arg) { set->identity = arg; return 0; }
static int own_user(cli_settings_t *set, char const *arg) { set->user = arg; return 0; }
static int own_display(cli_settings_t *set, char const *arg) { set->display = arg; return 0; }
static int own_auth_user(cli_settings_t *set, char const *arg) { set->auth_user = arg; return 0; }
static int own_password(cli_settings_t *set, char const *arg) { set->password = arg; return 0; }
static int own_realm(cli_settings_t *set, char const *arg) { set->realm = arg; return 0; }
static int own_registrar(cli_settings_t *set, char const *arg) { set->registrar = arg; return 0; }
static int own_proxy(cli_settings_t *set, char const *arg) { set->proxy = arg; return 0; }
static int own_no_register(cli_settings_t *set, char const *arg) { (void)arg; set->register_ = 0; return 0; }
static int own_reg_expires(cli_settings_t *set, char const *arg)
{
  return cli_parse_seconds(arg, &set->reg_expires) == 0 && set->reg_expires > 0 ? 0 : -1;
}

/* The password comes from a file (its first line), so that it is not in
 * the process list; --password is there for tests and scripts. */
static int own_password_file(cli_settings_t *set, char const *arg)
{
  char *text = NULL;

  if (!g_file_get_contents(arg, &text, NULL, NULL))
    return -1;
  text[strcspn(text, "\r\n")] = '\0';
  set->password = g_string_chunk_insert(set->strings, text);
  memset(text, 0, strlen(text));
  g_free(text);
  return 0;
}

static int own_tls_dir(cli_settings_t *set, char const *arg) { set->tls_dir = arg; return 0; }
static int own_tls_cert(cli_settings_t *set, char const *arg) { set->tls_cert = arg; return 0; }
static int own_tls_ca(cli_settings_t *set, char const *arg) { set->tls_ca = arg; return 0; }
static int own_tls_verify(cli_settings_t *set, char const *arg) { (void)arg; set->tls_verify = 1; return 0; }

static int own_media(cli_settings_t *set, char const *arg) { (void)arg; set->media = 1; return 0; }

static int own_help(cli_settings_t *set, char const *arg) { (void)set, (void)arg; cli_usage(stdout); return 1; }

static int own_version(cli_settings_t *set, char const *arg)
{
  (void)set, (void)arg;
  printf("nst-cli (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
  return 1;
}

/* ---------------------------------------------------------------------- */
/* The table: the order of --help. */

#define NST_OPT(name, key, metavar, kind, tag, value, names, help) \
  { name, key, metavar, kind, tag, value, names, NULL, help }
#define OWN_OPT(name, key, metavar, own, help) \
  { name, key, metavar, OPT_OWN, NULL, 0, NULL, own, help }

static cli_option_t const options[] = {
  OWN_OPT("bind", 'b', "URL", own_bind,
          "local SIP URL (default sip:127.0.0.1:5060)"),
  NST_OPT("session-expires", 'e', "S", OPT_SECONDS, nsttag_session_expires, 1, NULL,
          "session interval to offer/prefer (default 1800)"),
  NST_OPT("min-se", 'm', "S", OPT_SECONDS, nsttag_min_se, 1, NULL,
          "smallest interval accepted, >= 90 (default 90)"),
  NST_OPT("refresher", 'r', "WHO", OPT_ENUM, nsttag_refresher, 0, refresher_names,
          "auto, uac or uas: who should refresh when we\n"
          "may choose (default auto)"),
  NST_OPT("refresh-method", 'M', "HOW", OPT_ENUM, nsttag_refresh_method, 0, method_names,
          "allow (UPDATE if the peer allows it, default),\n"
          "update or invite"),
  NST_OPT("peer-without-timer", 'p', "POLICY", OPT_ENUM, nsttag_peer_without_timer, 0,
          policy_names,
          "with a peer without timer support: default\n"
          "(refresh as UAS, no timer as UAC), no-timer,\n"
          "refresh (always run a timer) or require\n"
          "(Require: timer, 421 to a caller without it)"),
  NST_OPT("refresh-sdp", 0, NULL, OPT_SET, nsttag_refresh_sdp, 1, NULL,
          "refresh UPDATEs carry the session's SDP"),
  NST_OPT("no-refresh-sdp", 0, NULL, OPT_SET, nsttag_refresh_sdp, 0, NULL,
          "refresh UPDATEs have no body (default)"),
  NST_OPT("expiry-warning", 'w', "S", OPT_SECONDS, nsttag_expiry_warning, 0, NULL,
          "warn S s before the expiry BYE (default 10,\n"
          "0: no warning)"),
  NST_OPT("lifetime-max", 0, "S", OPT_SECONDS, nsttag_lifetime_max, 0, NULL,
          "largest call lifetime granted (0: no maximum)"),
  NST_OPT("refresh-batch", 0, "MS", OPT_SECONDS, nsttag_refresh_batch, 0, NULL,
          "send refreshes on a common grid of MS ms, up\n"
          "to MS ms early (default 0: each at half its\n"
          "interval)"),
  NST_OPT("no-timer", 'T', NULL, OPT_SET, nsttag_enabled, 0, NULL,
          "no session timer on our side"),
  NST_OPT("timer", 0, NULL, OPT_SET, nsttag_enabled, 1, NULL,
          "session timers on (default; overrides the file)"),
  OWN_OPT("no-update", 'U', NULL, own_no_update,
          "leave UPDATE out of Allow (peers refresh by\n"
          "re-INVITE)"),
  OWN_OPT("duration", 'd', "S", own_duration,
          "hang up S seconds after the call is up"),
  OWN_OPT("lifetime", 'l', "S", own_lifetime,
          "once the call is up, give it a lifetime of S s\n"
          "(nst_set_lifetime(): nst sends BYE at its end)"),
  OWN_OPT("name", 'n', "NAME", own_name,
          "label of the output lines (default nst-cli)"),
  OWN_OPT("glib", 'G', NULL, own_glib,
          "accepted for old scripts: nst-cli always runs\n"
          "on a GLib main loop (NST_CLI_LOOP: nst-cli(1))"),
  OWN_OPT("no-commands", 0, NULL, own_no_commands,
          "do not read commands from stdin"),
  OWN_OPT("identity", 'i', "ADDR", own_identity,
          "From of our requests and the registered AOR,\n"
          "e.g. '\"Alice\" <sip:alice@example.com>'\n"
          "([proxy_0] reg_identity)"),
  OWN_OPT("user", 'u', "USER", own_user,
          "From user (with the registrar's or proxy's host\n"
          "as domain) and digest user name\n"
          "([auth_info_0] username)"),
  OWN_OPT("display", 0, "NAME", own_display, "From display name"),
  OWN_OPT("auth-user", 0, "USER", own_auth_user,
          "digest user name, if not USER ([auth_info_0]\n"
          "userid)"),
  OWN_OPT("password", 0, "PW", own_password,
          "digest password ([auth_info_0] passwd); never\n"
          "printed, but visible in the process list:\n"
          "prefer --password-file or the file"),
  OWN_OPT("password-file", 0, "FILE", own_password_file,
          "digest password: the first line of FILE"),
  OWN_OPT("realm", 0, "REALM", own_realm,
          "answer challenges of this realm only (default\n"
          "any; [auth_info_0] realm)"),
  OWN_OPT("registrar", 'R', "URI", own_registrar,
          "REGISTER there first, re-register before expiry,\n"
          "unregister on exit; also the outbound proxy\n"
          "without --proxy ([proxy_0] reg_proxy)"),
  OWN_OPT("proxy", 'P', "URI", own_proxy,
          "outbound proxy for every request\n"
          "([proxy_0] reg_route)"),
  OWN_OPT("expires", 0, "S", own_reg_expires,
          "Expires of the REGISTER (default 3600;\n"
          "[proxy_0] reg_expires)"),
  OWN_OPT("no-register", 0, NULL, own_no_register,
          "do not register, even with a registrar\n"
          "([proxy_0] reg_sendregister=0)"),
  OWN_OPT("cert", 0, "FILE", own_tls_cert,
          "TLS: our private key and certificate (PEM, one\n"
          "file) for sips: and ;transport=tls"),
  OWN_OPT("ca", 0, "FILE", own_tls_ca,
          "TLS: the CA certificates we trust (PEM)"),
  OWN_OPT("tls-dir", 0, "DIR", own_tls_dir,
          "TLS: a directory with agent.pem (key and\n"
          "certificate) and cafile.pem (CAs), Sofia's layout"),
  OWN_OPT("tls-verify", 0, NULL, own_tls_verify,
          "TLS: the peer's certificate must be signed by\n"
          "one of our CAs (default: not checked)"),
  OWN_OPT("media", 0, NULL, own_media,
          "send and receive RTP (PCMU silence, oRTP) for\n"
          "the length of the call; count the packets"),
  OWN_OPT("config", 'c', "FILE", own_config,
          "liblinphone-style file, section [sip]:\n"
          "session_expires_enabled, session_expires_value,\n"
          "session_expires_min_value,\n"
          "session_expires_refresher_value (0 auto, 1 uas,\n"
          "2 uac), nst_refresh_method, nst_refresh_sdp,\n"
          "nst_peer_without_timer, nst_expiry_warning,\n"
          "nst_lifetime_max, nst_refresh_batch; the\n"
          "account from [proxy_0] and [auth_info_0];\n"
          "options given on the command line win"),
  OWN_OPT("help", 'h', NULL, own_help, "this text"),
  OWN_OPT("version", 'V', NULL, own_version, "the version"),
};

#define N_OPTIONS (sizeof options / sizeof options[0])

/* The option's getopt value: its letter, or 256 + its index. */
static int option_val(size_t i)
{
  return options[i].key ? options[i].key : 256 + (int)i;
}

static cli_option_t const *option_by_val(int val)
{
  size_t i;
  for (i = 0; i < N_OPTIONS; i++)
    if (option_val(i) == val)
      return &options[i];
  return NULL;
}

void cli_usage(FILE *f)
{
  size_t i;

  fprintf(f,
    "usage: nst-cli [OPTIONS] listen\n"
    "       nst-cli [OPTIONS] call SIP-URI\n"
    "\n"
    "A SIP user agent with RFC 4028 session timers (nst): answers one call\n"
    "(listen) or places one (call), prints every event as a timestamped line,\n"
    "and takes commands on stdin while it runs.\n"
    "\n"
    "Options:\n");
  for (i = 0; i < N_OPTIONS; i++) {
    cli_option_t const *o = &options[i];
    char left[48];
    char const *h = o->help, *nl;

    snprintf(left, sizeof left, "%c%c%c --%s%s%s",
             o->key ? '-' : ' ', o->key ? o->key : ' ', o->key ? ',' : ' ',
             o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
    if (strlen(left) > 26)
      fprintf(f, "  %s\n%28s", left, "");
    else
      fprintf(f, "  %-26s", left);
    while ((nl = strchr(h, '\n')) != NULL) {
      fprintf(f, "%.*s\n%28s", (int)(nl - h), h, "");
      h = nl + 1;
    }
    fprintf(f, "%s\n", h);
  }
  fprintf(f,
    "\n"
    "Commands (one a line on stdin; the end of input only stops the reading):\n");
  cli_commands_help(f);
  fprintf(f,
    "\n"
    "Exit status:\n"
    "  0  the call ended normally: the peer hung up, --duration ran out, or\n"
    "     there was no call\n"
    "  1  error: cannot start (the SIP stack could not bind; its reason\n"
    "     is printed)\n"
    "  2  usage: bad option, argument or configuration file, or settings\n"
    "     nst refuses (nst_check_tags())\n"
    "  3  the session expired: no refresh came, nst sent BYE\n"
    "  4  the call failed or was rejected (the line says the status and who\n"
    "     said it: the address it came from, or the SIP stack itself when\n"
    "     no response came)\n"
    "  5  we hung up by command (bye, quit, SIGINT/SIGTERM)\n"
    "  6  the call lifetime ran out (--lifetime, lifetime): nst sent BYE\n"
    "  7  the registration failed (refused, wrong credentials, no answer)\n"
    "  8  a refresh failed (408, 481 or no answer, RFC 4028 section 10): nst\n"
    "     sent BYE (the line says the status and who said it)\n"
    "\n"
    "Logging: NST_DEBUG=0..9 (nst), SOFIA_DEBUG=0..9 (Sofia-SIP).\n"
    "See nst-cli(1).\n");
}

/* Set an nst tag of the options, replacing an earlier value. */
static int set_tag(cli_settings_t *set, tag_type_t tag, tag_value_t value)
{
  size_t i;

  for (i = 0; set->tags[i].t_tag; i++)
    if (set->tags[i].t_tag == tag) {
      set->tags[i].t_value = value;
      return 0;
    }
  if (i + 1 >= CLI_MAX_TAGS)
    return -1;
  set->tags[i].t_tag = tag, set->tags[i].t_value = value;
  set->tags[i + 1].t_tag = NULL, set->tags[i + 1].t_value = 0;
  return 0;
}

/* Apply option @a o with argument @a arg: 0, -1 bad value, 1 exit now. */
static int apply_option(cli_settings_t *set, cli_option_t const *o, char const *arg)
{
  unsigned seconds;
  int value;

  switch (o->kind) {
  case OPT_OWN:
    return o->own(set, arg);
  case OPT_SECONDS:
    if (parse_seconds(arg, &seconds) < 0 || seconds < (unsigned)o->value)
      return -1;
    return set_tag(set, o->tag, (tag_value_t)seconds);
  case OPT_ENUM:
    if (parse_name(o->names, arg, &value) < 0)
      return -1;
    return set_tag(set, o->tag, (tag_value_t)value);
  case OPT_SET:
    return set_tag(set, o->tag, (tag_value_t)o->value);
  }
  return -1;
}

static int parse_operands(cli_settings_t *set, int argc, char *argv[], int i)
{
  char const *mode;

  if (i >= argc) {
    fprintf(stderr, "nst-cli: listen or call SIP-URI expected\n");
    return -1;
  }
  mode = argv[i++];
  if (strcmp(mode, "call") == 0) {
    if (i >= argc) {
      fprintf(stderr, "nst-cli: call needs a SIP URI\n");
      return -1;
    }
    set->target = argv[i++];
  }
  else if (strcmp(mode, "listen") != 0) {
    fprintf(stderr, "nst-cli: unknown command '%s'\n", mode);
    return -1;
  }
  if (i < argc) {
    fprintf(stderr, "nst-cli: unexpected argument '%s'\n", argv[i]);
    return -1;
  }
  return 0;
}

/* The transports a SIP URL's ;transport= may name (RFC 3261 19.1.1, and
 * what Sofia's tport offers). */
static int known_transport(char const *t)
{
  return g_ascii_strcasecmp(t, "udp") == 0 || g_ascii_strcasecmp(t, "tcp") == 0 ||
         g_ascii_strcasecmp(t, "tls") == 0 || g_ascii_strcasecmp(t, "sctp") == 0;
}

/* A sip: or sips: URL with a host and, if any, a transport we know.
 * Returns NULL, or what is wrong. */
static char const *check_sip_url(url_t const *url)
{
  char transport[16];

  if (url == NULL)
    return "not a URL";
  if (url->url_type != url_sip && url->url_type != url_sips)
    return "not a sip: or sips: URL";
  if (url->url_host == NULL || url->url_host[0] == '\0')
    return "no host";
  if (url_param(url->url_params, "transport", transport, sizeof transport) &&
      !known_transport(transport))
    return "unknown transport (udp, tcp, tls or sctp)";
  return NULL;
}

/* The target as a To header: the whole operand is the URI (so that
 * ";transport=tcp" stays a URI parameter), unless it is written as a
 * name-addr ("Name <sip:...>"). NULL if it is neither. */
sip_to_t *cli_target_to(su_home_t *home, char const *target, char const **why)
{
  sip_to_t *to;

  if (strchr(target, '<'))
    to = sip_to_make(home, target);
  else {
    url_t *url = url_make(home, target);
    to = url ? sip_to_create(home, (url_string_t *)url) : NULL;
  }
  *why = to ? check_sip_url(to->a_url) : "not a SIP URI";
  return *why ? NULL : to;
}

/* The local URL and the target, checked before anything starts. */
static int check_urls(cli_settings_t const *set)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  char const *why = check_sip_url(url_make(home, set->bind));
  int ok = 1;

  if (why) {
    fprintf(stderr, "nst-cli: --bind '%s': %s (sip:HOST[:PORT][;transport=T] expected)\n",
            set->bind, why);
    ok = 0;
  }
  if (ok && set->target && cli_target_to(home, set->target, &why) == NULL) {
    fprintf(stderr, "nst-cli: call '%s': %s (sip:USER@HOST[:PORT][;transport=T] "
            "expected)\n", set->target, why);
    ok = 0;
  }
  su_home_deinit(home);
  return ok ? 0 : -1;
}

/* The transports nst-cli binds for --bind (nst-cli.c bind_url()): those
 * its ;transport= names, else UDP and TCP for sip:, TLS for sips:. */
static void bound_transports(url_t const *bind, int *udp, int *tcp, int *tls)
{
  char list[64];

  *udp = *tcp = *tls = 0;
  if (url_param(bind->url_params, "transport", list, sizeof list)) {
    char **names = g_strsplit(list, ",", 0), **n;
    for (n = names; *n; n++) {
      g_strstrip(*n);
      *udp |= g_ascii_strcasecmp(*n, "udp") == 0;
      *tcp |= g_ascii_strcasecmp(*n, "tcp") == 0;
      *tls |= g_ascii_strcasecmp(*n, "tls") == 0;
    }
    g_strfreev(names);
  }
  else if (bind->url_type == url_sips)
    *tls = 1;
  else
    *udp = *tcp = 1;
}

/* The first hop of a request to @a url needs a transport nst-cli binds:
 * sips: and ;transport=tls need TLS, ;transport=udp/tcp that transport, a
 * plain sip: URL UDP or TCP (@a scheme_only: only the scheme counts, for a
 * target reached through a proxy). NULL, or what is missing. */
static char const *missing_transport(url_t const *url, int udp, int tcp, int tls,
                                     int scheme_only)
{
  char t[16] = "";

  if (url->url_type == url_sips || (!scheme_only &&
      url_param(url->url_params, "transport", t, sizeof t) &&
      g_ascii_strcasecmp(t, "tls") == 0))
    return tls ? NULL : "TLS";
  if (scheme_only)
    return NULL;
  if (t[0] == '\0')
    return udp || tcp ? NULL : "UDP or TCP";
  if (g_ascii_strcasecmp(t, "udp") == 0)
    return udp ? NULL : "UDP";
  if (g_ascii_strcasecmp(t, "tcp") == 0)
    return tcp ? NULL : "TCP";
  return NULL;      /* sctp: Sofia says so when it sends */
}

/* The transports the target, the registrar and the proxy need against
 * those --bind binds: a sips: target with a sip: bind would otherwise fail
 * at the first request with a 503 "made up locally". 0, or -1 (said). */
int cli_check_transports(cli_settings_t const *set)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  url_t *bind = url_make(home, set->bind);
  char const *proxy_s = set->proxy ? set->proxy : set->registrar;
  char const *what[3] = { "call", "--registrar", "--proxy" };
  char const *text[3] = { set->target, set->registrar, set->proxy };
  int udp, tcp, tls, i, ok = 1;

  if (bind == NULL) {
    su_home_deinit(home);
    return 0;       /* check_urls() said it */
  }
  bound_transports(bind, &udp, &tcp, &tls);
  for (i = 0; i < 3; i++) {
    url_t *url = NULL;
    char const *missing;

    if (text[i] == NULL)
      continue;
    if (strchr(text[i], '<')) {
      sip_route_t *r = sip_route_make(home, text[i]);
      url = r ? r->r_url : NULL;
    }
    else
      url = url_make(home, text[i]);
    if (url == NULL)
      continue;     /* said elsewhere */
    missing = missing_transport(url, udp, tcp, tls, i == 0 && proxy_s != NULL);
    if (missing) {
      char bound[32];
      snprintf(bound, sizeof bound, "%s%s%s%s%s", udp ? "UDP" : "",
               udp && (tcp || tls) ? " and " : "", tcp ? "TCP" : "",
               tcp && tls ? " and " : "", tls ? "TLS" : "");
      fprintf(stderr, "nst-cli: %s '%s' needs %s, but --bind '%s' binds %s only: "
              "bind %s\n", what[i], text[i], missing, set->bind, bound,
              strcmp(missing, "TLS") == 0 ?
              "a sips: address (with --cert or --tls-dir)" :
              "a sip: address (UDP and TCP) or name the transport in ;transport=");
      ok = 0;
    }
  }
  su_home_deinit(home);
  return ok ? 0 : -1;
}

/* Parse the command line into @a set. Returns 0, or -1 on a usage error
 * (reported); *exit_now is set when the program is done (--help). */
int cli_parse_args(cli_settings_t *set, int argc, char *argv[], int *exit_now)
{
  struct option longopts[N_OPTIONS + 1];
  char shortopts[2 * N_OPTIONS + 1], *s = shortopts;
  size_t i;
  int c;

  *exit_now = 0;
  for (i = 0; i < N_OPTIONS; i++) {
    longopts[i].name = options[i].name;
    longopts[i].has_arg = options[i].metavar ? required_argument : no_argument;
    longopts[i].flag = NULL;
    longopts[i].val = option_val(i);
    if (options[i].key) {
      *s++ = (char)options[i].key;
      if (options[i].metavar)
        *s++ = ':';
    }
  }
  *s = '\0';
  memset(&longopts[N_OPTIONS], 0, sizeof longopts[N_OPTIONS]);

  while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
    cli_option_t const *o = option_by_val(c);
    int r = o ? apply_option(set, o, optarg) : -1;

    if (o == NULL) {
      fprintf(stderr, "Try 'nst-cli --help'.\n");
      return -1;
    }
    if (r < 0) {
      fprintf(stderr, "nst-cli: bad value '%s' for --%s\n", optarg ? optarg : "", o->name);
      return -1;
    }
    if (r > 0) {
      *exit_now = 1;
      return 0;
    }
  }
  if (parse_operands(set, argc, argv, optind) < 0)
    return -1;
  return check_urls(set);
}

/* ---------------------------------------------------------------------- */

/* Append @a t to @a out[*n], replacing an item with the same tag. */
static void merge_tag(tagi_t *out, size_t *n, tagi_t const *t)
{
  size_t i;

  for (i = 0; i < *n; i++)
    if (out[i].t_tag == t->t_tag) {
      out[i].t_value = t->t_value;
      return;
    }
  out[(*n)++] = *t;
}

/* The nst tags in effect: the file's, then the options'. Returns 0, or -1
 * on a usage error (reported). */
int cli_merge_config(cli_settings_t *set, su_home_t *home, tagi_t **return_tags)
{
  tagi_t *file_tags = NULL, *out;
  tagi_t const *t;
  size_t n = 0, max = CLI_MAX_TAGS;

  if (set->config) {
    char *messages = NULL;
    int error = nst_config_read(home, set->config, &file_tags, &messages);
    if (messages)
      fprintf(stderr, "%s\n", messages);
    if (error)
      return -1;
  }
  for (t = file_tags; t; t = tl_next(t))
    max++;
  out = su_zalloc(home, (max + 1) * sizeof *out);
  if (out == NULL)
    return -1;
  for (t = file_tags; t; t = tl_next(t))
    if (t->t_tag && t->t_tag != tag_skip)
      merge_tag(out, &n, t);
  for (t = set->tags; t->t_tag; t++)
    merge_tag(out, &n, t);
  /* Whether nst accepts them is nst_check_tags()'s to say (main()). */
  *return_tags = out;
  return 0;
}

/* The startup lines: where, and every session-timer setting in effect. */
void cli_describe_settings(cli_t const *cli, tagi_t const *tags)
{
  int enabled = 1, refresher = nst_pref_auto, method = nst_refresh_by_allow;
  int policy = nst_peer_default, sdp = 0;
  unsigned se = 1800, min_se = 90, warning = 10, lifetime_max = 0;

  tl_gets(tags, NSTTAG_ENABLED_REF(enabled), NSTTAG_SESSION_EXPIRES_REF(se),
          NSTTAG_MIN_SE_REF(min_se), NSTTAG_REFRESHER_REF(refresher),
          NSTTAG_REFRESH_METHOD_REF(method), NSTTAG_PEER_WITHOUT_TIMER_REF(policy),
          NSTTAG_REFRESH_SDP_REF(sdp), NSTTAG_EXPIRY_WARNING_REF(warning),
          NSTTAG_LIFETIME_MAX_REF(lifetime_max), TAG_END());

  cli_say(cli, "%s on %s: session timers %s, interval %u s, Min-SE %u s, refresher %s%s",
          cli->set->target ? "calling" : "listening", cli->set->bind,
          enabled ? "on" : "off", se, min_se, name_of(refresher_names, refresher),
          cli->set->no_update ? ", UPDATE not allowed" : "");
  cli_say(cli, "settings: refresh method %s, peer without timer %s, refresh UPDATE %s SDP, "
          "expiry warning %u s, lifetime max %u s%s",
          name_of(method_names, method), name_of(policy_names, policy),
          sdp ? "with" : "without", warning, lifetime_max,
          lifetime_max ? "" : " (none)");
}
