# SPDX-License-Identifier: GPL-2.0
#
# rpmsg-lite for Linux: build and test entry points. The logic lives in
# scripts/; this file only names the targets. See README.md or `make help`.
#
#   make [modules] [KDIR=<kernel build dir>]   build the modules (W=1)
#   make check [SUITE=<name>] [TIMEOUT=<s>]    lint + all suites in QEMU
#              [STEP_TIMEOUT=<s>] [LINT=0]
#   make demo     guest with the modules loaded, runs scripts/guest/demo.sh
#                 [DEMO=ivshmem: two guests over ivshmem, scripts/check-ivshmem]
#   make shell    interactive guest shell with the modules loaded
#   make lint     checkpatch --strict, kernel-doc, sparse, W=1
#   make kernel   build the test kernel (otherwise built on demand)
#   make clean    remove build products (the cached kernel stays)

KDIR ?=
SUITE ?=
TIMEOUT ?=
STEP_TIMEOUT ?=
export KDIR SUITE TIMEOUT STEP_TIMEOUT

.PHONY: modules check demo shell lint kernel setup selftests clean help

modules:
	@scripts/build-modules

check:
	@scripts/check

DEMO ?=
demo:
	@if [ "$(DEMO)" = ivshmem ]; then scripts/check-ivshmem demo; \
	else scripts/run-guest demo; fi

shell:
	@scripts/run-guest shell

lint:
	@scripts/lint

kernel:
	@scripts/build-kernel

setup:
	@scripts/setup

selftests:
	@scripts/build-selftests

clean:
	@scripts/clean

help:
	@sed -n '/^# rpmsg-lite/,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Details: README.md"
