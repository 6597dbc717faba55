/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the SIP parser that keeps nua's own session-timer engine dormant,
 * and the timer headers in and out of messages.
 */
#include "config.h"

#include "nst_parser.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/su_tag_class.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

static int find_offset(msg_mclass_t const *mc, msg_hclass_t *hc, unsigned short *offset)
{
  msg_href_t const *hr = msg_find_hclass(mc, hc->hc_name, NULL);

  if (hr == NULL || hr->hr_class != hc)
    return -1;
  *offset = hr->hr_offset;
  return 0;
}

/* Clone the default parser, then give the two timer headers new slots after
 * sip_t: nua reads sip->sip_session_expires and sip->sip_min_se, which stay
 * NULL, while SIPTAG_SESSION_EXPIRES() and SIPTAG_MIN_SE() still encode
 * (doc/nua-integration.md section 1). */
int nst_parser_init(nst_parser_t *parser)
{
  msg_mclass_t const *def = sip_default_mclass();
  msg_mclass_t *mc = msg_mclass_clone(def, 0, msg_mclass_empty);
  unsigned short se_flags = 0, min_se_flags = 0;
  int i;

  parser->np_mclass = NULL;
  if (mc == NULL)
    return -1;

  for (i = 0; i < def->mc_hash_size; i++) {
    msg_href_t const *hr = &def->mc_hash[i];

    if (hr->hr_class == NULL)
      continue;
    if (hr->hr_class == sip_session_expires_class)
      se_flags = hr->hr_flags;
    else if (hr->hr_class == sip_min_se_class)
      min_se_flags = hr->hr_flags;
    else if (msg_mclass_insert(mc, hr) < 0)
      goto fail;
  }

  if (msg_mclass_insert_with_mask(mc, sip_session_expires_class, 0, se_flags) < 0 ||
      msg_mclass_insert_with_mask(mc, sip_min_se_class, 0, min_se_flags) < 0 ||
      find_offset(mc, sip_session_expires_class, &parser->np_se_offset) < 0 ||
      find_offset(mc, sip_min_se_class, &parser->np_min_se_offset) < 0)
    goto fail;

  parser->np_mclass = mc;
  return 0;

fail:
  free(mc);
  return -1;
}

void nst_parser_deinit(nst_parser_t *parser)
{
  free(parser->np_mclass);
  parser->np_mclass = NULL;
}

void const *nst_parser_slot(sip_t const *sip, unsigned short offset)
{
  /* A message made by another parser is shorter: no slot there. */
  if (sip == NULL || (size_t)sip->sip_size < offset + sizeof(void *))
    return NULL;
  return *(void * const *)((char const *)sip + offset);
}

static unsigned clamp_delta(unsigned long delta)
{
  return delta > UINT32_MAX ? UINT32_MAX : (unsigned)delta;
}

nst_hdrs_t nst_read_hdrs(nst_parser_t const *parser, sip_t const *sip)
{
  sip_session_expires_t const *x = nst_parser_slot(sip, parser->np_se_offset);
  sip_min_se_t const *min = nst_parser_slot(sip, parser->np_min_se_offset);
  nst_hdrs_t h;

  memset(&h, 0, sizeof h);
  if (x) {
    /* A Session-Expires of 0 is a value (below every Min-SE), not an
     * absent header: keep it distinct from 0, which means "absent". */
    h.se = x->x_delta ? clamp_delta(x->x_delta) : 1;
    h.refresher = nst_label_parse(x->x_refresher);
  }
  if (min)
    h.min_se = clamp_delta(min->min_delta);
  if (sip) {
    h.supported_timer = sip_has_feature(sip->sip_supported, "timer");
    h.require_timer = sip_has_feature(sip->sip_require, "timer");
  }
  return h;
}

void nst_format_hdrs(nst_hdrs_t const *h, nst_hdr_strs_t *s)
{
  char const *label = nst_label_name(h->refresher);

  s->se[0] = s->min_se[0] = '\0';
  s->require_timer = h->require_timer;
  if (h->se)
    snprintf(s->se, sizeof s->se, "%u%s%s", h->se,
             label ? ";refresher=" : "", label ? label : "");
  if (h->min_se)
    snprintf(s->min_se, sizeof s->min_se, "%u", h->min_se);
}

/* ---------------------------------------------------------------------- */
/* Supported, and who may see "timer" in it
 *
 * nua decides whether its own session-timer engine runs in a transaction
 * from one fact: "timer" in the Supported list of the handle, or of the
 * request, when the request starts or the 2xx is made
 * (session_timer_preferences() in nua_session.c sets t->local.supported).
 * With it, nua answers a 422 by resending the request unchanged
 * (session_timer_check_restart()), and with NUTAG_SESSION_TIMER() set it
 * refreshes on its own. The same list also decides whether an incoming
 * "Require: timer" gets 420, so "timer" must stay in it between our
 * requests. So nst gives each of its own INVITE, UPDATE and 2xx the list
 * as one opaque item ("timer, 100rel": on the wire exactly the list, but
 * no item equals "timer"), then puts the real list back on the handle
 * (doc/nua-differences.md, "one engine"). */

/* Append the items of @a add not yet in @a list (comma-separated). */
static void supported_merge(GString *list, msg_param_t const *add)
{
  for (; add && *add; add++) {
    gchar **have = g_strsplit(list->str, ", ", -1);
    int found = 0, i;

    for (i = 0; have[i] && !found; i++)
      found = su_casematch(have[i], *add);
    g_strfreev(have);
    if (!found)
      g_string_append_printf(list, "%s%s", list->len ? ", " : "", *add);
  }
}

static void supported_merge_str(GString *list, char const *str)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  sip_supported_t *k = str ? sip_supported_make(home, str) : NULL;

  if (k)
    supported_merge(list, k->k_items);
  su_home_deinit(home);
}

int nst_is_supported_tag(tag_type_t tag)
{
  return tag == siptag_supported || tag == siptag_supported_str ||
         tag == nutag_supported;
}

sip_supported_t *nst_supported_from_tags(su_home_t *home,
                                         sip_supported_t const *base,
                                         tagi_t const *tags, int with_timer)
{
  GString *list;
  sip_supported_t *result;
  tagi_t const *t;

  /* Every refresh comes here without a Supported tag of its own: the
   * base is then the answer (it came from here: no duplicate items). */
  if (!with_timer && !tl_find_last(tags, siptag_supported) &&
      !tl_find_last(tags, siptag_supported_str) && !tl_find_last(tags, nutag_supported))
    return base ? sip_supported_dup(home, base) : sip_supported_make(home, "");
  list = g_string_new(NULL);
  if (base)
    supported_merge(list, base->k_items);
  for (t = tags; t; t = tl_next(t)) {
    if (!nst_is_supported_tag(t->t_tag) || t->t_value == 0 ||
        t->t_value == (tag_value_t)SIP_NONE)
      continue;
    /* As nua's own parameters: NUTAG_SUPPORTED() adds, the SIPTAG_ ones
     * replace. */
    if (t->t_tag != nutag_supported)
      g_string_truncate(list, 0);
    if (t->t_tag == siptag_supported)
      supported_merge(list, ((sip_supported_t const *)t->t_value)->k_items);
    else
      supported_merge_str(list, (char const *)t->t_value);
  }
  if (with_timer)
    supported_merge_str(list, "timer");   /* nst is the timer's engine */
  result = sip_supported_make(home, list->str);
  g_string_free(list, TRUE);
  return result;
}

char *nst_supported_opaque(sip_supported_t const *real,
                           sip_supported_t *out, msg_param_t items[2])
{
  GString *joined = g_string_new(NULL);
  msg_param_t const *i;

  for (i = real ? real->k_items : NULL; i && *i; i++) {
    if (joined->len)
      g_string_append(joined, ", ");
    g_string_append(joined, *i);
  }
  sip_supported_init(out);
  items[0] = joined->str, items[1] = NULL;
  out->k_items = items;
  return g_string_free(joined, FALSE);
}

/* Tags nst keeps from nua: the Supported list (see above) and nua's own
 * session-timer parameters (nst translates them: nst_config_from_nua_tags()). */
static int tag_is_nsts_own(tagi_t const *filter, tagi_t const *t)
{
  (void)filter;
  return !(nst_is_supported_tag(t->t_tag) ||
           t->t_tag == nutag_session_timer || t->t_tag == nutag_min_se ||
           t->t_tag == nutag_session_refresher ||
           t->t_tag == nutag_update_refresh);
}

tagi_t *nst_tags_for_nua(su_home_t *home, tagi_t const *tags)
{
  tagi_t const filter[] = { { TAG_FILTER(tag_is_nsts_own) }, { TAG_END() } };

  return tags ? tl_afilter(home, filter, tags) : NULL;
}

static int tag_is_not_nua_timer(tagi_t const *filter, tagi_t const *t)
{
  (void)filter;
  return !(t->t_tag == nutag_session_timer || t->t_tag == nutag_min_se ||
           t->t_tag == nutag_session_refresher || t->t_tag == nutag_update_refresh);
}

tagi_t *nst_tags_without_nua_timer(su_home_t *home, tagi_t const *tags)
{
  tagi_t const filter[] = { { TAG_FILTER(tag_is_not_nua_timer) }, { TAG_END() } };

  return tags ? tl_afilter(home, filter, tags) : NULL;
}

int nst_supported_same(sip_supported_t const *a, sip_supported_t const *b)
{
  msg_param_t const *i = a ? a->k_items : NULL, *j = b ? b->k_items : NULL;

  for (; i && j && *i && *j; i++, j++)
    if (!su_casematch(*i, *j))
      return 0;
  return !(i && *i) && !(j && *j);
}
