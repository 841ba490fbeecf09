#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: runs after /init loaded rpmsg_lite.ko and
# rpmsg_lite_loopback.ko with default parameters (one loopback link pair
# with an echo service). Extend it freely; a non-zero exit fails the demo.

echo "== dmesg | grep rpmsg"
dmesg | grep rpmsg
echo "== ls -l /dev/rpmsg*"
ls -l /dev/rpmsg* 2>&1
if [ -d /sys/class/rpmsg_lite ]; then
	echo "== ls /sys/class/rpmsg_lite"
	ls /sys/class/rpmsg_lite
fi
exit 0
