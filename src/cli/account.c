/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - the account: identity (From), outbound proxy, registration
 * with a registrar, and digest credentials answering 401/407 with
 * nua_authenticate().
 *
 * The settings come from the options or from a liblinphone configuration
 * file, whose users already have them there:
 *
 *   [proxy_0]
 *   reg_proxy=<sip:pbx.example.com;transport=tcp>   registrar (and the
 *                                                   proxy, without reg_route)
 *   reg_route=<sip:edge.example.com;lr>             outbound proxy
 *   reg_identity="Alice" <sip:alice@example.com>    From
 *   reg_expires=3600                                REGISTER Expires
 *   reg_sendregister=1                              register at all
 *
 *   [auth_info_0]
 *   username=alice
 *   userid=alice-auth          the digest user name, if not username
 *   passwd=secret
 *   realm=example.com          answer only this realm (default: any)
 *
 * An [auth_info_0] with ha1= and no passwd= (what linphonec writes once
 * registered) is refused at start: Sofia-SIP needs the password.
 *
 * The password is never printed: not in the startup lines, not in the
 * event lines, and nst-cli logs no tag list that carries it.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/url.h>

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* The configuration file */

/* A string key of @a group, kept for the life of the program; NULL if absent. */
static char const *file_string(cli_settings_t *set, GKeyFile *kf, char const *group,
                               char const *key)
{
  char *v = g_key_file_get_string(kf, group, key, NULL);
  char const *kept = NULL;

  if (v) {
    g_strstrip(v);
    if (v[0])
      kept = g_string_chunk_insert(set->strings, v);
  }
  g_free(v);
  return kept;
}

/* Fill what the options left unset from [proxy_0] and [auth_info_0].
 * Returns 0, or -1 (reported) on a bad value. */
int cli_account_read_config(cli_settings_t *set, char const *path)
{
  GKeyFile *kf = g_key_file_new();
  GError *error = NULL;
  char const *s;
  int ok = 1;

  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error)) {
    /* nst_config_read() has said what is wrong with the file. */
    g_clear_error(&error);
    g_key_file_free(kf);
    return 0;
  }
  if (!set->registrar && (s = file_string(set, kf, "proxy_0", "reg_proxy")))
    set->registrar = s;
  if (!set->proxy && (s = file_string(set, kf, "proxy_0", "reg_route")))
    set->proxy = s;
  if (!set->identity && (s = file_string(set, kf, "proxy_0", "reg_identity")))
    set->identity = s;
  if (!set->reg_expires && (s = file_string(set, kf, "proxy_0", "reg_expires")) &&
      cli_parse_seconds(s, &set->reg_expires) < 0) {
    fprintf(stderr, "%s: [proxy_0] reg_expires: \"%s\" is not a number of seconds\n",
            path, s);
    ok = 0;
  }
  if (set->register_ < 0 && (s = file_string(set, kf, "proxy_0", "reg_sendregister")))
    set->register_ = strcmp(s, "0") != 0;
  if (!set->user && (s = file_string(set, kf, "auth_info_0", "username")))
    set->user = s;
  if (!set->auth_user && (s = file_string(set, kf, "auth_info_0", "userid")))
    set->auth_user = s;
  if (!set->password && (s = file_string(set, kf, "auth_info_0", "passwd")))
    set->password = s;
  /* liblinphone (store_ha1_passwd=1, its default) drops passwd= for
   * ha1=MD5(user:realm:password) once it knows the realm. Sofia-SIP's
   * digest client hashes the password itself (auth_digest_a1()) and takes
   * no precomputed ha1: cli_account_check() says so. */
  if (!set->password && file_string(set, kf, "auth_info_0", "ha1"))
    set->ha1_file = g_string_chunk_insert(set->strings, path);
  if (!set->realm && (s = file_string(set, kf, "auth_info_0", "realm")))
    set->realm = s;
  g_key_file_free(kf);
  return ok ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* Identity, proxy, registrar */

static url_t const *route_url(su_home_t *home, char const *s);

/* The host of the account's domain: the registrar's, else the proxy's. */
static char const *account_domain(su_home_t *home, cli_settings_t const *set)
{
  url_t const *url = route_url(home, set->registrar ? set->registrar : set->proxy);
  return url ? url->url_host : NULL;
}

/* The From of our requests: --identity, or "Display" <sip:user@domain>.
 * NULL: nua's default (the bind address). */
char const *cli_account_identity(su_home_t *home, cli_settings_t const *set)
{
  char const *domain;

  if (set->identity)
    return set->identity;
  if (set->user == NULL)
    return NULL;
  domain = account_domain(home, set);
  if (domain == NULL) {
    url_t *bind = url_make(home, set->bind);
    domain = bind ? bind->url_host : "localhost";
  }
  if (set->display)
    return su_sprintf(home, "\"%s\" <sip:%s@%s>", set->display, set->user, domain);
  return su_sprintf(home, "<sip:%s@%s>", set->user, domain);
}

/* "<sip:host;lr>" or "sip:host;transport=tcp": the URL, for
 * NUTAG_PROXY/REGISTRAR. Without angle brackets the whole text is the URI
 * (a Route parser would take ";transport=tcp" for a header parameter and
 * drop it: what the user wrote is what is used). */
static url_t const *route_url(su_home_t *home, char const *s)
{
  url_t *url = NULL;

  if (s && strchr(s, '<')) {
    sip_route_t *r = sip_route_make(home, s);
    url = r ? r->r_url : NULL;
  }
  else if (s)
    url = url_make(home, s);
  if (url == NULL || url->url_host == NULL ||
      (url->url_type != url_sip && url->url_type != url_sips))
    return NULL;
  return url;
}

/* Check the account settings: 0, or -1 (reported, a usage error). */
int cli_account_check(cli_settings_t *set)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  int ok = 1;

  if (set->registrar && route_url(home, set->registrar) == NULL)
    fprintf(stderr, "nst-cli: registrar '%s': not a SIP URI\n", set->registrar), ok = 0;
  if (set->proxy && route_url(home, set->proxy) == NULL)
    fprintf(stderr, "nst-cli: proxy '%s': not a SIP URI\n", set->proxy), ok = 0;
  if (set->identity && sip_from_make(home, set->identity) == NULL)
    fprintf(stderr, "nst-cli: identity '%s': not a SIP address\n", set->identity), ok = 0;
  if (set->registrar && !set->identity && !set->user)
    fprintf(stderr, "nst-cli: a registrar needs --user or --identity (whom to register)\n"),
      ok = 0;
  if (set->password == NULL && set->ha1_file) {
    char const *who = set->identity ? set->identity : set->user ? set->user : "[proxy_0]";
    fprintf(stderr, "nst-cli: account %s: the password is stored as ha1 in %s "
            "([auth_info_0]); nst-cli needs the password itself (Sofia-SIP's digest "
            "client computes the hash and cannot use an ha1): give --password, "
            "--password-file or passwd= in [auth_info_0]\n", who, set->ha1_file);
    ok = 0;
  }
  if (set->password && !set->user && !set->auth_user)
    fprintf(stderr, "nst-cli: a password needs --user or --auth-user\n"), ok = 0;
  su_home_deinit(home);
  return ok ? 0 : -1;
}

/* The nua tags of the account, for nst_create(): From, Contact user,
 * outbound proxy, registrar, then @a next. Allocated from @a home. */
tagi_t *cli_account_tags(su_home_t *home, cli_settings_t const *set, tagi_t const *next)
{
  char const *identity = cli_account_identity(home, set);
  sip_from_t *from = identity ? sip_from_make(home, identity) : NULL;
  char const *contact_user = from ? from->a_url->url_user : NULL;
  /* Without reg_route/--proxy, requests go through the registrar, as a
   * liblinphone account sends them through its reg_proxy. */
  url_t const *proxy = route_url(home, set->proxy ? set->proxy : set->registrar);
  url_t const *registrar = route_url(home, set->registrar);

  /* (TAG_IF evaluates its value even when the condition is false: every
   * value here is computed above and may be NULL.) */
  return tl_tlist(home,
                  TAG_IF(from, SIPTAG_FROM(from)),
                  TAG_IF(contact_user, NUTAG_M_USERNAME(contact_user)),
                  TAG_IF(proxy, NUTAG_PROXY((url_string_t const *)proxy)),
                  TAG_IF(registrar, NUTAG_REGISTRAR((url_string_t const *)registrar)),
                  TAG_NEXT(next));
}

/* The startup line of the account (never the password). */
void cli_account_describe(cli_t const *cli)
{
  cli_settings_t const *set = cli->set;
  su_home_t home[1] = { SU_HOME_INIT(home) };
  char const *identity = cli_account_identity(home, set);

  if (identity || set->proxy || set->registrar || set->password)
    cli_say(cli, "account: %s%s%s%s%s, credentials %s%s%s%s%s",
            identity ? identity : "(no identity)",
            set->registrar && cli->registering ? ", registrar " : "",
            set->registrar && cli->registering ? set->registrar : "",
            set->proxy || set->registrar ? ", outbound proxy " : "",
            set->proxy ? set->proxy : set->registrar ? set->registrar : "",
            set->password ? "for " : "none",
            set->password ? (set->auth_user ? set->auth_user : set->user) : "",
            set->password ? " (password set), realm " : "",
            set->password ? (set->realm ? set->realm : "any") : "",
            "");
  su_home_deinit(home);
}

/* ---------------------------------------------------------------------- */
/* Digest authentication */

/* The realm of a challenge, unquoted, into @a buf; NULL if none. */
static char const *challenge_realm(sip_t const *sip, int status, char *buf, size_t size)
{
  msg_auth_t const *au = status == 407 ? sip->sip_proxy_authenticate
                                       : sip->sip_www_authenticate;
  char const *realm = au ? msg_params_find(au->au_params, "realm=") : NULL;
  size_t n;

  if (realm == NULL)
    return NULL;
  n = strlen(realm);
  if (n >= 2 && realm[0] == '"' && realm[n - 1] == '"')
    realm++, n -= 2;
  if (n >= size)
    n = size - 1;
  memcpy(buf, realm, n);
  buf[n] = '\0';
  return buf;
}

/* A challenge that only says our nonce grew old (RFC 2617 3.2.1 stale). */
static int challenge_stale(sip_t const *sip, int status)
{
  msg_auth_t const *au = status == 407 ? sip->sip_proxy_authenticate
                                       : sip->sip_www_authenticate;
  char const *stale = au ? msg_params_find(au->au_params, "stale=") : NULL;
  return stale && (g_ascii_strcasecmp(stale, "true") == 0 ||
                   g_ascii_strcasecmp(stale, "\"true\"") == 0);
}

/* Answer a 401/407 to @a what on @a nh with our credentials. Returns 1 if
 * the request goes again with them, 0 if not (the reason is said; the
 * caller ends what the request was for). @a tries counts the challenges
 * answered since the last success: a new challenge after ours, unless it
 * says the nonce was stale, means the server refused our credentials. */
int cli_authenticate(cli_t *cli, nua_handle_t *nh, char const *what, int status,
                     char const *phrase, sip_t const *sip, unsigned *tries)
{
  cli_settings_t const *set = cli->set;
  char realm[128], who[160];
  char const *user = set->auth_user ? set->auth_user : set->user;
  char *auth;

  cli_who_said(cli, who, sizeof who, status, sip);
  if (sip == NULL || challenge_realm(sip, status, realm, sizeof realm) == NULL) {
    cli_say(cli, "%s: %03d %s without a digest challenge (%s)", what, status, phrase, who);
    return 0;
  }
  if (set->password == NULL || user == NULL) {
    cli_say(cli, "%s: %03d %s for realm \"%s\" (%s), and nst-cli has no credentials "
            "(--user, --password or [auth_info_0])", what, status, phrase, realm, who);
    return 0;
  }
  if (set->realm && strcmp(set->realm, realm) != 0) {
    cli_say(cli, "%s: %03d %s for realm \"%s\" (%s), but the credentials are for "
            "realm \"%s\"", what, status, phrase, realm, who, set->realm);
    return 0;
  }
  if (*tries > 0 && !challenge_stale(sip, status)) {
    cli_say(cli, "%s: %03d %s again for realm \"%s\" (%s): the server refused the "
            "credentials of %s (wrong user or password?)", what, status, phrase, realm,
            who, user);
    return 0;
  }
  ++*tries;
  cli_say(cli, "%s: %03d %s for realm \"%s\" (%s): answering as %s", what, status, phrase,
          realm, who, user);
  auth = g_strdup_printf("Digest:\"%s\":%s:%s", realm, user, set->password);
  nua_authenticate(nh, NUTAG_AUTH(auth), TAG_END());
  /* nua keeps its own copy: wipe ours. */
  memset(auth, 0, strlen(auth));
  g_free(auth);
  return 1;
}

/* ---------------------------------------------------------------------- */
/* Registration: nua refreshes it before it expires; nst-cli removes it
 * before it exits. */

void cli_register_start(cli_t *cli)
{
  char expires[16];

  snprintf(expires, sizeof expires, "%u", cli->set->reg_expires ? cli->set->reg_expires : 3600);
  cli->reg = nua_handle(cli->nua, NULL, TAG_END());
  cli->registering = 1;
  cli_say(cli, "registering at %s (Expires %s)", cli->set->registrar, expires);
  nua_register(cli->reg, SIPTAG_EXPIRES_STR(expires), TAG_END());
}

/* A response to REGISTER (@a unregister: to the one with Expires 0). */
void cli_on_register(cli_t *cli, int unregister, int status, char const *phrase,
                     sip_t const *sip)
{
  char who[160];
  char const *what = unregister ? "unregister" : "register";

  if (status < 200)
    return;
  if ((status == 401 || status == 407) &&
      cli_authenticate(cli, cli->reg, what, status, phrase, sip, &cli->reg_auth_tries))
    return;
  cli_who_said(cli, who, sizeof who, status, sip);
  if (unregister) {
    cli_say(cli, "unregistered: %03d %s (%s)", status, phrase, who);
    cli->registered = 0;
    cli_shutdown(cli);
    return;
  }
  if (status >= 300 && cli->registered) {
    cli_say(cli, "registration refresh failed: %03d %s (%s)", status, phrase, who);
    return;
  }
  if (status >= 300) {
    cli_say(cli, "registration failed: %03d %s (%s)", status, phrase, who);
    cli->registering = 0;
    cli_set_end(cli, CLI_END_REGISTER);
    cli_stop(cli);
    return;
  }
  cli->reg_auth_tries = 0;
  if (!cli->registered) {
    sip_contact_t const *m = sip ? sip->sip_contact : NULL;
    unsigned long expires = m && m->m_expires ? strtoul(m->m_expires, NULL, 10) :
                            sip && sip->sip_expires ? sip->sip_expires->ex_delta : 0;
    cli->registered = 1;
    cli_say(cli, "registered: %03d %s (%s), expires in %lu s; nua refreshes it",
            status, phrase, who, expires);
    if (cli->set->target && cli->call == NULL && cli->end == CLI_END_NONE &&
        cli_place_call(cli) < 0)
      cli_stop(cli);
  }
  else
    cli_say(cli, "registration refreshed: %03d %s", status, phrase);
}
