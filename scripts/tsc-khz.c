// SPDX-License-Identifier: GPL-2.0
/*
 * tsc-khz: print the frequency of this x86 host's TSC in kHz.
 *
 * QEMU's TCG guests read the host's TSC (scaled by nothing), but a test
 * kernel without ACPI has no HPET or PM timer to calibrate it against and
 * falls back to the jiffies clocksource (4 ms steps at HZ=250).
 * scripts/qemu.py passes this number as tsc_early_khz= so that the guest
 * uses the TSC clocksource with nanosecond resolution.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static int64_t ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	const struct timespec nap = { .tv_nsec = 50 * 1000 * 1000 };
	double khz[5];
	uint64_t c0, c1;
	int64_t t0, t1;
	int i;

	for (i = 0; i < 5; i++) {
		t0 = ns();
		c0 = __rdtsc();
		nanosleep(&nap, NULL);
		t1 = ns();
		c1 = __rdtsc();
		khz[i] = (double)(c1 - c0) * 1e6 / (double)(t1 - t0);
	}
	qsort(khz, 5, sizeof(khz[0]), cmp);
	if (khz[2] < 1e5 || khz[2] > 1e8)
		return 1;
	printf("%.0f\n", khz[2]);
	return 0;
}
