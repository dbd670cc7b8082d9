"""The ``avd`` provider set up as AndroidWorld sets up its emulator: the command line, the emulator console
(snapshot save/load with the auth token), and, with an SDK and /dev/kvm, every ported task's setup and check on
a real emulator."""

from __future__ import annotations

import os
import random
import shutil
import socket
import threading
from pathlib import Path

import pytest

from steprl_envs.android.device import DeviceGone
from steprl_envs.android.emulator import EmulatorConsole
from steprl_envs.android.providers import AvdProvider


class FakeConsole:
    """A console that asks for the token, then answers OK (or KO for an unknown snapshot)."""

    def __init__(self, token: str):
        self.token, self.lines = token, []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"Android Console: Authentication required\r\nOK\r\n")
                buf = b""
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    buf += data
                    while b"\r\n" in buf:
                        line, buf = buf.split(b"\r\n", 1)
                        text = line.decode()
                        self.lines.append(text)
                        ok = text == f"auth {self.token}" or (
                            self.lines[:1] == [f"auth {self.token}"] and "missing" not in text
                        )
                        conn.sendall(b"OK\r\n" if ok else b"KO: unknown snapshot\r\n")

    def close(self):
        self.sock.close()


def test_console_authenticates_and_saves_and_loads_snapshots(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    (tmp_path / ".emulator_console_auth_token").write_text("s3cret\n")
    fake = FakeConsole("s3cret")
    try:
        console = EmulatorConsole(fake.port, timeout=5)
        console.snapshot_save("steprl_androidworld")
        console.snapshot_load("steprl_androidworld")
        assert fake.lines == [
            "auth s3cret",
            "avd snapshot save steprl_androidworld",
            "auth s3cret",
            "avd snapshot load steprl_androidworld",
        ]
        with pytest.raises(Exception, match="unknown snapshot"):
            console.snapshot_load("missing")
        with pytest.raises(ValueError, match="snapshot name"):
            console.snapshot_save("x; rm -rf /")
    finally:
        fake.close()


def test_avd_starts_the_emulator_as_androidworld_does(tmp_path):
    """The provider runs ``emulator -avd NAME -no-window -no-snapshot ... -grpc 8554`` from the SDK folder."""
    emulator = tmp_path / "sdk" / "emulator" / "emulator"
    emulator.parent.mkdir(parents=True)
    argv_file = tmp_path / "argv"
    emulator.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {argv_file}\nexit 3\n')
    emulator.chmod(0o755)
    provider = AvdProvider("AndroidWorldAvd", sdk_root=str(tmp_path / "sdk"), boot_timeout=20, adb_port=_free_port())
    try:
        with pytest.raises(DeviceGone, match="the emulator exited with 3"):
            provider.start()
    finally:
        provider.close()
        if provider.device is not None and provider.device.server is not None:
            provider.device.server.kill()
    argv = argv_file.read_text().split()
    assert argv[:2] == ["-avd", "AndroidWorldAvd"]
    assert {"-no-window", "-no-snapshot"} <= set(argv)
    assert argv[argv.index("-grpc") + 1] == "8554" and argv[argv.index("-port") + 1] == "5554"


def test_avd_without_an_sdk_says_what_to_set(monkeypatch):
    monkeypatch.delenv("ANDROID_SDK_ROOT", raising=False)
    monkeypatch.delenv("ANDROID_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DeviceGone, match="ANDROID_SDK_ROOT"):
        AvdProvider("AndroidWorldAvd").start()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _emulator_missing() -> str | None:
    sdk = os.environ.get("ANDROID_SDK_ROOT") or os.environ.get("ANDROID_HOME")
    if not (sdk and (Path(sdk) / "emulator" / "emulator").exists()) and not shutil.which("emulator"):
        return "no Android SDK emulator (set ANDROID_SDK_ROOT)"
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm (the emulator needs KVM)"
    if not os.environ.get("STEPRL_ANDROID_AVD"):
        return "no AVD named (set STEPRL_ANDROID_AVD, e.g. AndroidWorldAvd; see docs/android.md)"
    return None


@pytest.mark.android_emulator
@pytest.mark.slow
def test_ported_tasks_set_up_and_check_on_a_real_emulator():
    """Each ported task's setup runs over ADB on the emulator, and its check reads the state (0 before acting;
    the Verify tasks start in their goal state)."""
    reason = _emulator_missing()
    if reason:
        pytest.skip(reason)
    from steprl_envs.android.aw import OFFICIAL

    provider = AvdProvider(os.environ["STEPRL_ANDROID_AVD"])
    dev = provider.start()
    try:
        for name, cls in sorted(OFFICIAL.items()):
            task = cls({**cls.generate_random_params(random.Random(0)), "seed": 0})
            task.initialize_task(dev)
            score = task.is_successful(dev)
            assert score == (1.0 if name.endswith("Verify") else 0.0), name
            task.tear_down(dev)
    finally:
        provider.close()
