#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest A's side of `make demo DEMO=ivshmem`: this guest is the master of
# a link over ivshmem shared memory; the other guest (remote) echoes on
# an endpoint it announced by name service. Run by scripts/guest/ivshmem-init
# with: <control node> <service> <our address> <its address>.
set -eu
ctrl=$1 service=$2 src=$3 dst=$4

step() { echo; echo "== $*"; }
run() { echo "\$ $*"; "$@"; }

step "link to the other guest (ivshmem BAR2 shared memory, doorbell kicks)"
dmesg | grep 'rpmsg_lite_ivshmem' | sed 's/^\[[^]]*\] //'
run rpmsg-lite-pair wait-service "$ctrl" "$service" "$dst" 60000
run rpmsg-lite list

step "an endpoint to the other guest's \"$service\""
out=$(rpmsg-lite create "$ctrl" demo --src "$src" --dst "$dst")
echo "$out"
ept=${out%% *}

step "messages to the other guest and back"
for msg in "hello from guest A" "rpmsg-lite between two VMs" "third message"; do
	run rpmsg-lite send "$ept" "$msg"
	rpmsg-lite recv "$ept" --count 1 --timeout 2000
done

step "round trips across the two VMs (TCG emulation: absolute numbers mean little)"
run rpmsg-lite ping "$ept" --count 200 --size 64
run rpmsg-lite destroy "$ept"

step "a sequence-numbered stream, checked for loss and order"
run rpmsg-lite-pair stream "$ctrl" "$src" "$dst" 2000 64 32

step "link statistics"
run rpmsg-lite stats "$ctrl"

step "done"
exit 0
