# SPDX-License-Identifier: GPL-2.0
# Common helpers for the build and test scripts; sourced, not executed.

RL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RL_CACHE=${RL_CACHE:-$HOME/.cache/rpmsg-lite}
RL_BUILD=$RL_ROOT/build
RL_SRC_PKG=linux-source-6.1
RL_SRC_TARBALL=/usr/src/$RL_SRC_PKG.tar.xz
RL_SRC=$RL_CACHE/$RL_SRC_PKG
RL_FRAGMENT=$RL_ROOT/scripts/kernel/test-kernel.config

rl_say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
rl_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Serialise module builds and guest runs of several users of one work tree.
# Nested scripts inherit the lock through RL_LOCK_HELD.
rl_lock() {
	[ -n "${RL_LOCK_HELD:-}" ] && return 0
	mkdir -p "$RL_BUILD"
	exec 9>"$RL_BUILD/.lock"
	if ! flock -n 9; then
		rl_say "waiting for $RL_BUILD/.lock (another build or guest run)"
		flock 9
	fi
	export RL_LOCK_HELD=1
}

# Kernel build dir to build the modules against: $KDIR when given,
# else the test kernel (built on demand).
rl_kdir() {
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] || rl_die "KDIR=$KDIR is not a kernel build directory (no Makefile)"
		(cd "$KDIR" && pwd)
	else
		"$RL_ROOT/scripts/build-kernel" --print-dir
	fi
}

# rl_modules_for TREE KDIR STAMP: make the objects of TREE fit KDIR.
# kbuild does not notice a change to another kernel of the same source:
# objects whose command line is the same, and each module's .mod.o (its
# vermagic, e.g. "preempt"), stay as they were built for the previous
# kernel, and the modules then fail to load (or worse, load into a
# kernel whose structures differ).  STAMP records the kernel the objects
# are for (its directory and configuration); when it differs, or when
# objects exist and no STAMP says for which kernel, TREE is cleaned.
rl_modules_for() {
	local tree=$1 kdir=$2 stamp=$3 id
	id="$kdir $(cat "$kdir/.config" 2>/dev/null | md5sum | cut -d' ' -f1)"
	[ "$(cat "$stamp" 2>/dev/null)" = "$id" ] && return 0
	if [ -e "$stamp" ] || [ -e "$tree/modules.order" ]; then
		rl_say "the objects in ${tree#"$RL_ROOT"/} were built for another kernel: cleaning them"
		make -C "$kdir" M="$tree" clean >/dev/null
	fi
	mkdir -p "$(dirname "$stamp")"
	printf '%s\n' "$id" >"$stamp"
}

# Extracted linux-source tree (checkpatch.pl, kunit.py, kselftest_harness.h).
rl_src() {
	"$RL_ROOT/scripts/build-kernel" --print-src
}
