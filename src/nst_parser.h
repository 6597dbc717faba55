/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the SIP parser that keeps nua's engine dormant, and the timer
 * headers in and out of messages (src/nst_parser.c).
 *
 * Floor 1, with the scheduler: it uses the core (nst_core.h) and nothing
 * above it.
 */
#ifndef NST_PARSER_H
#define NST_PARSER_H

#include "nst_core.h"

#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip.h>

/** nst's parser: nua's, with Session-Expires and Min-SE in slots nua does
 * not read. */
typedef struct nst_parser_s {
  msg_mclass_t   *np_mclass;        /**< malloc'd; must outlive the nua */
  unsigned short  np_se_offset;     /**< where Session-Expires lands in sip_t */
  unsigned short  np_min_se_offset; /**< where Min-SE lands */
} nst_parser_t;

/** Make the parser; -1 if out of memory. */
int nst_parser_init(nst_parser_t *parser);
void nst_parser_deinit(nst_parser_t *parser);
void const *nst_parser_slot(sip_t const *sip, unsigned short offset);
nst_hdrs_t nst_read_hdrs(nst_parser_t const *parser, sip_t const *sip);

/** Timer headers formatted for SIPTAG_*_STR() (empty string: leave out). */
typedef struct nst_hdr_strs_s {
  char se[64];
  char min_se[24];
  int  require_timer;
} nst_hdr_strs_t;

void nst_format_hdrs(nst_hdrs_t const *h, nst_hdr_strs_t *s);

int nst_is_supported_tag(tag_type_t tag);
/** Whether two Supported lists have the same items in the same order. */
int nst_supported_same(sip_supported_t const *a, sip_supported_t const *b);
/** @a base as nua's Supported tags in @a tags change it (NUTAG_SUPPORTED()
 * adds, SIPTAG_SUPPORTED(_STR)() replaces), with "timer" added if
 * @a with_timer. */
sip_supported_t *nst_supported_from_tags(su_home_t *home,
                                         sip_supported_t const *base,
                                         tagi_t const *tags, int with_timer);
/** @a real as one item in @a out (see nst_parser.c); g_free() the result
 * once nua has taken the tag (nua copies it at once). */
char *nst_supported_opaque(sip_supported_t const *real,
                           sip_supported_t *out, msg_param_t items[2]);
/** @a tags without those nst keeps from nua (Supported, nua's timer tags). */
tagi_t *nst_tags_for_nua(su_home_t *home, tagi_t const *tags);
/* @a tags without nua's own session-timer tags (a response nst passes on
 * as it is: they would arm nua's engine on the handle). */
tagi_t *nst_tags_without_nua_timer(su_home_t *home, tagi_t const *tags);

#endif /* NST_PARSER_H */
