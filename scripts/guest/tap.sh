# SPDX-License-Identifier: GPL-2.0
#
# TAP output for the guest's shell tests (sourced).  Results are collected
# in a file and numbered, with their plan, by tap_done, so a test may
# decide its cases as it goes and run some in background subshells.
#   tap_ok NAME | tap_fail NAME [DETAIL...] | tap_check NAME CMD...
#   tap_done   prints "TAP version 13", "1..N" and the numbered lines;
#              exit status 1 when a case failed
#   wait_for SECONDS CMD...   until CMD succeeds, polling every 0.1 s

TAP_OUT=$(mktemp)

tap_ok() {
	echo "ok $1" >>"$TAP_OUT"
}

tap_fail() {
	tap_msg="not ok $1"
	shift
	for l in "$@"; do
		tap_msg="$tap_msg
# $l"
	done
	# one write, so that lines of concurrent cases do not mix
	printf '%s\n' "$tap_msg" >>"$TAP_OUT"
}

tap_check() {
	tap_name=$1
	shift
	if "$@"; then tap_ok "$tap_name"; else tap_fail "$tap_name" "failed: $*"; fi
}

tap_done() {
	echo "TAP version 13"
	echo "1..$(grep -c '^\(not \)\{0,1\}ok ' "$TAP_OUT")"
	awk '/^(not )?ok / { n++; sub(/ok /, "ok " n " ") } { print }' "$TAP_OUT"
	tap_failed=$(grep -c '^not ok ' "$TAP_OUT")
	rm -f "$TAP_OUT"
	[ "$tap_failed" -eq 0 ]
}

wait_for() {
	wait_for_n=$(($1 * 10))
	shift
	until "$@"; do
		wait_for_n=$((wait_for_n - 1))
		[ "$wait_for_n" -gt 0 ] || return 1
		sleep 0.1
	done
}
