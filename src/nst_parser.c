/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the SIP parser that keeps nua's own session-timer engine dormant,
 * and the timer headers in and out of messages.
 */
#include "config.h"

#include "nst_priv.h"

#include <sofia-sip/sip_header.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
msg_mclass_t *nst_parser_create(unsigned short *se_offset,
                                unsigned short *min_se_offset)
{
  msg_mclass_t const *def = sip_default_mclass();
  msg_mclass_t *mc = msg_mclass_clone(def, 0, msg_mclass_empty);
  unsigned short se_flags = 0, min_se_flags = 0;
  int i;

  if (mc == NULL)
    return NULL;

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
      find_offset(mc, sip_session_expires_class, se_offset) < 0 ||
      find_offset(mc, sip_min_se_class, min_se_offset) < 0)
    goto fail;

  return mc;

fail:
  free(mc);
  return NULL;
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

nst_hdrs_t nst_read_hdrs(nst_t const *nst, sip_t const *sip)
{
  sip_session_expires_t const *x = nst_parser_slot(sip, nst->ns_se_offset);
  sip_min_se_t const *min = nst_parser_slot(sip, nst->ns_min_se_offset);
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
