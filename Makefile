# SPDX-License-Identifier: GPL-2.0
#
# rpmsg-lite for Linux: build and test entry points. The logic lives in
# scripts/; this file only names the targets. See README.md or `make help`.
#
#   make [modules] [KDIR=<kernel build dir>]   build the modules (W=1)
#   make check [SUITE=<name>] [TIMEOUT=<s>]    lint + all suites in QEMU
#              [STEP_TIMEOUT=<s>] [LINT=0]        (+ Debian's stock kernel;
#              [ARM64=1|auto|0]                    arm64 always (1), when
#                                                  its kernel is cached, never)
#   make check-debug   all suites on the debug kernel (KASAN, UBSAN, kmemleak,
#                      debug objects, preemption), fuzzers at full length
#                      [SEED=...] [FUZZ_STEPS=...] [SOAK_MS=...] [SUITE=...]
#   make check-kcsan   all suites on the data-race detector kernel (KCSAN,
#                      preemption); a KCSAN report fails the run
#                      [SEED=...] [FUZZ_STEPS=...] [RACE_STEPS=...] [SUITE=...]
#   make check-stock   suites on Debian's stock 6.1 kernel [SUITE=...]
#   make check-arm64   arm64 guest: KUnit, kselftests, real device tree
#   make check-kernels W=1 builds against stock 6.1 and 6.12 headers
#   make flake-hunt   make check RUNS times (default 10) in a row while a
#                     kernel build -j2 loads the machine [RUNS=] [LOAD=0]
#   make demo     guest with the modules loaded, runs scripts/guest/demo.sh
#                 [DEMO=ivshmem: two guests over ivshmem, scripts/check-ivshmem]
#   make shell    interactive guest shell with the modules loaded
#   make lint     checkpatch --strict, kernel-doc, sparse, W=1, check-docs
#   make bench [BENCH=smoke]  benchmarks in QEMU: ratios to baselines,
#                 build/bench/results.json and latency.png; BENCH=full on
#                 the benchmark kernel (no KASAN/lockdep; built once),
#                 smoke on the test kernel [BENCH_KERNEL=bench|test]
#   make kernel   build the test kernel (otherwise built on demand)
#   make install  modules (+ depmod), uapi header, udev rules, CLI
#                 [KDIR=...] [DESTDIR=...] [INSTALL_MOD_PATH=...] [PREFIX=...]
#   make check-dkms  dkms add + build in a scratch tree [KDIR=...]
#   make check-udev  udev rules through udevadm test on a fake sysfs
#   make check-docs  Documentation/ with docutils and Sphinx (-W)
#   make clean    remove build products (the cached kernel stays)

KDIR ?=
SUITE ?=
BENCH ?=
BENCH_KERNEL ?=
TIMEOUT ?=
STEP_TIMEOUT ?=
ARM64 ?=
DESTDIR ?=
INSTALL_MOD_PATH ?=
PREFIX ?=
export KDIR SUITE BENCH BENCH_KERNEL TIMEOUT STEP_TIMEOUT ARM64 DESTDIR INSTALL_MOD_PATH PREFIX

.PHONY: modules check demo shell lint kernel setup selftests clean help bench \
	install check-dkms check-udev check-docs check-stock check-arm64 \
	check-kernels check-debug check-kcsan flake-hunt

modules:
	@scripts/build-modules

check:
	@scripts/check

check-debug:
	@scripts/check-debug

check-kcsan:
	@scripts/check-kcsan

check-stock:
	@scripts/check-stock

check-arm64:
	@scripts/check-arm64

check-kernels:
	@scripts/check-kernels

RUNS ?=
LOAD ?=
export RUNS LOAD
flake-hunt:
	@scripts/flake-hunt

DEMO ?=
demo:
	@if [ "$(DEMO)" = ivshmem ]; then scripts/check-ivshmem demo; \
	else scripts/run-guest demo; fi

shell:
	@scripts/run-guest shell

lint:
	@scripts/lint

bench:
	@scripts/bench

kernel:
	@scripts/build-kernel

setup:
	@scripts/setup

selftests:
	@scripts/build-selftests

install:
	@scripts/install

check-dkms:
	@scripts/check-dkms

check-udev:
	@scripts/check-udev

check-docs:
	@scripts/check-docs

clean:
	@scripts/clean

help:
	@sed -n '/^# rpmsg-lite/,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Details: README.md"
