#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Device-tree probe of the rpmsg-lite-link platform driver (TAP), in the
# arm64 guest booted with dts/qemu/virt-rpmsg-lite.dtsi and
# virt-rpmsg-lite-bad.dtsi, after /init loaded rpmsg_lite.ko (the driver
# probes the nodes; good links defer until the mailbox exists) and
# rpmsg_lite_loopback.ko (the DT loopback mailbox controller):
#   - the four good nodes bind, with the numbers of their node;
#   - each bad node fails probe with the dev_err_probe message naming what
#     to fix (the "expect:" comment of its node), and stays unbound;
#   - both links (two at once, i.MX-style and per-vring kicks) carry
#     messages: an endpoint on the remote half echoes, the master half
#     sends through its control node and reads the echo back;
#   - unbind/rebind through sysfs removes and recreates a link (its
#     control node), while the other link keeps working, and it carries
#     messages again afterwards.
. /rl/tap.sh

DRV=/sys/bus/platform/drivers/rpmsg-lite-link
DEVS=/sys/bus/platform/devices
DT=/sys/firmware/devicetree/base

# --- the tree the kernel got ---------------------------------------------
tap_check dt_reserved_memory_region_present \
	test -d "$DT/reserved-memory/rpmsg-shm@5f000000"
tap_check dt_loopback_mailbox_bound \
	test -e /sys/bus/platform/drivers/rpmsg-lite-loopback/mailbox

# --- good nodes ----------------------------------------------------------
bound() { [ -e "$DRV/$1" ]; }
for d in link-master link-remote link-pv-master link-pv-remote; do
	if wait_for 10 bound "$d"; then
		tap_ok "probe_${d}_bound"
	else
		tap_fail "probe_${d}_bound" "$(dmesg | grep -F " $d: " | tail -3)"
	fi
done

# the probe line carries the numbers read from the node
probe_line() {
	dmesg | grep -F "rpmsg-lite-link $1: " | grep -F "$2" >/dev/null
}
tap_check probe_master_reads_region_and_shm_da probe_line link-master \
	"master link 0 on 0x000000005f000000 (0x100000 bytes, device address 0x90000000): 16 x 496-byte payloads, imx kicks"
tap_check probe_remote_reads_role probe_line link-remote \
	"remote link 0 on 0x000000005f000000"
tap_check probe_per_vring_master_reads_link_id_and_encoding \
	probe_line link-pv-master \
	"master link 1 on 0x000000005f100000 (0x100000 bytes, device address 0x5f100000): 8 x 496-byte payloads, per-vring kicks"

# --- bad nodes: the expected message, and not bound ------------------------
rejected() {
	! bound "$1" &&
	dmesg | grep -F "rpmsg-lite-link $1: error -" | grep -F "$2" >/dev/null
}
while IFS='|' read -r node msg; do
	if rejected "$node" "$msg"; then
		tap_ok "probe_${node}_rejected_with_message"
	else
		tap_fail "probe_${node}_rejected_with_message" "want: $msg" \
			"got: $(dmesg | grep -F " $node: " | tail -2)"
	fi
done <<'LIST'
bad-count|nxp,buffer-count 3 is not a power of two
bad-small|shared memory of 0x10000 bytes is too small
bad-noregion|no shared memory: give "memory-region"
bad-notreserved|is not a reserved-memory region
bad-name|mbox-names entry "tx0" is unknown for imx kicks
bad-norole|"nxp,role" is missing
bad-encoding|nxp,kick-encoding "doorbell" is unknown
bad-vring-size|nxp,vring-size 0x100 is too small
bad-da-align|is not aligned to nxp,vring-align 0x1000
bad-nombox|"mbox-names" is missing
LIST

# --- traffic ---------------------------------------------------------------
# ctrl DEV: the control node of the link bound to platform device DEV
# (a child of its link device rpmsg_lite_linkN)
ctrl() {
	for c in "$DEVS/$1"/rpmsg_lite_link/rpmsg_lite_link*/rpmsg_lite_ctrl*; do
		[ -e "$c" ] && echo "/dev/${c##*/}" && return 0
	done
	return 1
}
link_up() {
	c=$(ctrl "$1") && grep -qx up "/sys/class/rpmsg_lite/${c#/dev/}/state"
}

# round_trip NAME MASTER_DEV REMOTE_DEV ADDR: echo endpoint at ADDR on the
# remote half, announced by name service, sending to ADDR + 1000; the
# master half creates ADDR + 1000, finds the echo by name, sends three
# messages and must read each back
round_trip() {
	name=$1 mdev=$2 rdev=$3 addr=$4
	if ! wait_for 10 link_up "$mdev" || ! wait_for 10 link_up "$rdev"; then
		tap_fail "${name}_link_up" "$mdev/$rdev not up"
		return
	fi
	tap_ok "${name}_link_up"
	mc=$(ctrl "$mdev") rc=$(ctrl "$rdev")
	out=$(rpmsg-lite create "$rc" "dt-echo-$addr" --src "$addr" \
		--dst $((addr + 1000)) --announce 2>&1)
	rept=${out%% *}
	if [ ! -c "$rept" ]; then
		tap_fail "${name}_remote_endpoint" "rpmsg-lite create $rc: $out"
		return
	fi
	rpmsg-lite echo "$rept" --count 3 >/dev/null 2>&1 &
	echo_pid=$!
	announced() {
		grep -q "^$addr dt-echo-$addr\$" "/sys/class/rpmsg_lite/${mc#/dev/}/services"
	}
	if wait_for 10 announced; then
		tap_ok "${name}_service_announced_to_master"
	else
		tap_fail "${name}_service_announced_to_master" \
			"services: $(cat "/sys/class/rpmsg_lite/${mc#/dev/}/services")"
	fi
	out=$(rpmsg-lite create "$mc" "dt-client-$addr" --src $((addr + 1000)) \
		--service "dt-echo-$addr" 2>&1)
	mept=${out%% *}
	if [ ! -c "$mept" ]; then
		tap_fail "${name}_round_trips" "rpmsg-lite create $mc: $out"
		kill "$echo_pid" 2>/dev/null
	else
		bad=
		for i in 1 2 3; do
			msg="message $i over $mdev"
			rpmsg-lite send "$mept" "$msg" >/dev/null 2>&1
			got=$(rpmsg-lite recv "$mept" --count 1 --timeout 3000 2>&1)
			[ "$got" = "${#msg} bytes: $msg" ] || bad="$bad [$i: got '$got']"
		done
		if [ -z "$bad" ]; then
			tap_ok "${name}_round_trips"
		else
			tap_fail "${name}_round_trips" "$bad"
		fi
		rpmsg-lite destroy "$mept" >/dev/null 2>&1
	fi
	wait "$echo_pid" 2>/dev/null
	rpmsg-lite destroy "$rept" >/dev/null 2>&1
}

round_trip link0 link-master link-remote 1024
round_trip link1 link-pv-master link-pv-remote 1025

# both links at once: an echo on each remote, both masters send together
both() {
	round_trip both_link0 link-master link-remote 1030 &
	p0=$!
	round_trip both_link1 link-pv-master link-pv-remote 1031
	wait "$p0"
}
both

# --- unbind / rebind -------------------------------------------------------
echo link-remote >"$DRV/unbind" 2>/dev/null
echo link-master >"$DRV/unbind" 2>/dev/null
unbound() { ! bound link-master && ! bound link-remote; }
tap_check unbind_removes_both_halves unbound
no_ctrl() { ! ctrl link-master >/dev/null && ! ctrl link-remote >/dev/null; }
tap_check unbind_removes_control_nodes wait_for 5 no_ctrl
round_trip other_link_while_unbound link-pv-master link-pv-remote 1040

echo link-master >"$DRV/bind" 2>/dev/null
echo link-remote >"$DRV/bind" 2>/dev/null
rebound() { bound link-master && bound link-remote; }
tap_check rebind_binds_both_halves wait_for 5 rebound
round_trip rebound_link0 link-master link-remote 1050

# The links hold the loopback controller's channels, so its module cannot
# go before they do: unbind them all, then /init unloads both modules.
for d in link-master link-remote link-pv-master link-pv-remote; do
	echo "$d" >"$DRV/unbind" 2>/dev/null
done
none_bound() { ! ls "$DRV" | grep -q '^link-'; }
tap_check unbind_all_links none_bound

tap_done
