#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
#
# The demo itself. Runs as root inside the test VM (demo/guest/50-demo),
# cwd = the checkout, MODROOT set: loads the RPMsg stack and our driver,
# boots a simulated M33 core running the demo firmware, and shows the Linux
# side at work: the reference consumer, rpcctl list/call/listen/bench, and a
# crash and restart of the remote that the consumer survives. Every step is
# bounded in time; exits 0 only if every check passed.
# finish runs from the EXIT trap (SC2317); sim_create takes optional args (SC2119)
# shellcheck source-path=SCRIPTDIR disable=SC2317,SC2119
set -u
TOP=${TOP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP" || exit 1
# shellcheck source=../tests/sim/sim.sh
. tests/sim/sim.sh
export PATH="$TOP/tools:$PATH"	# rpcctl
CH=alp_default_rpmsg
W=$(mktemp -d /tmp/demo.XXXXXX)
CHECKS=()
FAILED=0
PIDS=()

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*" | fold -s -w 78; }
# show CMD...: print the command as typed, run it (bounded), indent its output
show() {
	local rc
	printf '  $ %s\n' "$*"
	timeout 60 "$@" >"$W/out" 2>&1
	rc=$?
	sed 's/^/    /' "$W/out"
	[ "$rc" = 0 ] || printf '    (exit status %s)\n' "$rc"
	return "$rc"
}
# check DESCRIPTION RESULT(0/1)
check() {
	if [ "$2" = 0 ]; then
		CHECKS+=("  ok    $1")
	else
		CHECKS+=("  FAIL  $1")
		FAILED=$((FAILED + 1))
	fi
}
finish() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	sim_cleanup
}
trap finish EXIT

cat <<'INTRO'
What you are about to see: a Linux machine (this VM) next to a small
microcontroller core, "M33", that runs its own firmware. The two talk over
RPMsg: shared-memory message rings, the standard way Linux talks to such
cores. There is no board here, so the M33 is simulated inside the kernel
(tests/sim/rpmsg_sim.ko) and Linux's RPMsg stack runs unmodified on top.

  - the firmware (demo/firmware/app.c) is written as M-core code: it uses
    only an rpmsg endpoint API and the project's freestanding frame codec;
  - on Linux, librpc implements <alp/rpc.h>, our driver rpmsg_rpc.ko gives
    it endpoints, and rpcctl is the command-line tool.
INTRO

step "1. Loading Linux's RPMsg stack, the M33 simulator and the rpmsg_rpc driver"
# demo/run leaves copies in build/demo/modules (see there); else the originals.
mods=build/demo/modules
ko=$mods/rpmsg_rpc.ko
simko=$mods/rpmsg_sim.ko
[ -f "$ko" ] || ko=build/dkms/install/$(uname -r)/updates/dkms/rpmsg_rpc.ko
[ -f "$simko" ] || simko=tests/sim/rpmsg_sim.ko
for m in virtio_rpmsg_bus rpmsg_ns rpmsg_char rpmsg_ctrl; do
	modprobe -d "$MODROOT" "$m" || { say "cannot load $m"; exit 1; }
done
[ -d /sys/module/rpmsg_sim ] || insmod "$simko" || exit 1
[ -d /sys/module/rpmsg_rpc ] || insmod "$ko" || exit 1
say "loaded: virtio_rpmsg_bus, rpmsg_ns (upstream Linux), rpmsg_sim (the simulated core), rpmsg_rpc (ours)"

step "2. Booting the M33 core with the demo firmware"
IDX=$(sim_create) || { say "cannot create the simulated core"; exit 1; }
RPROC=$(sim_info "$IDX" rproc)
say "Linux's remoteproc framework booted it as $RPROC. Its firmware announces the channel '$CH' (declared in demo/board.yaml; both sides use the generated <alp/system_ipc.h>), publishes a temperature every second and answers method calls. Its console, prefixed [m33 firmware]:"
demo/build/demo-firmware --remote "$IDX" >"$W/fw.log" 2>&1 &
FW=$!
PIDS+=("$FW")
tail -n +1 -f "$W/fw.log" --pid="$FW" 2>/dev/null | sed -u 's/^/    /' &
PIDS+=($!)
timeout 20 rpcctl call -w 15000 "$CH" ping >/dev/null 2>&1
check "the firmware came up and answers" $?

step "3. What Linux sees: rpcctl list"
say "The remote processor, the channel its firmware announced (name and rpmsg address), and our endpoints on it:"
show rpcctl list
rpcctl list --json >"$W/list.json"
jq -e --arg r "$RPROC" --arg c "$CH" \
	'.remotes[] | select(.rproc == $r and .state == "running") | .channels[] | select(.name == $c)' \
	"$W/list.json" >/dev/null
check "rpcctl list shows $RPROC running with channel $CH" $?

step "4. The reference consumer starts"
say "demo/consumer.c is the consumer from the reference's 'Canonical usage' (alp-rpc-h.md), unchanged but for <stdio.h>, <string.h>, <unistd.h>. It opens the channel, subscribes to 'temperature' and prints every reading, forever. It keeps running in the background for the rest of the demo:"
stdbuf -oL demo/build/consumer >"$W/consumer.log" 2>&1 &
CONSUMER=$!
PIDS+=("$CONSUMER")
tail -n +1 -f "$W/consumer.log" --pid="$CONSUMER" 2>/dev/null | sed -u 's/^/    /' &
STREAM=$!
for _ in $(seq 60); do
	[ "$(grep -c temperature= "$W/consumer.log")" -ge 3 ] && break
	sleep 0.25
done
[ "$(grep -c temperature= "$W/consumer.log")" -ge 3 ]
check "the consumer printed temperatures" $?
kill "$STREAM" 2>/dev/null
say "(Its output is hidden during the next steps, to keep them readable; it keeps printing one reading a second.)"

step "5. Calling the firmware's methods: rpcctl call"
show rpcctl call "$CH" version
check "call version" $?
show rpcctl call "$CH" get_temperature
check "call get_temperature" $?
say "  add takes two 32-bit integers (here 2 and 40, little-endian hex) and returns their sum:"
out=$(rpcctl call -x -O hex "$CH" add '02000000 28000000')
show rpcctl call -x -O hex "$CH" add '02000000 28000000'
[ "$out" = 2a000000 ]
check "call add 2 + 40 = 42 (0x2a)" $?
say "  Errors have their own exit status: a method the firmware lacks (4), a reply that never comes (3):"
show rpcctl call "$CH" selfdestruct
[ $? = 4 ]
check "unknown method: exit status 4" $?
show rpcctl call --timeout 500 "$CH" hang
[ $? = 3 ]
check "no reply in 500 ms: exit status 3" $?
say "  Messages larger than one RPMsg buffer (496 bytes) travel in fragments and arrive whole. 'log' returns the firmware's event log, several KiB (first and last lines shown):"
printf '  $ rpcctl call %s log | (head -n 2; echo ...; tail -n 1)\n' "$CH"
timeout 60 rpcctl call "$CH" log >"$W/log.txt" 2>"$W/log.err"
rc=$?
{ head -n 2 "$W/log.txt"; echo '...'; tail -n 1 "$W/log.txt"; cat "$W/log.err"; } | sed 's/^/    /'
size=$(wc -c <"$W/log.txt")
say "  ($size bytes in one reply, $(( (size + 12 + 479) / 480 )) fragments)"
[ "$rc" = 0 ] && [ "$size" -gt 4096 ]
check "call log: a multi-KiB reply ($size bytes)" $?
say "  A large request too: 10000 random bytes to 'checksum', which answers with their size and FNV-1a hash:"
head -c 10000 /dev/urandom >"$W/blob"
show rpcctl call "$CH" checksum @"$W/blob"
grep -q '^10000 bytes, fnv1a ' "$W/out"
check "call checksum with a 10000-byte request" $?

step "5b. The same firmware from Python"
say "Scripts use librpc too, through the alp_rpc package (bindings/python, docs/python.md). demo/python-client.py, next to the C consumer that keeps running:"
sed -n '/^import struct/,$p' demo/python-client.py | sed 's/^/    | /'
PYTHONPATH=$TOP/bindings/python/build/lib LD_LIBRARY_PATH=$TOP/lib/build PYTHONDONTWRITEBYTECODE=1 \
	show python3 demo/python-client.py
check "Python: calls, the firmware's error text, 3 temperatures" $?

step "6. Watching the traffic: rpcctl listen"
say "A second listener; '--hello subscribe' tells the firmware to send it temperatures too. The payload is the float's 4 bytes:"
show rpcctl listen --hello subscribe --count 3 --timeout 10000 -O hex "$CH" temperature
check "rpcctl listen received 3 temperature frames" $?

step "7. Measuring: rpcctl bench"
say "1000 calls of 'echo' with a 32-byte payload, one at a time, across the whole stack (librpc, rpmsg_rpc.ko, virtio rings, the simulated core and back). This VM emulates its CPU (no KVM), so absolute figures are far slower than on hardware:"
show rpcctl bench -n 1000 "$CH"
check "rpcctl bench completed 1000 calls" $?

step "8. The M33 core crashes and restarts"
before=$(grep -c temperature= "$W/consumer.log")
boots=$(sim_info "$IDX" boots)
say "Crashing it through remoteproc's crash path (rproc_report_crash), as a watchdog or a fault would. The consumer has printed $before readings so far and is not told anything."
rpcctl monitor >"$W/monitor.log" 2>/dev/null &
MONITOR=$!
PIDS+=("$MONITOR")
sleep 0.5
sim_crash "$IDX"
sim_wait_up "$IDX" 15000 $((boots + 1))
check "the remote came back (boot $((boots + 1)))" $?
sleep 1
kill "$MONITOR" 2>/dev/null
say "Linux's remoteproc recovered the core: it stopped it, reloaded its firmware and started it again. What 'rpcctl monitor' saw meanwhile (the remote's control node and its channel going away and coming back):"
sed 's/^/    /' "$W/monitor.log"
show rpcctl list
show rpcctl call "$CH" uptime
check "the firmware answers after the restart" $?
say "Waiting for the consumer, still the same process, to print new readings (its latest output):"
tail -n 0 -f "$W/consumer.log" --pid="$CONSUMER" 2>/dev/null | sed -u 's/^/    /' &
PIDS+=($!)
for _ in $(seq 60); do
	[ "$(grep -c temperature= "$W/consumer.log")" -ge $((before + 3)) ] && break
	sleep 0.25
done
after=$(grep -c temperature= "$W/consumer.log")
kill -0 "$CONSUMER" 2>/dev/null
check "the consumer kept running through the crash" $?
[ "$after" -ge $((before + 3)) ]
check "the consumer reconnected and prints again ($before readings before, $after now)" $?

step "Summary"
printf '%s\n' "${CHECKS[@]}"
if [ "$FAILED" = 0 ]; then
	say "Everything worked: the firmware, librpc under the reference consumer, rpcctl list/call/listen/bench, and the recovery from a crash."
	exit 0
fi
say "$FAILED check(s) failed."
exit 1
