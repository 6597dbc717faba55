/*
 * nst - tag definitions (see <nst/nst_tag.h> for their documentation).
 */
#include "config.h"

#define TAG_NAMESPACE "nst"

#include <sofia-sip/su_tag_class.h>
#include <nst/nst_tag.h>

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
