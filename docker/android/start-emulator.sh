#!/usr/bin/env bash
# Boot the AVD headless (no snapshot), wait for sys.boot_completed, expose its adb port on the container's address.
set -euo pipefail
adb start-server
emulator -avd AndroidWorldAvd -no-window -no-snapshot -no-audio -no-boot-anim -gpu swiftshader_indirect \
    -port 5554 -grpc 8554 ${EMULATOR_ARGS:-} &
emu=$!
adb -s emulator-5554 wait-for-device
until [ "$(adb -s emulator-5554 shell getprop sys.boot_completed 2>/dev/null | tr -d '\r')" = "1" ]; do sleep 2; done
adb -s emulator-5554 root || true
echo "emulator booted"
# The emulator's adbd already holds 127.0.0.1:5555, so a listener on 0.0.0.0:5555 fails with "address in use";
# listen on the container's own address instead (what a published port reaches).
addr=$(hostname -I | awk '{print $1}')
[ -n "$addr" ] || { echo "no container address to publish adb on" >&2; exit 1; }
socat TCP-LISTEN:5555,bind="$addr",fork,reuseaddr TCP:127.0.0.1:5555 &
wait $emu
