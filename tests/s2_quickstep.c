/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * s2_quickstep() for an s2check harness that has none (Sofia-SIP 1.13's:
 * its s2time.c moves the clock in whole seconds only; the harness of the
 * Debian 1.12.11 source has s2_quickstep() and this file is not built).
 * Compiled into tests/libs2harness.a by Makefile.am when the harness's
 * s2util.h does not declare it.
 *
 * The seconds stay s2_fast_forward()'s: its hook on su_time() (_su_time,
 * installed on its first call) adds them. This file chains a hook after
 * it that adds the milliseconds, so both can be mixed in any order, as the
 * tests do (advance() by seconds, advance_ms() by milliseconds).
 */
#include "config.h"

#include "s2_glue.h"

#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>

extern void (*_su_time)(su_time_t *tv);

static void (*seconds_hook)(su_time_t *tv);
static su_duration_t ms_offset;

static void ms_hook(su_time_t *tv)
{
  if (seconds_hook)
    seconds_hook(tv);
  *tv = su_time_add(*tv, ms_offset);
}

su_duration_t s2_quickstep(su_root_t *root, su_duration_t step,
                           su_duration_t forward)
{
  if (_su_time != ms_hook) {
    s2_fast_forward(0, NULL);     /* makes s2time.c install its hook */
    seconds_hook = _su_time;
    _su_time = ms_hook;
  }
  ms_offset += forward;
  return root ? su_root_step(root, step) : 0;
}
