#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: runs after /init loaded rpmsg_lite.ko and
# rpmsg_lite_loopback.ko with default parameters (one loopback link pair
# with an echo service announced by name service). A non-zero exit fails
# the demo.
set -eu

step() { echo; echo "== $*"; }
run() { echo "\$ $*"; "$@"; }

# The control node of the master link (the echo service's peer).
ctrl=
for d in /sys/class/rpmsg_lite/rpmsg_lite_ctrl*; do
	[ "$(cat "$d/role" 2>/dev/null)" = master ] && ctrl=/dev/${d##*/} && break
done
[ -n "$ctrl" ] || { echo "demo: no control node of a master link"; exit 1; }

# Wait (up to 5 s) for the echo service's announcement.
i=0
until grep -q ' rpmsg-lite-echo$' "/sys/class/rpmsg_lite/${ctrl#/dev/}/services"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "demo: the peer never announced rpmsg-lite-echo"; exit 1; }
	sleep 0.1
done

step "links, endpoints and the services the peer announced"
run rpmsg-lite list

step "create an endpoint to the echo service through $ctrl"
out=$(rpmsg-lite create "$ctrl" demo --service rpmsg-lite-echo)
echo "$out"
ept=${out%% *}

step "exchange messages through $ept"
for msg in "hello, remote" "rpmsg-lite on Linux" "third message"; do
	run rpmsg-lite send "$ept" "$msg"
	rpmsg-lite recv "$ept" --count 1 --timeout 2000
done
run rpmsg-lite send "$ept" --hex de ad be ef 00 01
rpmsg-lite recv "$ept" --count 1 --timeout 2000

step "round-trip latency (TCG emulation: absolute numbers mean little)"
run rpmsg-lite ping "$ept" --count 200 --size 64

step "link and endpoint statistics"
run rpmsg-lite stats "$ept"

run rpmsg-lite destroy "$ept"

step "done"
echo "For an interactive guest with the modules loaded and the CLI in"
echo "the PATH: make shell   (then: rpmsg-lite --help)"
exit 0
