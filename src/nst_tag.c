/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - tag definitions (see <nst/nst_tag.h> for their documentation).
 */
#include "config.h"

#define TAG_NAMESPACE "nst"

#include <sofia-sip/su_tag_class.h>
#include <nst/nst_tag.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/nua_tag.h>

#include "nst_core.h"

/* A reference tag named like Sofia's own: "nst::session_expires_ref". */
#define NST_REFTAG_TYPEDEF(t) \
  {{ TAG_NAMESPACE, #t "_ref", ref_tag_class, (tag_value_t)nsttag_##t }}

tag_typedef_t nsttag_any = NSTAG_TYPEDEF(*);

tag_typedef_t nsttag_enabled = BOOLTAG_TYPEDEF(enabled);
tag_typedef_t nsttag_enabled_ref = NST_REFTAG_TYPEDEF(enabled);

tag_typedef_t nsttag_session_expires = UINTTAG_TYPEDEF(session_expires);
tag_typedef_t nsttag_session_expires_ref = NST_REFTAG_TYPEDEF(session_expires);

tag_typedef_t nsttag_min_se = UINTTAG_TYPEDEF(min_se);
tag_typedef_t nsttag_min_se_ref = NST_REFTAG_TYPEDEF(min_se);

tag_typedef_t nsttag_refresher = INTTAG_TYPEDEF(refresher);
tag_typedef_t nsttag_refresher_ref = NST_REFTAG_TYPEDEF(refresher);

tag_typedef_t nsttag_refresh_method = INTTAG_TYPEDEF(refresh_method);
tag_typedef_t nsttag_refresh_method_ref = NST_REFTAG_TYPEDEF(refresh_method);

tag_typedef_t nsttag_peer_without_timer = INTTAG_TYPEDEF(peer_without_timer);
tag_typedef_t nsttag_peer_without_timer_ref = NST_REFTAG_TYPEDEF(peer_without_timer);

tag_typedef_t nsttag_timer_source = INTTAG_TYPEDEF(timer_source);
tag_typedef_t nsttag_timer_source_ref = NST_REFTAG_TYPEDEF(timer_source);

tag_typedef_t nsttag_refresh_sdp = BOOLTAG_TYPEDEF(refresh_sdp);
tag_typedef_t nsttag_refresh_sdp_ref = NST_REFTAG_TYPEDEF(refresh_sdp);

tag_typedef_t nsttag_expiry_warning = UINTTAG_TYPEDEF(expiry_warning);
tag_typedef_t nsttag_expiry_warning_ref = NST_REFTAG_TYPEDEF(expiry_warning);

tag_typedef_t nsttag_lifetime_max = UINTTAG_TYPEDEF(lifetime_max);
tag_typedef_t nsttag_lifetime_max_ref = NST_REFTAG_TYPEDEF(lifetime_max);

tag_typedef_t nsttag_refresh_batch = UINTTAG_TYPEDEF(refresh_batch);
tag_typedef_t nsttag_refresh_batch_ref = NST_REFTAG_TYPEDEF(refresh_batch);

void nst_config_from_nua_tags(nst_config_t *cfg, tagi_t const *tags)
{
  tagi_t const *t;

  for (t = tags; t; t = tl_next(t)) {
    if (t->t_tag == nutag_session_timer && t->t_value)
      cfg->session_expires = (unsigned)t->t_value;
    else if (t->t_tag == nutag_min_se && t->t_value)
      cfg->min_se = (unsigned)t->t_value;
    else if (t->t_tag == nutag_session_refresher)
      cfg->nua_refresher = (int)t->t_value;
    else if (t->t_tag == nutag_update_refresh && t->t_value)
      cfg->refresh_method = nst_refresh_by_update;
  }
}

void nst_config_from_tags(nst_config_t *cfg, tagi_t const *tags)
{
  tl_gets(tags,
          NSTTAG_ENABLED_REF(cfg->enabled),
          NSTTAG_SESSION_EXPIRES_REF(cfg->session_expires),
          NSTTAG_MIN_SE_REF(cfg->min_se),
          NSTTAG_REFRESHER_REF(cfg->refresher),
          NSTTAG_REFRESH_METHOD_REF(cfg->refresh_method),
          NSTTAG_PEER_WITHOUT_TIMER_REF(cfg->peer_policy),
          NSTTAG_REFRESH_SDP_REF(cfg->refresh_sdp),
          NSTTAG_EXPIRY_WARNING_REF(cfg->expiry_warning),
          NSTTAG_LIFETIME_MAX_REF(cfg->lifetime_max),
          NSTTAG_REFRESH_BATCH_REF(cfg->refresh_batch),
          TAG_END());
}
