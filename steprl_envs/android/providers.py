"""Where the device comes from.

* ``adb``: an existing device or emulator, by ``serial`` (``emulator-5554``, a USB serial) or ``host:port``
  (``adb connect``), on the adb server at ``adb_host:adb_port``;
* ``avd``: start an Android emulator from a local SDK as AndroidWorld does (``emulator -avd NAME -no-window
  -no-snapshot -grpc 8554 -port P``), wait for ``sys.boot_completed``, install the APKs of
  ``$STEPRL_ANDROID_APKS``, freeze the date at 2023-10-15 15:34 UTC, save a snapshot; each reset loads it;
* ``sim``: the simulated phone (MockGUI's phone) behind a real ADB transport on 127.0.0.1; a private adb server
  (its own port) is started unless ``adb_port`` names one, and ``adb connect`` attaches the device.

Each provider gives an :class:`~.device.AndroidDevice` from ``start()``, resets device state before a task with
``prepare(device, seed)`` and releases what it started in ``close()``.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from pathlib import Path

from .device import AdbServer, AndroidDevice, DeviceGone

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider(ABC):
    name = ""
    #: scale of AndroidWorld's sleeps (1 s after a click before typing, 1 s for ``wait``)
    action_delay = 1.0
    sim = None

    @abstractmethod
    def start(self) -> AndroidDevice: ...

    def prepare(self, device: AndroidDevice, seed: int) -> None:
        """Bring the device to a known state before a task (default: home screen)."""
        device.keyevent("KEYCODE_HOME")

    def close(self) -> None:  # noqa: B027 - an optional hook: providers with nothing to release keep it
        pass


class AdbProvider(Provider):
    name = "adb"

    def __init__(
        self,
        serial: str | None = None,
        adb_host: str = "127.0.0.1",
        adb_port: int | None = None,
        screencap: str = "auto",
        timeout: float = 10.0,
    ):
        self.serial, self.adb_host = serial, adb_host
        self.adb_port = adb_port or int(os.environ.get("ANDROID_ADB_SERVER_PORT", 5037))
        self.screencap, self.timeout = screencap, timeout
        self.device: AndroidDevice | None = None

    def start(self) -> AndroidDevice:
        server = AdbServer(self.adb_host, self.adb_port)
        server.start()
        serial = self.serial or os.environ.get("ANDROID_SERIAL")
        if not serial:
            dev = AndroidDevice("?", self.adb_host, self.adb_port, server=server)
            ready = [s for s, state in dev.listed() if state == "device"]
            if len(ready) != 1:
                raise DeviceGone(
                    f"provider 'adb' needs serial= when the adb server does not list exactly one "
                    f"device (it lists {dev.listed()})"
                )
            serial = ready[0]
        self.device = AndroidDevice(
            serial, self.adb_host, self.adb_port, server=server, screencap=self.screencap, timeout=self.timeout
        )
        self.device.connect(timeout=30.0)
        return self.device


class AvdProvider(AdbProvider):
    name = "avd"

    def __init__(
        self,
        avd: str,
        sdk_root: str | None = None,
        console_port: int = 5554,
        adb_port: int | None = None,
        boot_timeout: float = 300.0,
        emulator_args: tuple[str, ...] = (),
        screencap: str = "auto",
        grpc_port: int = 8554,
        snapshot: str | None = "steprl_androidworld",
        apks: str | None = None,
        freeze_date: bool = True,
    ):
        super().__init__(f"emulator-{console_port}", "127.0.0.1", adb_port, screencap)
        self.avd, self.console_port, self.boot_timeout = avd, console_port, boot_timeout
        self.grpc_port, self.snapshot, self.freeze_date = grpc_port, snapshot, freeze_date
        self.apks = Path(apks) if apks else None
        self.saved = False
        self.sdk_root = sdk_root or os.environ.get("ANDROID_SDK_ROOT") or os.environ.get("ANDROID_HOME")
        self.emulator_args = tuple(emulator_args)
        self.proc: subprocess.Popen | None = None

    def _emulator(self) -> str:
        candidates = [Path(self.sdk_root) / "emulator" / "emulator"] if self.sdk_root else []
        found = shutil.which("emulator")
        candidates += [Path(found)] if found else []
        for c in candidates:
            if c.exists():
                return str(c)
        raise DeviceGone(
            "provider 'avd' needs the Android emulator: set sdk_root= or ANDROID_SDK_ROOT (see docs/android.md)"
        )

    def start(self) -> AndroidDevice:
        cmd = [
            self._emulator(),
            "-avd",
            self.avd,
            "-no-window",
            "-no-snapshot",
            "-no-audio",
            "-no-boot-anim",
            "-port",
            str(self.console_port),
            "-grpc",
            str(self.grpc_port),
            *self.emulator_args,
        ]
        env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(self.adb_port))
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
        )
        server = AdbServer("127.0.0.1", self.adb_port)
        server.start()
        self.device = AndroidDevice(self.serial, "127.0.0.1", self.adb_port, server=server, screencap=self.screencap)
        deadline = time.monotonic() + self.boot_timeout
        while self.device.state() != "device":
            if self.proc.poll() is not None:
                raise DeviceGone(f"the emulator exited with {self.proc.returncode} (command: {' '.join(cmd)})")
            if time.monotonic() > deadline:
                self.close()
                raise DeviceGone(f"emulator {self.avd} did not come up within {self.boot_timeout:.0f} s")
            time.sleep(1.0)
        self.device.wait_boot(max(1.0, deadline - time.monotonic()))
        self._set_up(self.device)
        return self.device

    def _set_up(self, dev: AndroidDevice) -> None:
        """AndroidWorld's device setup once after boot: the apps, the frozen date, then the reset snapshot."""
        from .emulator import EmulatorConsole, freeze_date, install_apks

        install_apks(dev, self.apks)
        if self.freeze_date:
            freeze_date(dev)
        if self.snapshot:
            EmulatorConsole(self.console_port).snapshot_save(self.snapshot)
            self.saved = True

    def prepare(self, device: AndroidDevice, seed: int) -> None:
        """Back to the state saved after setup (``avd snapshot load``), the date frozen again."""
        if not self.saved:
            return super().prepare(device, seed)
        from .emulator import EmulatorConsole, freeze_date

        EmulatorConsole(self.console_port).snapshot_load(self.snapshot)
        device.wait_boot(self.boot_timeout)
        if self.freeze_date:
            freeze_date(device)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                if self.device is not None:
                    self.device.shell("reboot -p", retry=False, timeout=5)
            except Exception:
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


class SimProvider(Provider):
    name = "sim"
    action_delay = 0.0

    def __init__(self, adb_port: int | None = None, seed: int = 0, fast_tools: bool = True, screencap: str = "auto"):
        self.adb_port, self.seed, self.fast_tools, self.screencap = adb_port, seed, fast_tools, screencap
        self.sim = None
        self.server: AdbServer | None = None
        self.device: AndroidDevice | None = None
        self._own_server = False

    def start(self) -> AndroidDevice:
        from .sim.device import SimDevice

        self.sim = SimDevice(self.seed, fast_tools=self.fast_tools)
        port = self.adb_port or free_port()
        self.server = AdbServer("127.0.0.1", port)
        self._own_server = not self.server.alive()
        try:
            self.server.start()
            self.device = AndroidDevice(
                self.sim.address, "127.0.0.1", port, server=self.server, screencap=self.screencap
            )
            self.device.connect(timeout=15.0)
        except Exception:
            self.close()
            raise
        return self.device

    def prepare(self, device: AndroidDevice, seed: int) -> None:
        device.run(f"am broadcast -a com.steprl.sim.RESET --ei seed {int(seed)}")

    def close(self) -> None:
        if self.device is not None and self.server is not None and self.server.alive():
            try:
                self.device.client.disconnect(self.sim.address)
            except Exception:
                pass
        if self.server is not None and (self._own_server or self.server.started_here):
            self.server.kill()
        if self.sim is not None:
            self.sim.close()
        self.sim = self.device = self.server = None


PROVIDERS = {"adb": AdbProvider, "avd": AvdProvider, "sim": SimProvider}


def make_provider(name: str, **kwargs) -> Provider:
    if name not in PROVIDERS:
        raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}, got {name!r}")
    return PROVIDERS[name](**kwargs)
