/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attach nst to every nua Sofia's own nua suite creates.
 *
 * check_nua.c (Sofia's s2 nua helpers and main()) is compiled for the nst
 * build with -Dnua_create=sofia_suite_nua_create
 * -Dnua_destroy=sofia_suite_nua_destroy, so s2_nua_setup() creates its nua
 * the way an application adopting nst does: through nst_create(), with the
 * suite's own callback, magic and tags, nothing added. The suite then drives
 * that nua with plain nua_*() calls, as an application that adopted only
 * nst_create()/nst_destroy() would.
 *
 * SOFIA_SUITE_NST_EVENTS=1 prints nst's own events (nst_set_callback()) on
 * stderr, beside CHECK_NUA_EVENTS=1 for the nua events.
 */
#include "config.h"

#include <nst/nst.h>
#include <sofia-sip/su_tagarg.h>

#include <stdio.h>
#include <stdlib.h>

nua_t *sofia_suite_nua_create(su_root_t *root, nua_callback_f callback,
                              nua_magic_t *magic,
                              tag_type_t tag, tag_value_t value, ...);
void sofia_suite_nua_destroy(nua_t *nua);

/* The suite has at most a few nua at a time. */
#define MAX_NST 8
static nst_t *attached[MAX_NST];

static void print_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                            nua_hmagic_t *hmagic, nst_info_t const *info,
                            void *magic)
{
  (void)nst, (void)hmagic, (void)magic;
  fprintf(stderr, "nst: %s nh=%p interval=%u refresher=%s method=%s"
          " status=%d refreshes=%u\n",
          nst_event_name(event), (void *)nh, info->ni_interval,
          nst_refresher_name(info->ni_refresher),
          nst_method_name(info->ni_method), info->ni_status,
          info->ni_refreshes);
}

nua_t *sofia_suite_nua_create(su_root_t *root, nua_callback_f callback,
                              nua_magic_t *magic,
                              tag_type_t tag, tag_value_t value, ...)
{
  nst_t *nst;
  ta_list ta;
  int i;

  ta_start(ta, tag, value);
  nst = nst_create(root, callback, magic, ta_tags(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
  if (nst == NULL)
    return NULL;

  if (getenv("SOFIA_SUITE_NST_EVENTS"))
    nst_set_callback(nst, print_nst_event, NULL);

  for (i = 0; i < MAX_NST; i++)
    if (attached[i] == NULL) {
      attached[i] = nst;
      return nst_nua(nst);
    }

  fprintf(stderr, "sofia_suite_nua_create: more than %d nua\n", MAX_NST);
  abort();
}

void sofia_suite_nua_destroy(nua_t *nua)
{
  int i;

  if (nua == NULL)
    return;
  for (i = 0; i < MAX_NST; i++)
    if (attached[i] && nst_nua(attached[i]) == nua) {
      nst_t *nst = attached[i];
      attached[i] = NULL;
      nst_destroy(nst);
      return;
    }

  /* Not created through sofia_suite_nua_create(): should not happen. */
  fprintf(stderr, "sofia_suite_nua_destroy: nua %p has no nst\n", (void *)nua);
  abort();
}
