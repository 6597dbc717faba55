/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A program outside the nst tree, built against the installed library
 * with nothing but `pkg-config --cflags --libs nst` (make distcheck builds
 * and runs it through installcheck-local).
 *
 * It is also the smallest nua application with nst: create, shut down,
 * destroy, on a plain su_root.
 */
#include <nst/nst.h>

#include <sofia-sip/su_wait.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>

#include <stdio.h>

static int shut_down;

static void on_nua_event(nua_event_t event, int status, char const *phrase,
                         nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  su_root_t *root = (su_root_t *)magic;

  (void)phrase, (void)nua, (void)nh, (void)hmagic, (void)sip, (void)tags;
  if (event == nua_r_shutdown && status >= 200) {
    shut_down = 1;
    su_root_break(root);
  }
}

int main(void)
{
  su_root_t *root;
  nst_t *nst;

  if (su_init() != 0 || (root = su_root_create(NULL)) == NULL)
    return 1;

  /* nua_create() becomes nst_create(); the NSTTAG_* tags set the defaults. */
  nst = nst_create(root, on_nua_event, (nua_magic_t *)root,
                   NUTAG_URL("sip:127.0.0.1:*"),
                   NSTTAG_SESSION_EXPIRES(600), NSTTAG_MIN_SE(120),
                   TAG_END());
  if (nst == NULL) {
    fprintf(stderr, "nst_create failed\n");
    return 1;
  }

  nua_shutdown(nst_nua(nst));
  su_root_run(root);
  nst_destroy(nst);
  su_root_destroy(root);
  su_deinit();

  if (!shut_down)
    return 1;
  printf("adopt: nst_create, nua_shutdown, nst_destroy: ok\n");
  return 0;
}
