#!/usr/bin/python3
"""timedatectl for a desktop without systemd: `status` (the default) in systemd's format, set-timezone through
/etc/localtime, set-ntp recorded; set-time fails as it does where the clock may not be set (a container's)."""

import datetime
import os
import sys
import zoneinfo

STATE = "/etc/steprl-ntp"  # "no" after set-ntp off
LABELS = (
    "Local time",
    "Universal time",
    "RTC time",
    "Time zone",
    "System clock synchronized",
    "NTP service",
    "RTC in local TZ",
)


def zone_name() -> str:
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "Etc/UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "Etc/UTC"


def ntp_on() -> bool:
    try:
        with open(STATE) as f:
            return f.read().strip() != "no"
    except OSError:
        return True


def status() -> int:
    name = zone_name()
    now = datetime.datetime.now(datetime.UTC)
    local = now.astimezone(zoneinfo.ZoneInfo(name))
    fmt = "%a %Y-%m-%d %H:%M:%S"
    values = (
        f"{local.strftime(fmt)} {local.strftime('%Z')}",
        f"{now.strftime(fmt)} UTC",
        now.strftime(fmt),
        f"{name} ({local.strftime('%Z')}, {local.strftime('%z')})",
        "yes",
        "active" if ntp_on() else "inactive",
        "no",
    )
    for label, value in zip(LABELS, values, strict=True):
        print(f"{label:>25}: {value}")
    return 0


def as_root(args: list[str]) -> None:
    """Changing the zone or NTP needs root, as through polkit on the official VM (no password asked there)."""
    if os.geteuid() != 0:
        os.execvp("sudo", ["sudo", "-n", os.path.abspath(__file__), *args])


def main(args: list[str]) -> int:
    command = args[0] if args else "status"
    if command == "status":
        return status()
    if command == "list-timezones":
        print("\n".join(sorted(zoneinfo.available_timezones())))
        return 0
    if command == "set-timezone" and len(args) == 2:
        if args[1] not in zoneinfo.available_timezones():
            print(f"Failed to set time zone: Invalid or not installed time zone '{args[1]}'", file=sys.stderr)
            return 1
        as_root(args)
        os.remove("/etc/localtime")
        os.symlink(f"/usr/share/zoneinfo/{args[1]}", "/etc/localtime")
        with open("/etc/timezone", "w") as f:
            f.write(args[1] + "\n")
        return 0
    if command == "set-ntp" and len(args) == 2:
        on = args[1].lower() in ("1", "yes", "true", "on")
        if not on and args[1].lower() not in ("0", "no", "false", "off"):
            print(f"Failed to parse argument: {args[1]}", file=sys.stderr)
            return 1
        as_root(args)
        with open(STATE, "w") as f:
            f.write("yes\n" if on else "no\n")
        return 0
    if command == "set-time" and len(args) == 2:
        if ntp_on():
            print("Failed to set time: Automatic time synchronization is enabled", file=sys.stderr)
        else:
            print("Failed to set time: the clock of this desktop cannot be changed", file=sys.stderr)
        return 1
    print(f"Unknown command verb {command}.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
