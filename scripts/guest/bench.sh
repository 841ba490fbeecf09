#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark suite, run in the QEMU guest with rpmsg_lite.ko and
# rpmsg_lite_loopback.ko loaded with their defaults (link pair 0, echo
# service on its remote). Packed as /rl/selftests/bench-smoke (make check:
# a few seconds, proves every metric is produced) and
# /rl/selftests/bench-full (make bench). Prints "result ..." and "hist ..."
# lines (parsed by scripts/bench-report), then a one-test TAP block: ok when
# every metric was produced. Numbers never fail it.

case ${0##*/} in
*smoke*) MODE=smoke ;;
*) MODE=${1:-full} ;;
esac

KO=/rl/bench/rpmsg_lite_bench.ko
OUT=/sys/kernel/debug/rl_bench/output
BENCH=/usr/bin/rpmsg-lite-bench
missing=
ran=0

# smoke: every kind of metric once, small counts (seconds, in make check)
if [ "$MODE" = smoke ]; then
	KCOUNT=200 UCOUNT=50 EPS_MS=50 MEM_EPS=20 EPS_LIST="8"
	SIZES="16:0" USIZES=1 SSIZES=16 MODES=evidx UPSIZES=16 BATCH=8
else
	KCOUNT=${BENCH_KCOUNT:-20000} UCOUNT=${BENCH_UCOUNT:-3000}
	EPS_MS=${BENCH_EPS_MS:-1000} MEM_EPS=1000 EPS_LIST="1 8 32 256"
	SIZES="16:0 496:0 4080:4080" USIZES="1 496" SSIZES="16 496"
	MODES="compat evidx"
	BATCH=32
	# 496: the largest payload of virtio_rpmsg_bus (512-byte buffers)
	UPSIZES="16 496"
fi

# kbench_modes NAME PARAMS...: one run per link mode: compat (rpmsg-lite
# defaults, NAME) and evidx (event index + consumed-buffer kicks, NAME
# with _evidx_ inserted)
kbench_modes() {
	kname=$1
	shift
	for m in $MODES; do
		case $m in
		compat) kbench "$kname" "$@" ;;
		evidx) kbench "${kname%_*}_evidx_${kname##*_}" "$@" \
			event_idx=1 notify_consumed=1 ;;
		esac
	done
}

# expect NAME OUTPUT: note NAME as missing unless OUTPUT has its result line
expect() {
	ran=$((ran + 1))
	if ! printf '%s\n' "$2" | grep -q "^result .*name=$1 "; then
		missing="$missing $1"
		echo "# no result for $1"
	fi
}

# kbench NAME PARAMS...: load the benchmark module for one test
kbench() {
	name=$1
	shift
	if ! insmod "$KO" label="$name" "$@"; then
		missing="$missing $name"
		echo "# insmod $KO $* failed"
		return
	fi
	out=$(cat "$OUT")
	printf '%s\n' "$out"
	rmmod rpmsg_lite_bench || echo "# rmmod rpmsg_lite_bench failed"
	expect "$name" "$out"
}

# ubench NAME ARGS...: one run of the user-space benchmark program
ubench() {
	name=$1
	shift
	out=$("$BENCH" "$@" --name "$name" 2>&1)
	printf '%s\n' "$out"
	expect "$name" "$out"
}

# the upstream stack as the peer baseline (bench/rl_bench_upstream.c):
# virtio_rpmsg_bus as the master of an in-kernel rproc whose remote is this
# driver's remote role; absent where the kernel has no remoteproc
UKO=/rl/bench/rpmsg_lite_bench_upstream.ko
UOUT=/sys/kernel/debug/rl_bench_upstream/output

# ukbench NAME PARAMS...: load the upstream baseline module for one test
ukbench() {
	name=$1
	shift
	if ! insmod "$UKO" label="$name" "$@"; then
		missing="$missing $name"
		echo "# insmod $UKO $* failed"
		return
	fi
	out=$(cat "$UOUT")
	printf '%s\n' "$out"
	rmmod rpmsg_lite_bench_upstream || echo "# rmmod rpmsg_lite_bench_upstream failed"
	expect "$name" "$out"
}

# upstream_ctrl: the /dev/rpmsg_ctrlN of virtio_rpmsg_bus (not of a link
# of this driver, which has its own through the rpmsg bus bridge)
upstream_ctrl() {
	for d in /sys/class/rpmsg/rpmsg_ctrl*; do
		case $(readlink "$d/device") in
		*/virtio*) echo "/dev/${d##*/}" ;;
		esac
	done
}

ctrl_of() {
	for d in /sys/class/rpmsg_lite/rpmsg_lite_ctrl*; do
		[ "$(cat "$d/link_name" 2>/dev/null)" = "$1" ] && echo "/dev/${d##*/}"
	done
}

# upstream_dev SIZE [batch]: the /dev stream written through the upstream
# /dev/rpmsgN to a reader on the remote link (as dev_stream_SIZE); with
# "batch" the reader takes BATCH messages per call (upstream has no batch
# send, so it still writes one per call), as dev_stream_batch_SIZE
# reads.  SIZE "mem": the slab bytes per idle upstream /dev/rpmsgN instead.
upstream_dev() {
	case $1:${2:-} in
	mem:) uname=upstream_dev_mem ;;
	*:batch) uname=upstream_dev_stream_batch_$1 ;;
	*) uname=upstream_dev_stream_$1 ;;
	esac
	if ! insmod "$UKO" label=upstream_dev test=dev; then
		missing="$missing $uname"
		echo "# insmod $UKO test=dev failed"
		return
	fi
	cat "$UOUT"
	uctrl=$(upstream_ctrl)
	urctrl=$(ctrl_of upstream-remote)
	if [ -n "$uctrl" ] && [ -n "$urctrl" ]; then
		case $1:${2:-} in
		mem:) ubench "$uname" upstream-mem "$uctrl" --count "$MEM_EPS" ;;
		*:batch) ubench "$uname" upstream-stream "$uctrl" "$urctrl" \
			--size "$1" --count "$((UCOUNT * 3))" --batch "$BATCH" ;;
		*) ubench "$uname" upstream-stream "$uctrl" "$urctrl" \
			--size "$1" --count "$((UCOUNT * 3))" ;;
		esac
	else
		echo "# no upstream control node ($uctrl) or remote link node ($urctrl)"
		missing="$missing $uname"
	fi
	rmmod rpmsg_lite_bench_upstream || echo "# rmmod rpmsg_lite_bench_upstream failed"
}

echo "# bench mode $MODE, kernel $(uname -r), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# --- in kernel: one-way stream against a kfifo hand-off ---------------
for spec in $SIZES; do
	size=${spec%%:*} pl=${spec#*:}
	kbench "kfifo_$size" test=kfifo size="$size" payload="$pl" count="$KCOUNT"
	kbench_modes "stream_$size" test=stream size="$size" payload="$pl" count="$KCOUNT"
	# the same stream from the upstream stack, right after ours
	case " $UPSIZES " in
	*" $size "*) [ -f "$UKO" ] && ukbench "upstream_stream_$size" \
		test=stream size="$size" count="$KCOUNT" ;;
	esac
done

# --- in kernel: endpoints sharing a link -------------------------------
for n in $EPS_LIST; do
	kbench_modes "eps_$n" test=eps eps="$n" ms="$EPS_MS"
done

# --- kernel memory per endpoint, in kernel ------------------------------
if insmod "$KO" label=kmem test=mem; then
	echo 1 >/sys/kernel/debug/rl_bench/epts
	echo 0 >/sys/kernel/debug/rl_bench/epts
	before=$("$BENCH" slab)
	echo "$MEM_EPS" >/sys/kernel/debug/rl_bench/epts
	after=$("$BENCH" slab)
	echo 0 >/sys/kernel/debug/rl_bench/epts
	rmmod rpmsg_lite_bench
	out="result test=kmem name=kmem eps=$MEM_EPS slab_before=$before slab_after=$after bytes_per_ept=$(( (after - before) / MEM_EPS ))"
	echo "$out"
	expect kmem "$out"
else
	missing="$missing kmem"
fi

# --- /dev: round trips, streams, memory ---------------------------------
MCTRL=$(ctrl_of loop0-master)
RCTRL=$(ctrl_of loop0-remote)
if [ -z "$MCTRL" ] || [ -z "$RCTRL" ]; then
	echo "# no control nodes of link pair 0 (loop0-master/remote)"
	missing="$missing dev"
else
	for size in $USIZES; do
		kbench "kernel_rtt_$size" test=rtt size="$size" count="$UCOUNT"
		ubench "pipe_rtt_$size" pipe-rtt --size "$size" --count "$UCOUNT"
		ubench "dev_rtt_$size" rtt "$MCTRL" --size "$size" --count "$UCOUNT"
	done
	for size in $SSIZES; do
		ubench "pipe_stream_$size" pipe-stream --size "$size" --count "$((UCOUNT * 3))"
		ubench "dev_stream_$size" stream "$MCTRL" "$RCTRL" --size "$size" --count "$((UCOUNT * 3))"
		[ -f "$UKO" ] && upstream_dev "$size"
		# the batch calls: BATCH messages per SEND_MSGS / RECV_MSGS
		ubench "dev_stream_batch_$size" stream "$MCTRL" "$RCTRL" --size "$size" \
			--count "$((UCOUNT * 3))" --batch "$BATCH"
		[ -f "$UKO" ] && upstream_dev "$size" batch
	done
	ubench dev_mem mem "$MCTRL" --count "$MEM_EPS"
	[ -f "$UKO" ] && upstream_dev mem
fi

# --- the upstream stack as the peer baseline ---------------------------
# upstream_stream_* ran beside stream_*, upstream_dev_stream_* beside
# dev_stream_*: the same traffic from the upstream stack to this driver's
# remote role, measured right after ours.
if [ -f "$UKO" ]; then
	echo "upstream name=virtio_rpmsg available=1 reason=virtio_rpmsg_bus master of an in-kernel rproc whose remote is this driver's remote role"
else
	echo "upstream name=virtio_rpmsg available=0 reason=kernel without CONFIG_REMOTEPROC and CONFIG_RPMSG_VIRTIO: no upstream baseline"
fi

echo "TAP version 13"
echo "1..1"
if [ -z "$missing" ] && [ "$ran" -gt 0 ]; then
	echo "ok 1 bench_$MODE produced all $ran results"
	exit 0
fi
echo "not ok 1 bench_$MODE: no result for:$missing"
exit 1
