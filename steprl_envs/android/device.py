"""The ADB device layer, on adbutils (no ``adb`` subprocess per call).

:class:`AndroidDevice` wraps one device of one adb server: shell with exit codes (shell v2 where the device has
it), push / pull, screenshots (``screencap``, raw or PNG), the UI tree (``uiautomator dump``), taps, swipes, key
events, text input, app start / stop, ``settings``, ``content query`` and SQLite reads of app databases (pull the
database with its ``-wal`` / ``-shm`` files, then read it with Python's ``sqlite3``).

Failures raise :class:`DeviceError` with the command and the cause; :class:`DeviceGone` when the device or the adb
server cannot be reached even after one recovery attempt (restart a local adb server that died, ``adb connect``
a ``host:port`` device again).

Two adbutils behaviours are adjusted through subclasses of its client classes: a connection closes without
adbutils' fixed 10 ms sleep, and a missing adb server raises instead of silently starting one on the default port
(this layer starts servers itself, on the port it was given).
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .uitree import UIElement, parse_ui_xml

log = logging.getLogger(__name__)
EXTRA_HINT = "pip install 'steprl[android]'"


def require_adbutils():
    try:
        import adbutils
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ImportError(f"AndroidWorld-v0 needs the adbutils package: {EXTRA_HINT}") from e
    return adbutils


class DeviceError(RuntimeError):
    """An ADB operation failed. ``command`` is what was asked, ``cause`` the underlying error text."""

    def __init__(self, message: str, command: str | None = None, cause: str | None = None):
        super().__init__(message)
        self.command, self.cause = command, cause


class DeviceGone(DeviceError):
    """The device (or the adb server) is unreachable and could not be brought back."""


class CommandFailed(DeviceError):
    """A device command ran and exited non-zero."""

    def __init__(self, command: str, result: ShellResult):
        err = (result.stderr or result.stdout).strip()[:500]
        super().__init__(f"`{command[:200]}` exited with {result.returncode}: {err}", command, err)
        self.result = result


@dataclass(frozen=True)
class ShellResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def find_adb() -> str:
    """The adb binary: ``$ADBUTILS_ADB_PATH``, then ``adb`` on PATH, then the one bundled with adbutils."""
    path = os.environ.get("ADBUTILS_ADB_PATH") or shutil.which("adb")
    if path:
        return path
    from adbutils._utils import adb_path

    return adb_path()


def _alive(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class AdbServer:
    """An adb server on ``host:port``; started and stopped by us only when ``managed`` (a local one we own)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5037, adb: str | None = None):
        self.host, self.port = host, port
        self.adb = adb
        self.started_here = False

    def alive(self) -> bool:
        return _alive(self.host, self.port)

    def start(self, timeout: float = 20.0) -> None:
        if self.alive():
            return
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            raise DeviceGone(f"the adb server at {self.host}:{self.port} is not reachable")
        adb = self.adb or find_adb()
        env = dict(os.environ, ADB_MDNS="0", ADB_MDNS_AUTO_CONNECT="0")
        try:
            proc = subprocess.run(
                [adb, "-P", str(self.port), "start-server"], capture_output=True, text=True, timeout=timeout, env=env
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise DeviceGone(f"cannot start an adb server with {adb}: {e}") from e
        if proc.returncode != 0 or not self.alive():
            raise DeviceGone(f"adb start-server on port {self.port} failed: {(proc.stderr or proc.stdout)[-300:]}")
        self.started_here = True

    def kill(self) -> None:
        """Stop the server (``host:kill``)."""
        if not self.alive():
            return
        try:
            with socket.create_connection((self.host, self.port), timeout=2) as s:
                s.sendall(b"0009host:kill")
                s.recv(4)
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)


def make_client(host: str, port: int, timeout: float | None = 10.0):
    """An adbutils ``AdbClient`` whose connections close promptly and never spawn an adb server."""
    adbutils = require_adbutils()
    try:
        from adbutils._adb import AdbConnection
    except ImportError:  # a future adbutils: fall back to the stock client
        return adbutils.AdbClient(host, port, socket_timeout=timeout)
    from adbutils.errors import AdbConnectionError

    class _Connection(AdbConnection):
        def _safe_connect(self):
            try:
                return self._create_socket()
            except Exception as e:
                raise AdbConnectionError(f"adb server at {host}:{port} is not reachable: {e}") from e

        def close(self):
            conn = getattr(self, "_AdbConnection__conn", None)
            if conn is None:
                return
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            conn.close()
            self._AdbConnection__conn = None

    class _Client(adbutils.AdbClient):
        _version: int | None = None

        def make_connection(self, timeout: float | None = None):
            c = _Connection(self.host, self.port)
            c.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t = timeout or self._socket_timeout
            if t:
                c.conn.settimeout(t)
            return c

        def server_version(self):
            if self._version is None:
                self._version = super().server_version()
            return self._version

    client = _Client(host, port, socket_timeout=timeout)
    client._socket_timeout = timeout
    return client


# -- text for ``input text`` ---------------------------------------------------------------------------------
#: AndroidWorld's escaped characters (adb_utils._adb_text_format) ...
ANDROID_WORLD_ESCAPES = ("\\", ";", "|", "`", "\r", " ", "'", '"', "&", "<", ">", "(", ")", "#", "$")
#: ... plus the ones a device shell (mksh) would still expand: globs, braces, tilde, history, tab.
EXTRA_ESCAPES = ("*", "?", "[", "]", "{", "}", "~", "!", "\t", "=")


def adb_text_format(word: str) -> str:
    """AndroidWorld's escaping for one ``input text`` argument: backslash before shell metacharacters, then
    NFKD and drop what is not ASCII. This layer also escapes glob, brace and tilde characters."""
    import unicodedata

    for ch in ANDROID_WORLD_ESCAPES + EXTRA_ESCAPES:
        word = word.replace(ch, "\\" + ch)
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")


def split_words_and_newlines(text: str) -> list[str]:
    """AndroidWorld's split: words, ``%s`` for each space and ``\\n`` for each line break."""
    out: list[str] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        words = line.split(" ")
        for j, word in enumerate(words):
            if word:
                out.append(word)
            if j < len(words) - 1:
                out.append("%s")
        if i < len(lines) - 1:
            out.append("\n")
    return out


def typed_text(text: str) -> str:
    """What a text field receives when ``text`` goes through :func:`split_words_and_newlines`,
    :func:`adb_text_format` and ``input text`` (which turns ``%s`` into a space); line breaks become ENTER
    presses and are returned as ``\\n``."""
    import unicodedata

    out = []
    for word in split_words_and_newlines(text):
        if word == "\n":
            out.append("\n")
        elif word == "%s":
            out.append(" ")
        else:
            out.append(unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").replace("%s", " "))
    return "".join(out)


_ROW = re.compile(r"^Row: \d+ ", re.M)


def parse_content_rows(output: str, projection: list[str] | None = None) -> list[dict[str, str | None]]:
    """``content query`` output to dicts. With a projection the column names anchor the split, so values may
    contain ``, ``; ``NULL`` becomes None."""
    if "No result found." in output and not _ROW.search(output):
        return []
    rows = []
    starts = [m.end() for m in _ROW.finditer(output)]
    ends = [m.start() for m in _ROW.finditer(output)][1:] + [len(output)]
    for start, end in zip(starts, ends, strict=True):
        body = output[start:end].rstrip("\n")
        if projection:
            pattern = "^" + ", ".join(re.escape(c) + "=(.*?)" for c in projection) + "$"
            m = re.match(pattern, body, re.S)
            if m is None:
                raise DeviceError(f"cannot parse content row {body[:120]!r}")
            values = dict(zip(projection, m.groups(), strict=True))
        else:
            values = dict(re.findall(r"(?:^|, )(\w+)=(.*?)(?=, \w+=|$)", body, re.S))
        rows.append({k: (None if v == "NULL" else v) for k, v in values.items()})
    return rows


class AndroidDevice:
    """One device of one adb server, through adbutils."""

    def __init__(
        self,
        serial: str,
        host: str = "127.0.0.1",
        port: int = 5037,
        *,
        timeout: float = 10.0,
        screencap: str = "auto",
        server: AdbServer | None = None,
    ):
        if screencap not in ("auto", "raw", "png"):
            raise ValueError("screencap must be auto, raw or png")
        self.serial, self.host, self.port, self.timeout = serial, host, port, timeout
        self.server = server or AdbServer(host, port)
        self.client = make_client(host, port, timeout)
        self._dev = None
        self._v2: bool | None = None
        local = serial.startswith(("emulator-", "127.0.0.1:", "localhost:"))
        self.screencap_format = ("raw" if local else "png") if screencap == "auto" else screencap
        self.recoveries = 0

    # -- connection ------------------------------------------------------------------------------------------
    @property
    def dev(self):
        if self._dev is None:
            self._dev = self.client.device(self.serial)
        return self._dev

    def is_network_serial(self) -> bool:
        return bool(re.fullmatch(r"[\w.\-]+:\d+", self.serial)) and not self.serial.startswith("emulator-")

    def connect(self, timeout: float = 10.0) -> None:
        """Make sure the server runs and the device is attached and in state ``device``."""
        self.server.start()
        deadline = time.monotonic() + timeout
        while True:
            if self.is_network_serial():
                try:
                    self.client.connect(self.serial, timeout=min(5.0, timeout))
                except Exception as e:  # adbutils raises AdbError / AdbTimeout
                    log.debug("adb connect %s: %s", self.serial, e)
            try:
                if self.state() == "device":
                    break
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise DeviceGone(
                    f"device {self.serial} is not available on the adb server {self.host}:{self.port}"
                    f" (adb devices: {self.listed()})"
                )
            time.sleep(0.2)
        self._dev, self._v2 = None, None

    def state(self) -> str | None:
        for info in self.client.list():
            if info.serial == self.serial:
                return info.state
        return None

    def listed(self) -> list[tuple[str, str]]:
        try:
            return [(i.serial, i.state) for i in self.client.list()]
        except Exception as e:
            return [("<unreachable>", str(e))]

    def _recover(self, error: BaseException) -> None:
        """Bring back a dead local server or a dropped ``host:port`` device (raises DeviceGone otherwise)."""
        self.recoveries += 1
        self.client._version = None
        try:
            self.connect(timeout=5.0)
        except DeviceGone as e:
            raise DeviceGone(f"{e}; first error: {error}", cause=str(error)) from error

    def _call(self, what: str, fn, *, retry: bool = True):
        from adbutils.errors import AdbConnectionError, AdbError, AdbTimeout

        for attempt in (0, 1):
            try:
                return fn()
            except (AdbConnectionError, ConnectionError) as e:
                err: BaseException = e
                undelivered = True
            except AdbTimeout as e:
                raise DeviceError(f"{what}: timed out after {self.timeout} s", what, str(e)) from e
            except AdbError as e:
                err, undelivered = e, bool(re.search(r"not found|offline|no devices|unauthorized|closed", str(e)))
                if not undelivered:
                    raise DeviceError(f"{what}: {e}", what, str(e)) from e
            except (OSError, EOFError) as e:  # the adb server dropped the stream mid-way
                err, undelivered = e, False
            if attempt or not (retry or undelivered):
                raise DeviceGone(f"{what}: device {self.serial} unreachable: {err}", what, str(err)) from err
            self._recover(err)
        raise AssertionError("unreachable")

    # -- shell -----------------------------------------------------------------------------------------------
    def shell(
        self,
        command: str,
        *,
        timeout: float | None = None,
        check: bool = False,
        retry: bool = True,
        binary: bool = False,
    ) -> ShellResult | tuple[int, bytes]:
        """Run ``command`` with the device shell and return its exit code and output. ``binary`` returns
        ``(code, stdout bytes)``. ``check`` raises :class:`CommandFailed` on a non-zero exit."""
        t = timeout or self.timeout

        def run():
            if self._v2 is None:
                self._v2 = "shell_v2" in self.dev.get_features().split(",")
            r = self.dev.shell2(command, timeout=t, encoding=None if binary else "utf-8", v2=self._v2)
            return r

        r = self._call(command[:80], run, retry=retry)
        if binary:
            if check and r.returncode != 0:
                raise CommandFailed(
                    command, ShellResult(r.returncode, "", (r.stderr or b"").decode("utf-8", "replace"))
                )
            return r.returncode, r.stdout if self._v2 else r.output
        result = ShellResult(r.returncode, r.stdout if self._v2 else r.output, r.stderr or "")
        if check and not result.ok:
            raise CommandFailed(command, result)
        return result

    def run(self, command: str, **kw) -> str:
        """``shell(check=True)`` returning stdout."""
        return self.shell(command, check=True, **kw).stdout

    # -- files -----------------------------------------------------------------------------------------------
    def push(self, data: bytes | str | Path, remote: str) -> None:
        src = data if isinstance(data, bytes | bytearray) else str(data)
        self._call(f"push {remote}", lambda: self.dev.sync.push(src, remote))

    def pull(self, remote: str, local: str | Path) -> int:
        return self._call(f"pull {remote}", lambda: self.dev.sync.pull(remote, str(local)))

    def read_bytes(self, remote: str) -> bytes:
        return self._call(f"pull {remote}", lambda: self.dev.sync.read_bytes(remote))

    def list_dir(self, remote: str) -> list[tuple[str, int, int, int]]:
        """``(name, mode, size, mtime)`` of each entry of a device folder (``.`` and ``..`` left out; [] if none)."""

        def run():
            return [
                (e.path, e.mode, e.size, int(e.mtime.timestamp()) if hasattr(e.mtime, "timestamp") else int(e.mtime))
                for e in self.dev.sync.iter_directory(remote)
                if e.path not in (".", "..")
            ]

        return self._call(f"ls {remote}", run)

    def exists(self, remote: str) -> bool:
        return self._call(f"stat {remote}", lambda: self.dev.sync.exists(remote))

    # -- screen ----------------------------------------------------------------------------------------------
    def screenshot(self) -> np.ndarray:
        """The screen as ``uint8[H, W, 3]`` (``screencap``; raw frames on local transports, PNG otherwise)."""
        if self.screencap_format == "png":
            code, data = self.shell("screencap -p", binary=True)
            if code != 0 or not data.startswith(b"\x89PNG"):
                raise DeviceError(f"screencap -p failed (exit {code}, {len(data)} bytes)", "screencap -p")
            from PIL import Image

            return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        code, data = self.shell("screencap", binary=True)
        return decode_raw_screencap(data, code)

    def ui_xml(self) -> str:
        """``uiautomator dump`` of the current screen (to /dev/tty; falls back to a file and a pull)."""
        out = self.shell("uiautomator dump /dev/tty").stdout
        start, end = out.find("<?xml"), out.rfind("</hierarchy>")
        if start >= 0 and end > start:
            return out[start : end + len("</hierarchy>")]
        target = "/sdcard/window_dump.xml"
        self.run(f"uiautomator dump {target}")
        return self.read_bytes(target).decode("utf-8", "replace")

    def ui_elements(self, mode: str = "leaves") -> list[UIElement]:
        return parse_ui_xml(self.ui_xml(), mode=mode)

    def screen_size(self) -> tuple[int, int]:
        out = self.run("wm size")
        sizes = re.findall(r"(\d+)x(\d+)", out)
        if not sizes:
            raise DeviceError(f"cannot read the screen size from {out!r}", "wm size")
        w, h = sizes[-1]  # an "Override size" line comes last
        return int(w), int(h)

    # -- input -----------------------------------------------------------------------------------------------
    def tap(self, x: int, y: int) -> None:
        self.run(f"input tap {int(x)} {int(y)}")

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int | None = None) -> None:
        tail = f" {int(duration_ms)}" if duration_ms is not None else ""
        self.run(f"input swipe {int(x1)} {int(y1)} {int(x2)} {int(y2)}{tail}")

    def keyevent(self, key: str | int) -> None:
        key = str(key)
        if not re.fullmatch(r"(KEYCODE_[A-Z0-9_]+|\d{1,4})", key):
            raise ValueError(f"not a key code: {key!r}")
        self.run(f"input keyevent {key}")

    def input_text(self, word: str) -> None:
        """One ``input text`` call with AndroidWorld's escaping of ``word`` (a word or ``%s``)."""
        self.run(f"input text {adb_text_format(word)}")

    # -- apps and settings -----------------------------------------------------------------------------------
    def start_activity(self, component: str, wait: bool = True) -> str:
        if not re.fullmatch(r"[\w.]+/[\w.$]+", component):
            raise ValueError(f"not an activity component: {component!r}")
        return self.run(f"am start {'-W ' if wait else ''}-n {component}")

    def app_stop(self, package: str) -> None:
        self.run(f"am force-stop {_pkg(package)}")

    def app_clear(self, package: str) -> None:
        self.run(f"pm clear {_pkg(package)}")

    def packages(self) -> list[str]:
        return [line[8:] for line in self.run("pm list packages").splitlines() if line.startswith("package:")]

    def current_activity(self) -> str | None:
        out = self.shell("dumpsys activity activities").stdout
        m = re.search(r"mResumedActivity:.*\{[^ ]+ [^ ]+ ([^ ]+) ", out)
        return m.group(1) if m else None

    def settings_get(self, namespace: str, key: str) -> str | None:
        value = self.run(f"settings get {_ns(namespace)} {_key(key)}").strip()
        return None if value == "null" else value

    def settings_put(self, namespace: str, key: str, value: str | int) -> None:
        self.run(f"settings put {_ns(namespace)} {_key(key)} {_quote(str(value))}")

    def getprop(self, name: str) -> str:
        return self.run(f"getprop {_key(name)}").strip()

    def content_query(
        self, uri: str, projection: list[str] | None = None, where: str | None = None
    ) -> list[dict[str, str | None]]:
        cmd = f"content query --uri {_quote(uri)}"
        if projection:
            cmd += " --projection " + ":".join(_key(c) for c in projection)
        if where:
            cmd += f" --where {_quote(where)}"
        return parse_content_rows(self.run(cmd), projection)

    def content_insert(self, uri: str, values: dict[str, Any]) -> None:
        binds = []
        for k, v in values.items():
            kind = "i" if isinstance(v, int) and not isinstance(v, bool) else "s"
            binds.append(f"--bind {_quote(f'{_key(k)}:{kind}:{v}')}")
        self.run(f"content insert --uri {_quote(uri)} {' '.join(binds)}")

    def content_delete(self, uri: str, where: str | None = None) -> None:
        self.run(f"content delete --uri {_quote(uri)}" + (f" --where {_quote(where)}" if where else ""))

    # -- databases -------------------------------------------------------------------------------------------
    def sqlite_query(self, remote_db: str, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        """Pull ``remote_db`` (with ``-wal`` / ``-shm`` when present) and run ``sql`` on the copy."""
        with tempfile.TemporaryDirectory(prefix="steprl-db-") as tmp:
            local = Path(tmp) / Path(remote_db).name
            local.write_bytes(self.read_bytes(remote_db))
            for suffix in ("-wal", "-shm"):
                try:
                    data = self.read_bytes(remote_db + suffix)
                except DeviceError:
                    continue
                Path(str(local) + suffix).write_bytes(data)
            con = sqlite3.connect(local)
            con.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in con.execute(sql, params).fetchall()]
            finally:
                con.close()

    def sqlite_modify(
        self, remote_db: str, statements: list[tuple[str, tuple]], query: str | None = None
    ) -> list[dict[str, Any]] | None:
        """Pull a database, change it locally and push it back (the app reads it on its next start). ``query``
        is run on the changed database before the push, and its rows returned (saves pulling it again)."""
        with tempfile.TemporaryDirectory(prefix="steprl-db-") as tmp:
            local = Path(tmp) / Path(remote_db).name
            local.write_bytes(self.read_bytes(remote_db))
            con = sqlite3.connect(local)
            rows = None
            try:
                con.execute("PRAGMA journal_mode=DELETE")
                for sql, params in statements:
                    con.execute(sql, params)
                con.commit()
                if query is not None:
                    con.row_factory = sqlite3.Row
                    rows = [dict(r) for r in con.execute(query).fetchall()]
            finally:
                con.close()
            self.push(local.read_bytes(), remote_db)
            return rows

    def wait_boot(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.getprop("sys.boot_completed") == "1":
                    return
            except DeviceError:
                pass
            time.sleep(1.0)
        raise DeviceGone(f"{self.serial} did not finish booting within {timeout:.0f} s")


def decode_raw_screencap(data: bytes, code: int = 0) -> np.ndarray:
    if code != 0 or len(data) < 12:
        raise DeviceError(f"screencap failed (exit {code}, {len(data)} bytes)", "screencap")
    w, h, fmt = struct.unpack_from("<3I", data)
    size = w * h * 4
    header = len(data) - size
    if fmt != 1 or header not in (12, 16):
        raise DeviceError(f"unexpected screencap frame: {w}x{h} format {fmt}, {len(data)} bytes", "screencap")
    rgba = np.frombuffer(data, np.uint8, size, header).reshape(h, w, 4)
    # A read-only view of the RGB channels, not a copy: copying 1080 x 2400 pixels costs about a third of a step.
    return rgba[..., :3]


_SAFE = re.compile(r"[\w.:/@%+,=-]+")


def _quote(value: str) -> str:
    """Single-quote for the device shell (mksh / sh): nothing inside is interpreted."""
    if value and _SAFE.fullmatch(value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def _ns(namespace: str) -> str:
    if namespace not in ("global", "system", "secure"):
        raise ValueError(f"settings namespace must be global, system or secure, got {namespace!r}")
    return namespace


def _key(key: str) -> str:
    if not re.fullmatch(r"[\w.\-]+", key):
        raise ValueError(f"not a valid key: {key!r}")
    return key


#: an Android package name (``com.example.app``)
PACKAGE_NAME = re.compile(r"[A-Za-z][\w]*(\.[A-Za-z_][\w]*)+")


def _pkg(package: str) -> str:
    if not PACKAGE_NAME.fullmatch(package):
        raise ValueError(f"not a package name: {package!r}")
    return package
