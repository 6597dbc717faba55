/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-states: prints the table of src/nst_states.c, one transition a line
 * ("FROM EVENT TO"), for tests/states/check_states.sh, which draws
 * doc/call-states.md from it.
 */
#include "config.h"

#include "nst_states.h"

#include <stdio.h>

int main(void)
{
  nst_transition_t const *t;
  unsigned i;

  for (i = 0; (t = nst_transition_at(i)) != NULL; i++)
    printf("%s %s %s\n", nst_call_state_name(t->from), nst_call_event_name(t->event),
           nst_call_state_name(t->to));
  return 0;
}
