/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time bounds of the KUnit suites, scaled to the machine they run on.
 *
 * A bound is how long a case waits for something that must happen before
 * it calls it a failure; no case passes because a time ran out.  Under
 * emulation (TCG, a KASAN kernel, a loaded host) everything takes longer:
 * the guest measures by how much and loads every test module with
 * time_scale=<percent>, and every bound goes through rl_test_ms().
 *
 * Every .c file of kunit/ is a module of its own (kunit/Kbuild): include
 * this header exactly once per module, from that one file.  It defines the
 * module's time_scale parameter, and rl_test_suites_module() runs the
 * module's suites from module_init(): in 6.1 KUnit starts the suites of
 * kunit_test_suites() while the module is "coming", before its parameters
 * are parsed, so they would always see the default.
 */
#ifndef _RL_TEST_TIME_H
#define _RL_TEST_TIME_H

#include <kunit/test.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

/* The longest a single bound may become, whatever the scale. */
#define RL_TEST_MAX_MS		(10 * 60 * 1000)

static unsigned int time_scale = 100;
module_param(time_scale, uint, 0444);
MODULE_PARM_DESC(time_scale,
		 "multiplier in percent for the tests' time bounds, measured by the guest");

/**
 * rl_test_ms() - a time bound of a case, scaled
 * @ms: the bound on an idle machine, in milliseconds
 *
 * Return: @ms * time_scale / 100, at least 1 and at most RL_TEST_MAX_MS.
 */
static inline unsigned long rl_test_ms(unsigned int ms)
{
	u64 scaled = (u64)ms * READ_ONCE(time_scale) / 100;

	return clamp_t(u64, scaled, 1, RL_TEST_MAX_MS);
}

/**
 * rl_test_jiffies() - rl_test_ms() in jiffies
 * @ms: the bound on an idle machine, in milliseconds
 *
 * Return: msecs_to_jiffies(rl_test_ms(@ms)).
 */
static inline unsigned long rl_test_jiffies(unsigned int ms)
{
	return msecs_to_jiffies(rl_test_ms(ms));
}

/*
 * rl_test_wait_for() - poll @cond every millisecond or two until it holds,
 * for at most rl_test_ms(@ms); evaluates to the last value of @cond
 */
#define rl_test_wait_for(cond, ms)					\
	({								\
		unsigned long __end = jiffies + rl_test_jiffies(ms);	\
		bool __ok;						\
									\
		while (!(__ok = (cond)) && time_before(jiffies, __end))	\
			usleep_range(1000, 2000);			\
		__ok;							\
	})

/*
 * rl_test_suites_module() - run the suites given after @name when the
 * module initialises, its parameters parsed; in place of
 * kunit_test_suites().  @name prefixes the array and functions it defines.
 */
#define rl_test_suites_module(name, ...)				\
	static struct kunit_suite *name##_suites[] = { __VA_ARGS__ };	\
									\
	static int __init name##_module_init(void)			\
	{								\
		return __kunit_test_suites_init(name##_suites,		\
						ARRAY_SIZE(name##_suites)); \
	}								\
	module_init(name##_module_init);				\
									\
	static void __exit name##_module_exit(void)			\
	{								\
		__kunit_test_suites_exit(name##_suites,			\
					 ARRAY_SIZE(name##_suites));	\
	}								\
	module_exit(name##_module_exit)

#endif /* _RL_TEST_TIME_H */
