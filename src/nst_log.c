/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - its su_log, whose level NST_DEBUG sets (as NUA_DEBUG does nua's).
 * Floor 0: every file of the library logs through it.
 */
#include "config.h"

#include <nst/nst.h>

su_log_t nst_log[] = { SU_LOG_INIT("nst", "NST_DEBUG", 3) };
