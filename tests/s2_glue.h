/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst test glue for Sofia's s2check harness (see s2_glue.c).
 */
#ifndef NST_S2_GLUE_H
#define NST_S2_GLUE_H

#include <nst/nst.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/nua_tag.h>

#include "check_nua.h"

/** The module attached to the harness's nua (s2_nua_setup()). */
extern nst_t *s2_nst;

/** An nst event, as the application callback received it. */
struct nst_recorded_event {
  struct nst_recorded_event *next;
  nst_event_t event;
  nua_handle_t *nh;
  nst_info_t info;
  su_time_t when;
};

extern struct nst_recorded_event *s2_nst_events;

/** If set to an nst_event_t, the recording callback destroys the call's
 * handle (nst_handle_destroy()) when that event comes. */
extern int s2_nst_destroy_on_event;

/** If set, the recording callback calls it after recording each event
 * (an application acting from nst's callback). */
extern void (*s2_nst_event_hook)(nst_t *nst, nst_event_t event, nua_handle_t *nh);

/** Take the oldest recorded nst event (caller frees), or NULL. */
struct nst_recorded_event *nst_next_recorded_event(void);
void nst_flush_recorded_events(void);

/** Whether a call took @a transition ("FROM --EVENT--> TO", the names of
 * src/nst_states.c) since the test's nua was created. */
int nst_transition_taken(char const *transition);
/** All it took, one "transition FROM --EVENT--> TO" per line. */
char const *nst_transitions_taken(void);
/** The test names the transition it covers (tests/check_states.sh reads
 * these names and checks them against the table). */
#define ck_assert_transition(t) \
  ck_assert_msg(nst_transition_taken(t), "transition %s not taken; taken:\n%s", \
                (t), nst_transitions_taken())

/** Add @a test to @a tc if its name matches the selection (s2_select_tests()). */
void nst_tcase_add_test(TCase *tc, TTest const *test, char const *name);

nua_t *nst_test_nua_create(su_root_t *root, nua_callback_f callback,
                           nua_magic_t *magic, tag_type_t tag, tag_value_t value, ...);
void nst_test_nua_destroy(nua_t *nua);

/** The clock @a forward ms on, then one su_root_step(@a root, @a step)
 * unless @a root is NULL: s2util.h's in the harness of the Debian 1.12.11
 * source, tests/s2_quickstep.c's where the harness has none (1.13). */
su_duration_t s2_quickstep(su_root_t *root, su_duration_t step,
                           su_duration_t forward);

#endif
