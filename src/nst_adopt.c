/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - what makes adoption smaller: the module from a handle, settings
 * changed on a running module (nst.h, "Adoption helpers").
 */
#include "config.h"

#include "nst_module.h"

#include <sofia-sip/su_tagarg.h>

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

/* Every live module. nua tells no one which nua a handle belongs to, so
 * nst_from_handle() asks each module whether it knows the call. Modules
 * may live in several threads (each its own root), hence the lock. */
static GMutex registry_lock;
static GHashTable *registry;   /* nst_t *, a set */

void nst_registry_add(nst_t *nst)
{
  g_mutex_lock(&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_hash_table_add(registry, nst);
  g_mutex_unlock(&registry_lock);
}

void nst_registry_remove(nst_t *nst)
{
  g_mutex_lock(&registry_lock);
  if (registry)
    g_hash_table_remove(registry, nst);
  if (registry && g_hash_table_size(registry) == 0)
    g_hash_table_destroy(registry), registry = NULL;
  g_mutex_unlock(&registry_lock);
}

nst_t *nst_from_handle(nua_handle_t const *nh)
{
  GHashTableIter i;
  gpointer key;
  nst_t *found = NULL;

  if (nh == NULL)
    return NULL;
  g_mutex_lock(&registry_lock);
  if (registry) {
    g_hash_table_iter_init(&i, registry);
    while (found == NULL && g_hash_table_iter_next(&i, &key, NULL))
      if (nst_call_find(&((nst_t *)key)->ns_calls, nh))
        found = key;
  }
  g_mutex_unlock(&registry_lock);
  return found;
}

int nst_set_params(nst_t *nst, tag_type_t tag, tag_value_t value, ...)
{
  nst_config_t cfg;
  char const *why;
  ta_list ta;

  if (nst == NULL)
    return -1;
  nst_config_default(&cfg);   /* as nst_create() would make them */
  ta_start(ta, tag, value);
  nst_config_from_nua_tags(&cfg, ta_args(ta));   /* as nst_create() */
  nst_config_from_tags(&cfg, ta_args(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
  if (nst_config_check(&cfg, &why) < 0) {
    SU_DEBUG_1(("nst_set_params: %s\n", why));
    return -1;
  }
  nst->ns_calls.config = cfg;   /* calls copy it when they start */
  return 0;
}
