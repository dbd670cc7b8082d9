"""``SimDevice``: the simulated phone served over a real ADB transport on 127.0.0.1.

Pieces: :class:`~.adbd.AdbdServer` (the device side of the ADB protocol), a private directory that is the
device's file system for ``sync:`` (``/sdcard`` is ``/storage/emulated/0``; app databases are generated from
the phone's state when read and taken back into it when written), and a small command server. The device shell is
a real ``/bin/sh -c`` (as ``adbd`` runs it), whose PATH starts with a folder of tiny bash scripts named after
Android's tools (``input``, ``screencap``, ``uiautomator`` ...); each forwards its argv to the command server,
which runs it against the :class:`~.phone.SimPhone`. So command lines are parsed, quoted and (if badly escaped)
misinterpreted exactly as on a device.
"""

from __future__ import annotations

import os
import posixpath
import secrets
import shutil
import socket
import stat
import tempfile
import threading
import time
from pathlib import Path

from .adbd import AdbdServer, SyncFS, shell_service, sync_service
from .files import FILE_TOOLS
from .phone import SimPhone

TOOLS = (
    "input",
    "screencap",
    "uiautomator",
    "am",
    "monkey",
    "pm",
    "settings",
    "content",
    "wm",
    "dumpsys",
    "getprop",
    *FILE_TOOLS,
)
STUB = r"""#!/bin/bash
# steprl simulated phone: forwards this Android tool's argv to the phone model
exec 3<>"/dev/tcp/127.0.0.1/${STEPRL_SIM_PORT}" || { echo "${0##*/}: device service unavailable" >&2; exit 255; }
printf '%s\0' "$STEPRL_SIM_TOKEN" "$#" "${0##*/}" "$@" >&3
IFS=' ' read -r -u 3 rc errlen || exit 255
if [ "$errlen" -gt 0 ]; then IFS= read -r -d '' -N "$errlen" -u 3 err; fi
cat <&3
[ -n "$err" ] && printf '%s' "$err" >&2
exit "$rc"
"""


_SPECIAL = set("|&;<>()$`\\\"' \t\n*?[]{}~#!=")


def simple_argv(command: str) -> list[str] | None:
    """The argv that ``sh -c command`` would run, when ``command`` is one simple command whose words need no
    expansion (no operators, redirections, substitutions, globs, comments, assignments, tilde); else None.

    Handles backslash escapes, single quotes and double quotes (where only \\$ \\` \\" \\\\ are
    escapes). Anything doubtful returns None and goes to the real shell."""
    words: list[str] = []
    cur: list[str] | None = None
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if c in " \t":
            if cur is not None:
                words.append("".join(cur))
                cur = None
            i += 1
            continue
        if cur is None:
            cur = []
            if c in "~#":
                return None
        if c == "\\":
            if i + 1 >= n or command[i + 1] == "\n":
                return None
            cur.append(command[i + 1])
            i += 2
        elif c == "'":
            end = command.find("'", i + 1)
            if end < 0:
                return None
            cur.append(command[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while True:
                if i >= n:
                    return None
                d = command[i]
                if d == '"':
                    i += 1
                    break
                if d in "$`":
                    return None
                if d == "\\" and i + 1 < n and command[i + 1] in '$`"\\':
                    cur.append(command[i + 1])
                    i += 2
                    continue
                if d == "\\" and i + 1 < n and command[i + 1] == "\n":
                    return None
                cur.append(d)
                i += 1
        elif c in _SPECIAL:
            return None
        else:
            cur.append(c)
            i += 1
    if cur is not None:
        words.append("".join(cur))
    return words or None


class DeviceFS(SyncFS):
    """The device's files under a host directory, with generated app databases."""

    def __init__(self, root: Path, phone: SimPhone):
        self.root, self.phone = root, phone

    def host(self, path: str) -> Path:
        path = self._norm(path)
        if path == "/sdcard" or path.startswith("/sdcard/"):
            path = "/storage/emulated/0" + path[len("/sdcard") :]
        return self.root / path.lstrip("/")

    @staticmethod
    def _norm(path: str) -> str:
        return posixpath.normpath("/" + path.lstrip("/"))

    def _sync_db(self, path: str) -> None:
        data = self.phone.database(self._norm(path))
        if data is not None:
            target = self.host(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def stat(self, path: str) -> tuple[int, int, int]:
        self._sync_db(path)
        try:
            st = self.host(path).stat()
        except OSError:
            return 0, 0, 0
        return st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime)

    def listdir(self, path: str) -> list[tuple[str, int, int, int]]:
        folder = self.host(path)
        if not folder.is_dir():
            return []
        out = [(".", stat.S_IFDIR | 0o771, 4096, int(time.time())), ("..", stat.S_IFDIR | 0o771, 4096, 0)]
        for child in sorted(folder.iterdir()):
            st = child.stat()
            out.append((child.name, st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime)))
        return out

    def read(self, path: str) -> bytes:
        self._sync_db(path)
        target = self.host(path)
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        return target.read_bytes()

    def write(self, path: str, data: bytes, mode: int) -> None:
        target = self.host(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.phone.load_database(self._norm(path), data)


class _CommandServer:
    """Answers the tool stubs: NUL-separated ``token, argc, name, args...``; replies ``rc errlen\\n`` + stderr +
    stdout."""

    def __init__(self, phone: SimPhone, token: str):
        self.phone, self.token = phone, token
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="sim-tools").start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            buf = b""
            fields: list[bytes] = []
            try:
                while True:
                    while b"\0" in buf:
                        field, buf = buf.split(b"\0", 1)
                        fields.append(field)
                    if len(fields) >= 3 and len(fields) >= 3 + int(fields[1]):
                        break
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                token, _argc, name, *args = (f.decode("utf-8", "surrogateescape") for f in fields)
                if not secrets.compare_digest(token, self.token):
                    return
                rc, out, err = self.phone.run(name, args)
            except (OSError, ValueError):
                return
            except Exception as e:  # a model bug shows up as a failing command, not a hung shell
                rc, out, err = 1, b"", f"{type(e).__name__}: {e}\n"
            raw_err = err.encode("utf-8", "replace")
            try:
                client.sendall(f"{rc} {len(raw_err)}\n".encode() + raw_err + out)
            except OSError:
                pass

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class SimDevice:
    """A simulated phone reachable at ``127.0.0.1:port`` by any adb server (``adb connect``)."""

    def __init__(self, seed: int = 0, port: int = 0, *, fast_tools: bool = True):
        self.dir = Path(tempfile.mkdtemp(prefix="steprl-sim-"))
        self.root = self.dir / "root"
        for sub in ("storage/emulated/0/Download", "storage/emulated/0/Documents", "data/local/tmp", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.phone = SimPhone(seed, storage=self.root)
        self.fs = DeviceFS(self.root, self.phone)
        self.phone.files = self.fs
        bin_dir = self.dir / "bin"
        bin_dir.mkdir()
        for tool in TOOLS:
            path = bin_dir / tool
            path.write_text(STUB)
            path.chmod(0o755)
        token = secrets.token_hex(16)
        self.tools = _CommandServer(self.phone, token)
        bash = shutil.which("bash") or "/bin/bash"
        env = {
            "PATH": f"{bin_dir}:{os.path.dirname(bash)}:/usr/bin:/bin",
            "HOME": str(self.root / "tmp"),
            "TMPDIR": str(self.root / "tmp"),
            "LC_ALL": "C",
            "STEPRL_SIM_PORT": str(self.tools.port),
            "STEPRL_SIM_TOKEN": token,
            "ANDROID_DATA": "/data",
            "EXTERNAL_STORAGE": "/sdcard",
        }
        fast = self._fast if fast_tools else None
        self.adbd = AdbdServer(
            {"shell": shell_service(env, str(self.root), fast), "sync": sync_service(self.fs)}, port=port
        )
        self.adbd.start()

    def _fast(self, command: str) -> tuple[int, bytes, bytes] | None:
        """Android tools called as one simple command run in-process (same argv as the shell would pass)."""
        argv = simple_argv(command)
        if not argv or argv[0] not in TOOLS:
            return None
        rc, out, err = self.phone.run(argv[0], argv[1:])
        return rc, out, err.encode("utf-8", "replace")

    @property
    def port(self) -> int:
        return self.adbd.port

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def disconnect(self) -> None:
        """Fault injection: the device vanishes (connections cut, port closed)."""
        self.adbd.drop()

    def reconnect(self) -> None:
        """The device comes back on the same port."""
        if not self.adbd.listening:
            self.adbd.start()

    def close(self) -> None:
        self.adbd.drop()
        self.tools.close()
        shutil.rmtree(self.dir, ignore_errors=True)
