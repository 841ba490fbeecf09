#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The loopback demo as a test (TAP), for kernels where `make demo` does not
# run (Debian's stock kernel, arm64): with rpmsg_lite.ko and
# rpmsg_lite_loopback.ko loaded with default parameters, find the master
# link of the load-time pair, wait for its echo service, and do CLI round
# trips through /dev/rpmsg_eptN, comparing what comes back.
. /rl/tap.sh

ctrl=
for d in /sys/class/rpmsg_lite/rpmsg_lite_ctrl*; do
	[ -d "$d" ] || continue
	[ "$(cat "$d/role" 2>/dev/null)" = master ] && ctrl=/dev/${d##*/} && break
done
if [ -z "$ctrl" ]; then
	tap_fail demo_master_ctrl_node_exists "no control node of a master link"
	tap_done
	exit
fi
tap_ok demo_master_ctrl_node_exists
sysd=/sys/class/rpmsg_lite/${ctrl#/dev/}

echo_announced() { grep -q ' rpmsg-lite-echo$' "$sysd/services"; }
tap_check demo_echo_service_announced wait_for 10 echo_announced
tap_check demo_link_is_up wait_for 10 grep -qx up "$sysd/state"

out=$(rpmsg-lite create "$ctrl" demo --service rpmsg-lite-echo 2>&1)
ept=${out%% *}
if [ -c "$ept" ]; then
	tap_ok demo_endpoint_created_through_ctrl
else
	tap_fail demo_endpoint_created_through_ctrl "rpmsg-lite create: $out"
	tap_done
	exit
fi

i=0
for msg in "hello, remote" "rpmsg-lite on Linux" "third message"; do
	i=$((i + 1))
	rpmsg-lite send "$ept" "$msg" >/dev/null 2>&1
	got=$(rpmsg-lite recv "$ept" --count 1 --timeout 3000 2>&1)
	want="${#msg} bytes: $msg"
	if [ "$got" = "$want" ]; then
		tap_ok "demo_round_trip_$i"
	else
		tap_fail "demo_round_trip_$i" "sent '$msg'" "got '$got'" "want '$want'"
	fi
done

rpmsg-lite send "$ept" --hex de ad be ef 00 01 >/dev/null 2>&1
got=$(rpmsg-lite recv "$ept" --count 1 --timeout 3000 2>&1)
if [ "$got" = "6 bytes: de ad be ef 00 01" ]; then
	tap_ok demo_binary_round_trip
else
	tap_fail demo_binary_round_trip "got '$got'"
fi

out=$(rpmsg-lite ping "$ept" --count 50 --size 64 2>&1)
rc=$?
echo "$out" | sed 's/^/# /' >>"$TAP_OUT"
if [ $rc -eq 0 ]; then
	tap_ok demo_ping_50_round_trips
else
	tap_fail demo_ping_50_round_trips "rpmsg-lite ping exited $rc"
fi

tap_check demo_endpoint_destroyed rpmsg-lite destroy "$ept"
gone() { [ ! -e "$ept" ]; }
tap_check demo_endpoint_node_removed wait_for 5 gone
tap_done
