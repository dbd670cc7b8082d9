"""What an Android emulator needs before AndroidWorld's tasks run on it, as AndroidWorld prepares its AVD: the
emulator console (``avd snapshot save`` / ``load``, for a reset in seconds), the date frozen at AndroidWorld's
2023-10-15 15:34 UTC with automatic time off, and the task apps installed from a local folder of APKs
(``$STEPRL_ANDROID_APKS``)."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from .device import AndroidDevice, DeviceError

#: AndroidWorld's device date (``device_constants.DT``) in ``date``'s ``MMDDhhmmYY.ss`` form, and its time zone
FROZEN_DATE, TIME_ZONE = "1015153423.00", "UTC"
SNAPSHOT = "steprl_androidworld"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class EmulatorConsole:
    """The emulator's console on ``127.0.0.1:console_port`` (what ``adb emu ...`` talks to), with the auth token
    from ``~/.emulator_console_auth_token`` when the emulator asks for one."""

    def __init__(self, console_port: int, timeout: float = 60.0):
        self.port, self.timeout = int(console_port), timeout

    def command(self, line: str) -> str:
        if "\n" in line or "\r" in line:
            raise ValueError("an emulator console command is one line")
        with socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout) as sock:
            banner = self._read(sock)
            if "Authentication required" in banner:
                token_file = Path.home() / ".emulator_console_auth_token"
                token = token_file.read_text().strip() if token_file.exists() else ""
                self._send(sock, f"auth {token}")
                self._read(sock)
            self._send(sock, line)
            reply = self._read(sock)
        last = reply.strip().splitlines()[-1] if reply.strip() else ""
        if last.startswith("KO"):
            raise DeviceError(f"emulator console refused {line!r}: {reply.strip()}")
        return reply

    @staticmethod
    def _send(sock: socket.socket, line: str) -> None:
        sock.sendall(line.encode() + b"\r\n")

    @staticmethod
    def _read(sock: socket.socket) -> str:
        data = b""
        while not re.search(rb"(^|\n)(OK|KO[^\n]*)\r?\n$", data):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")

    def snapshot_save(self, name: str = SNAPSHOT) -> None:
        self.command(f"avd snapshot save {_checked(name)}")

    def snapshot_load(self, name: str = SNAPSHOT) -> None:
        self.command(f"avd snapshot load {_checked(name)}")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"snapshot name {name!r}: letters, digits, '_', '.', '-' only")
    return name


def freeze_date(dev: AndroidDevice) -> None:
    """Automatic time off, time zone UTC, clock at AndroidWorld's date (``date`` needs root: ``adb root`` on
    emulator images, else ``su 0``)."""
    dev.settings_put("global", "auto_time", 0)
    dev.settings_put("global", "auto_time_zone", 0)
    for prefix in ("", "su 0 "):
        result = dev.shell(f"{prefix}setprop persist.sys.timezone {TIME_ZONE} && {prefix}date {FROZEN_DATE}")
        if result.ok:
            return
    raise DeviceError("could not set the date (the emulator image needs root: a google_apis image, not google_play)")


def apk_folder() -> Path | None:
    folder = os.environ.get("STEPRL_ANDROID_APKS")
    return Path(folder) if folder else None


def install_apks(dev: AndroidDevice, folder: Path | None = None) -> list[str]:
    """Install every ``*.apk`` of ``folder`` (default ``$STEPRL_ANDROID_APKS``) with its permissions granted
    (``pm install -r -g``); returns the files installed."""
    folder = folder or apk_folder()
    if folder is None:
        return []
    if not folder.is_dir():
        raise DeviceError(f"STEPRL_ANDROID_APKS={folder} is not a folder")
    done = []
    for apk in sorted(folder.glob("*.apk")):
        remote = "/data/local/tmp/steprl-install.apk"
        dev.push(apk, remote)
        result = dev.shell(f"pm install -r -g {remote}")
        dev.shell(f"rm -f {remote}")
        if not result.ok or "Success" not in result.stdout:
            raise DeviceError(f"installing {apk.name} failed: {(result.stdout + result.stderr).strip()[:200]}")
        done.append(apk.name)
    return done
