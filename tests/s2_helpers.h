/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixtures and helpers shared by nst's s2-based suites: the s2 peer's side
 * of calls, and waiting on a fast-forwarded clock.
 */
#ifndef NST_S2_HELPERS_H
#define NST_S2_HELPERS_H

#include "s2_glue.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa.h>
#include <sofia-sip/su_string.h>

/* s2check.h's tcase_add_test() passes a Check 0.15 `const TTest *` where
 * the harness declares a TFun: route it through our glue with the right
 * type (and the selection by name on the command line). */
#undef tcase_add_test
#define tcase_add_test(tc, tf) nst_tcase_add_test((tc), (tf), #tf)
#define CRLF "\r\n"
#define NUA_SDP "m=audio 5004 RTP/AVP 0 8"
#define PEER_SDP "m=audio 5008 RTP/AVP 8 0" CRLF
#define ALLOW_WITH_UPDATE "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE"
#define ALLOW_WITHOUT_UPDATE "INVITE, ACK, BYE, CANCEL, OPTIONS"

extern nua_t *nua;
extern soa_session_t *peer_soa;
extern struct dialog *dialog;

void setup_with(tag_type_t tag, tag_value_t value, ...);
void setup(void);
void setup_90(void);
void teardown(void);
void settle(void);
void advance(unsigned seconds);
void advance_ms(unsigned ms);
int peer_has_request(void);
char const *peer_request_name(void);
sip_contact_t const *nua_contact(void);
int peer_has_request_of(sip_method_t method);
void peer_take_offer(struct message *m);
void peer_take_answer(struct message *m);
char const *peer_sdp(void);
void peer_respond(struct message *m, int status, char const *phrase, tag_type_t tag, tag_value_t value, ...);
void peer_request(sip_method_t method, char const *name, int with_sdp, tag_type_t tag, tag_value_t value, ...);
sip_session_expires_t const *se_of(struct message *m);
void check_se(struct message *m, unsigned long delta, char const *refresher);
int has_timer(msg_list_t const *list);
int require_timer_count(struct message *m);
struct nst_recorded_event *expect_nst_event(nst_event_t event);
int app_saw(nua_event_t event);
/** Whether nst reported @a event and it is not taken yet. */
int nst_has_recorded_event(nst_event_t event);
struct message *nst_sends_invite(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...);
nua_handle_t *call_peer(struct message **invite_out, tag_type_t tag, tag_value_t value, ...);
nua_handle_t *peer_calls(tag_type_t tag, tag_value_t value, ...);
struct message *answer_call(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...);
void bye_from_peer(void);
void expect_expiry_bye(void);

/** A test case with the fixture @a setup and the common teardown. */
TCase *nst_tcase(char const *name, void (*fixture)(void));

#endif
