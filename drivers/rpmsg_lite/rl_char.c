// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include "rl_internal.h"

int rl_char_init(void)
{
	return 0;
}

void rl_char_exit(void)
{
}
