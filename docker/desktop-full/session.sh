#!/bin/sh
# The desktop session around the control server: a D-Bus session bus at the official VM's address (gsettings,
# dconf, gnome-terminal and the AT-SPI bus are activated through it), then the server, which starts the display.
set -eu
bus="${XDG_RUNTIME_DIR:-/run/user/1000}/bus"
rm -f "$bus"
dbus-daemon --session --address="unix:path=$bus" --fork --nopidfile --nosyslog
i=0
while [ ! -S "$bus" ]; do
    i=$((i + 1))
    if [ "$i" -gt 200 ]; then echo "steprl-session: the session bus did not come up at $bus" >&2; exit 1; fi
    sleep 0.01
done
export DBUS_SESSION_BUS_ADDRESS="unix:path=$bus"
# Services the bus starts (gnome-terminal's server, dconf) need the display, which the server starts later: hand
# its name to the bus once its socket appears (for at most 30 s).
(
    i=0
    while [ "$i" -lt 3000 ]; do
        for socket in /tmp/.X11-unix/X*; do
            if [ -S "$socket" ]; then
                exec dbus-update-activation-environment "DISPLAY=:${socket#/tmp/.X11-unix/X}"
            fi
        done
        i=$((i + 1))
        sleep 0.01
    done
) &
exec "$@"
