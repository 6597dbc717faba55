/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - configuration from a liblinphone-style file, read with GKeyFile.
 *
 *   [sip]
 *   session_expires_enabled=1          NSTTAG_ENABLED()
 *   session_expires_value=1800         NSTTAG_SESSION_EXPIRES()
 *   session_expires_min_value=90       NSTTAG_MIN_SE()
 *   session_expires_refresher_value=0  NSTTAG_REFRESHER(): 0 auto, 1 uas, 2 uac
 *
 * and nst's own, beside them:
 *
 *   nst_refresh_method=0               NSTTAG_REFRESH_METHOD(): 0 by Allow,
 *                                      1 UPDATE, 2 re-INVITE
 *   nst_refresh_sdp=0                  NSTTAG_REFRESH_SDP()
 *   nst_peer_without_timer=0           NSTTAG_PEER_WITHOUT_TIMER(): 0 default,
 *                                      1 no timer, 2 refresh, 3 require
 *   nst_expiry_warning=10              NSTTAG_EXPIRY_WARNING() (seconds)
 *   nst_lifetime_max=0                 NSTTAG_LIFETIME_MAX() (seconds, 0 none)
 *   nst_refresh_batch=0                NSTTAG_REFRESH_BATCH() (ms, 0 none)
 *
 * The session_expires_* keys mean what they mean in liblinphone. A
 * liblinphone file has many other [sip] keys: nst ignores them, but
 * reports a session_expires_* or nst_* key it does not know (a typo would
 * otherwise pass unnoticed).
 */
#include "config.h"

#include "nst_core.h"

#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_strlst.h>

#include <glib.h>

#include <stdlib.h>
#include <string.h>

#define NST_CONFIG_GROUP "sip"
#define NST_CONFIG_PREFIX "session_expires_"
#define NST_CONFIG_OWN_PREFIX "nst_"

typedef struct config_reader_s {
  char const   *path;
  GKeyFile     *kf;
  su_strlst_t  *messages;
  int           errors;
} config_reader_t;

static void say(config_reader_t *r, int error, char const *key, char const *problem)
{
  su_strlst_append(r->messages,
                   su_sprintf(su_strlst_home(r->messages), "%s: %s[%s] %s: %s",
                              r->path, error ? "" : "warning: ",
                              NST_CONFIG_GROUP, key, problem));
  r->errors += error;
}

/* Read an unsigned key: 1 if present and valid, 0 if absent, -1 on error. */
static int read_uint(config_reader_t *r, char const *key, unsigned long max,
                     unsigned *value)
{
  GError *err = NULL;
  char *text, *end;
  unsigned long v;

  text = g_key_file_get_value(r->kf, NST_CONFIG_GROUP, key, &err);
  if (text == NULL) {
    g_clear_error(&err);
    return 0;
  }
  g_strstrip(text);
  v = strtoul(text, &end, 10);
  if (*text == '\0' || *end != '\0' || text[0] == '-' || v > max) {
    char *problem = g_strdup_printf("\"%s\" is not a whole number from 0 to %lu",
                                    text, max);
    say(r, 1, key, problem);
    g_free(problem), g_free(text);
    return -1;
  }
  g_free(text);
  *value = (unsigned)v;
  return 1;
}

static void report_unknown_keys(config_reader_t *r)
{
  static char const *const known[] = {
    "session_expires_enabled", "session_expires_value",
    "session_expires_min_value", "session_expires_refresher_value",
    "nst_refresh_method", "nst_refresh_sdp", "nst_peer_without_timer",
    "nst_expiry_warning", "nst_lifetime_max", "nst_refresh_batch", NULL
  };
  gchar **keys = g_key_file_get_keys(r->kf, NST_CONFIG_GROUP, NULL, NULL);
  gsize i, k;

  for (i = 0; keys && keys[i]; i++) {
    if (strncmp(keys[i], NST_CONFIG_PREFIX, strlen(NST_CONFIG_PREFIX)) &&
        strncmp(keys[i], NST_CONFIG_OWN_PREFIX, strlen(NST_CONFIG_OWN_PREFIX)))
      continue;
    for (k = 0; known[k] && strcmp(known[k], keys[i]); k++)
      ;
    if (!known[k])
      say(r, 0, keys[i], "unknown key, ignored");
  }
  g_strfreev(keys);
}

int nst_config_read(su_home_t *home, char const *path,
                    tagi_t **return_tags, char **return_messages)
{
  config_reader_t r[1];
  nst_config_t cfg;
  unsigned enabled = 1, refresher = nst_pref_auto;
  unsigned method = nst_refresh_by_allow, sdp = 0, policy = nst_peer_default;
  int has_enabled, has_se, has_min, has_refresher;
  int has_method, has_sdp, has_policy, has_warning, has_lifetime, has_batch;
  char const *why;
  GError *err = NULL;

  memset(r, 0, sizeof r);
  r->path = path ? path : "(null)";
  r->messages = su_strlst_create(home);
  r->kf = g_key_file_new();
  nst_config_default(&cfg);

  if (return_tags)
    *return_tags = NULL;

  if (path == NULL || !g_key_file_load_from_file(r->kf, path, G_KEY_FILE_NONE, &err)) {
    su_strlst_append(r->messages,
                     su_sprintf(su_strlst_home(r->messages), "%s: cannot read: %s",
                                r->path, err ? err->message : "no file name"));
    r->errors++;
    g_clear_error(&err);
    goto done;
  }

  has_enabled = read_uint(r, "session_expires_enabled", 1, &enabled);
  has_se = read_uint(r, "session_expires_value", UINT32_MAX, &cfg.session_expires);
  has_min = read_uint(r, "session_expires_min_value", UINT32_MAX, &cfg.min_se);
  has_refresher = read_uint(r, "session_expires_refresher_value", 2, &refresher);
  has_method = read_uint(r, "nst_refresh_method", 2, &method);
  has_sdp = read_uint(r, "nst_refresh_sdp", 1, &sdp);
  has_policy = read_uint(r, "nst_peer_without_timer", 3, &policy);
  has_warning = read_uint(r, "nst_expiry_warning", UINT32_MAX, &cfg.expiry_warning);
  has_lifetime = read_uint(r, "nst_lifetime_max", UINT32_MAX, &cfg.lifetime_max);
  has_batch = read_uint(r, "nst_refresh_batch", UINT32_MAX, &cfg.refresh_batch);
  report_unknown_keys(r);

  /* liblinphone: the interval is at least Min-SE, Min-SE at least 90.
   * A value nst would have to change is an error, never a silent clamp. */
  if (has_min > 0 && cfg.min_se < NST_MIN_SE_FLOOR)
    say(r, 1, "session_expires_min_value",
        su_sprintf(su_strlst_home(r->messages),
                   "%u is below 90, the smallest Min-SE RFC 4028 allows", cfg.min_se));
  else if (has_se > 0 && cfg.session_expires < cfg.min_se)
    say(r, 1, "session_expires_value",
        su_sprintf(su_strlst_home(r->messages), "%u is below the Min-SE in force (%u)",
                   cfg.session_expires, cfg.min_se));
  else if (has_se == 0 && has_min > 0 && cfg.min_se > cfg.session_expires)
    cfg.session_expires = cfg.min_se;   /* the default interval is lower */

  cfg.enabled = (int)enabled;
  cfg.refresher = (int)refresher;
  cfg.refresh_method = (int)method;
  cfg.refresh_sdp = (int)sdp;
  cfg.peer_policy = (int)policy;
  if (r->errors == 0 && nst_config_check(&cfg, &why) < 0) {
    su_strlst_append(r->messages,
                     su_sprintf(su_strlst_home(r->messages), "%s: %s", r->path, why));
    r->errors++;
  }

  if (r->errors == 0 && return_tags)
    *return_tags = tl_tlist(home,
                            TAG_IF(has_enabled > 0, NSTTAG_ENABLED(cfg.enabled)),
                            TAG_IF(has_se > 0 || has_min > 0,
                                   NSTTAG_SESSION_EXPIRES(cfg.session_expires)),
                            TAG_IF(has_min > 0, NSTTAG_MIN_SE(cfg.min_se)),
                            TAG_IF(has_refresher > 0, NSTTAG_REFRESHER(cfg.refresher)),
                            TAG_IF(has_method > 0, NSTTAG_REFRESH_METHOD(cfg.refresh_method)),
                            TAG_IF(has_sdp > 0, NSTTAG_REFRESH_SDP(cfg.refresh_sdp)),
                            TAG_IF(has_policy > 0, NSTTAG_PEER_WITHOUT_TIMER(cfg.peer_policy)),
                            TAG_IF(has_warning > 0, NSTTAG_EXPIRY_WARNING(cfg.expiry_warning)),
                            TAG_IF(has_lifetime > 0, NSTTAG_LIFETIME_MAX(cfg.lifetime_max)),
                            TAG_IF(has_batch > 0, NSTTAG_REFRESH_BATCH(cfg.refresh_batch)),
                            TAG_END());

done:
  if (return_messages)
    *return_messages = su_strlst_len(r->messages)
      ? su_strlst_join(r->messages, home, "\n") : NULL;
  g_key_file_free(r->kf);
  su_strlst_destroy(r->messages);
  return r->errors ? -1 : 0;
}
