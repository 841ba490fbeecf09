/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_internal.h - entry points of the layers of rpmsg_lite.ko that
 * rl_main.c brings up at module load.
 */
#ifndef _RL_INTERNAL_H
#define _RL_INTERNAL_H

int rl_char_init(void);
void rl_char_exit(void);

int rl_platform_init(void);
void rl_platform_exit(void);

#endif /* _RL_INTERNAL_H */
