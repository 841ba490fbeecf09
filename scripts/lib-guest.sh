# SPDX-License-Identifier: GPL-2.0
# Helpers of the guest runs on other kernels than the test kernel
# (scripts/check-stock, scripts/check-arm64, scripts/check-kernels);
# sourced after lib.sh.  The guests themselves boot through scripts/qemu.py.

# rl_copy_tree DIR: the sources (the work tree without build/, .git and
# build products) copied to DIR, so that a build for another kernel leaves
# the work tree's objects (built for the test kernel) alone.
rl_copy_tree() {
	mkdir -p "$1"
	rsync -a --delete --exclude=/build --exclude=/.git --exclude='*.o' \
		--exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.order' --exclude='Module.symvers' \
		--exclude='*.a' --exclude='*.dwo' "$RL_ROOT/" "$1/"
}

# rl_build_copy TREE KDIR LOG [kbuild args...]: W=1 module build of TREE
# against KDIR; fails (status 1, the findings on stderr) on an error or on
# any warning.
rl_build_copy() {
	local tree=$1 kdir=$2 log=$3
	shift 3
	if ! make -C "$kdir" M="$tree" W=1 "$@" modules >"$log" 2>&1; then
		sed "s|$tree/||g" "$log" | grep -E 'error|warning' >&2 || tail -20 "$log" >&2
		return 1
	fi
	if grep -Eq '(warning|error):' "$log"; then
		grep -E '(warning|error):' "$log" | sed "s|$tree/||g" >&2
		return 1
	fi
}

# rl_logs NAME: a new run NAME-<time> in build/logs (scripts/qemu.py logs):
# sets run, log, results, plan; build/logs/NAME-latest.* point at it
rl_logs() {
	eval "$(python3 "$RL_ROOT/scripts/qemu.py" logs "$1")"
}

# rl_guest_check LABEL TIMEOUT BOOT-OPTIONS...: boot a guest through
# scripts/qemu.py boot (the console to $log, the results channel to
# $results), then check the run with scripts/results.py, suites named
# LABEL/<suite>, compared with the lines of platform LABEL in
# scripts/test-manifest ($SUITE restricts both).  Status of results.py.
rl_guest_check() {
	local label=$1 timeout=$2 rc
	shift 2
	set +e
	python3 "$RL_ROOT/scripts/qemu.py" --name "${0##*/}" boot --label "$label" \
		--timeout "$timeout" --log "$log" --results "$results" "$@"
	rc=$?
	set -e
	python3 "$RL_ROOT/scripts/results.py" --mode check --qemu-rc "$rc" \
		--timeout "$timeout" --log "$log" --results "$results" --plan "$plan" \
		--ksrc "$(rl_src)" --label "$label" --scope "${SUITE:-}" \
		${RL_RESULTS_EXTRA:-}
}
