/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the module: what nst_t is (src/nst.c, src/nst_adopt.c).
 *
 * Floor 3: the module creates the nua with nst's parser, receives every
 * nua event before the application and hands it to the calls below
 * (nst_call.h). The floors, bottom up: the core (nst_core.c, nst_names.c,
 * nst_log.c, nst_tag.c, nst_config.c), the scheduler and the parser
 * (nst_sched.c, nst_testclock.c, nst_parser.c), the calls (nst_call.c),
 * the module (nst.c, nst_adopt.c), the CLI (src/cli/); includes and
 * calls point down only (tests/check_floors.sh).
 */
#ifndef NST_MODULE_H
#define NST_MODULE_H

#include "nst_call.h"

struct nst_s {
  su_home_t          ns_home[1];
  su_root_t         *ns_root;
  nua_t             *ns_nua;
  nst_parser_t       ns_parser;
  nst_calls_t        ns_calls;
  nua_callback_f     ns_app_callback;
  nua_magic_t       *ns_app_magic;
  unsigned           ns_own_set_params; /* nua_r_set_params of ours to come */
  unsigned           ns_own_get_params; /* nua_r_get_params of ours to come */
};

/* nst_adopt.c: the modules nst_from_handle() finds */
void nst_registry_add(nst_t *nst);
void nst_registry_remove(nst_t *nst);

#endif /* NST_MODULE_H */
