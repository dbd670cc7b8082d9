"""The desktop control server's request handlers: OSWorld's in-VM HTTP API (plus ``/step``) over one display.

:mod:`.server` binds them to a port. Agent actions are parsed and replayed with xdotool, never executed; setup
commands run in the desktop's home for whoever holds the token (see :mod:`.server`).
"""

from __future__ import annotations

import hmac
import json
import os
import re
import shlex
import subprocess
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from ..core.actions import ActionError, parse_action
from . import files, screen, windows, xinput
from .a11y_atspi import AtspiSource
from .damage import DamageWatch, frames_when_drawn, watch_damage
from .display import DisplayError
from .recording import Recorder
from .settle import Settle, Settled, wait_until_still

MAX_BODY = 1 << 20  # any request but uploads
_PYAUTOGUI_PREAMBLE = re.compile(
    r"\A\s*(?:import pyautogui|import time|pyautogui\.FAILSAFE\s*=\s*(?:True|False)|pyautogui\.PAUSE\s*=\s*[0-9.]+)"
    r"\s*(?:;|\n|\Z)"
)


class Fail(Exception):
    """An HTTP error answer: ``{"status": "error", "message": ...}`` with this status code."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Desktop:
    """What the handlers act on: the display, the home directory and the server's limits."""

    display: str
    home: str
    env: dict
    roots: list[str]
    token: str | None = None
    max_upload: int = 64 << 20
    command_timeout: float = 120.0
    input_lock: threading.Lock = field(default_factory=threading.Lock)
    launched: list = field(default_factory=list)
    recorder: Recorder | None = None
    a11y: AtspiSource | None = None  # the widget-level tree, where an AT-SPI bus answers
    last_frame: screen.Frame | None = None  # the screen /step answered last: what its next wait compares with
    damage: DamageWatch | None = None  # X's drawing events, where the display has DAMAGE (see damage_watch)
    damage_tried: bool = False

    def damage_watch(self) -> DamageWatch | None:
        """The display's DAMAGE watch, opened on first use; None where there is none (then /step polls frames)."""
        if not self.damage_tried:
            self.damage_tried = True
            self.damage = watch_damage(self.display)
        return self.damage

    def drop_damage_watch(self) -> None:
        """Close the watch after an X failure; the next /step opens a new one (or polls frames)."""
        if self.damage is not None:
            self.damage.close()
        self.damage, self.damage_tried = None, False


def pyautogui_code(command) -> str | None:
    """The pyautogui statements inside OSWorld's ``python -c "import pyautogui; ..."`` command, else None."""
    if isinstance(command, str):
        try:
            command = shlex.split(command)
        except ValueError:
            return None
    if not (
        isinstance(command, list)
        and len(command) == 3
        and command[1] == "-c"
        and os.path.basename(str(command[0])).startswith("python")
        and "pyautogui" in str(command[2])
    ):
        return None
    code = str(command[2])
    while match := _PYAUTOGUI_PREAMBLE.match(code):
        code = code[match.end() :]
    return code.strip()


def _drain_tail(stream, keep: int = 2000) -> tuple[bytearray, threading.Thread]:
    """Read ``stream`` to its end in a thread, keeping its last ``keep`` bytes (a launched program's stderr must
    never fill its pipe and block it)."""
    tail = bytearray()

    def read() -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            tail.extend(chunk)
            del tail[:-keep]

    thread = threading.Thread(target=read, name="launch-stderr", daemon=True)
    thread.start()
    return tail, thread


class Handler(BaseHTTPRequestHandler):
    server_version = "steprl-desktop/1"
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection per thread
    disable_nagle_algorithm = True  # headers and body leave as two writes; Nagle would hold the body ~40 ms
    desktop: Desktop  # set on the subclass made by serve()

    # -- plumbing --------------------------------------------------------------------------------------------------
    def log_message(self, format, *args):  # noqa: A002 - quiet: one line per request would flood training logs
        pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        route = ROUTES.get(path)
        try:
            if route is None:
                raise Fail(404, f"no endpoint {path}")
            if method not in route[0]:
                raise Fail(405, f"{path} takes {' or '.join(route[0])}")
            self._check_token()
            self.body = self._read_body(self.desktop.max_upload if path == "/setup/upload" else MAX_BODY)
            route[1](self)
        except Fail as e:
            self._json({"status": "error", "message": str(e)}, e.status)
        except DisplayError as e:
            self._json({"status": "error", "message": str(e)}, 503)
        except Exception as e:  # a handler bug must not kill the server mid-episode
            self._json({"status": "error", "message": f"{type(e).__name__}: {e}"}, 500)

    def _check_token(self) -> None:
        token = self.desktop.token
        if token is None:
            return
        sent = self.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Fail(401, "missing or wrong token (send 'Authorization: Bearer <token>')")

    def _read_body(self, limit: int) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            self.close_connection = True  # the body stays unread
            raise Fail(413, f"request body is {length} bytes; the limit here is {limit}")
        return self.rfile.read(length) if length else b""

    def json_body(self) -> dict:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            raise Fail(400, "the body must be JSON") from None
        if not isinstance(data, dict):
            raise Fail(400, "the body must be a JSON object")
        return data

    def form(self) -> dict:
        ctype = self.headers.get("Content-Type", "")
        return self.json_body() if ctype.startswith("application/json") else files.parse_form(ctype, self.body)

    def _send(self, status: int, data: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, obj, status: int = 200) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _text(self, text: str, status: int = 200) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8")

    def _path(self, value) -> str:
        try:
            return files.resolve(value, self.desktop.home, self.desktop.roots)
        except files.PathRefused as e:
            raise Fail(403, str(e)) from None

    # -- observation -----------------------------------------------------------------------------------------------
    def _frame(self) -> screen.Frame:
        try:
            return screen.frame(self.desktop.display, self.desktop.env)
        except (OSError, subprocess.SubprocessError) as e:
            raise DisplayError(f"X display {self.desktop.display} is not answering ({e})") from None

    def screenshot(self):
        self._send(200, screen.encode_frame(self._frame()), "image/png")

    def step(self):
        """Act, wait here until the screen settles, and answer the settled screen: one request per agent step, and
        the frames compared on the desktop instead of sent. ``X-Settled`` / ``X-Waited-Ms`` say how it went."""
        data = self.json_body()
        code, fmt = data.get("code", ""), data.get("format", "png")
        if not isinstance(code, str) or fmt not in screen.MEDIA_TYPES:
            raise Fail(400, 'send {"code": "<pyautogui code>", "format": "png" or "ppm", optional settle times}')
        try:
            rule = Settle.from_json(data)
        except ValueError as e:
            raise Fail(400, str(e)) from None
        result = self._act_and_settle(code, rule)
        d = self.desktop
        d.last_frame = result.frame
        headers = {
            "X-Settled": str(result.settled).lower(),
            "X-Waited-Ms": f"{result.waited_s * 1000:.0f}",
            "X-Watched": result.watched,
        }
        self._send(200, screen.encode_frame(result.frame, fmt), screen.MEDIA_TYPES[fmt], headers)

    def _act_and_settle(self, code: str, rule: Settle) -> Settled:
        """Perform ``code`` and wait until the screen is still, by the one rule of :func:`wait_until_still`. Where
        the display has DAMAGE, a frame is grabbed only after X reported drawing (drawing that leaves the pixels as
        they were still counts as no change); else, or when another request holds the watch or the rule asks for
        frames, back to back 5 ms apart."""
        d = self.desktop
        watch = d.damage_watch() if rule.watch == "auto" else None
        if watch is None or not watch.lock.acquire(blocking=False):
            self._perform(code)
            return wait_until_still(self._frame, d.last_frame, rule, poll_s=0.005)
        try:
            self._on_display(watch.start)
            self._perform(code)
            grab = frames_when_drawn(watch, self._frame, lambda: screen.pointer(d.env))
            return replace(self._on_display(lambda: wait_until_still(grab, d.last_frame, rule)), watched="damage")
        finally:
            watch.lock.release()

    def _on_display(self, call):
        """``call()``; an X failure drops the DAMAGE watch and answers as a display that stopped answering."""
        try:
            return call()
        except Exception as e:  # python-xlib raises its own types (connection closed, protocol errors)
            self.desktop.drop_damage_watch()
            raise DisplayError(f"X display {self.desktop.display} is not answering ({e})") from None

    def accessibility(self):
        """AT-SPI's widget tree where the bus answers, else the window-level tree from X."""
        a11y = self.desktop.a11y
        tree = a11y.tree_xml() if a11y is not None else None
        self._json({"AT": tree if tree is not None else windows.accessibility_xml(self.desktop.env)})

    def terminal(self):
        """gnome-terminal's text through AT-SPI; 404 without a bus, so callers fall back to a transcript."""
        a11y = self.desktop.a11y
        available, output = a11y.terminal() if a11y is not None else (False, None)
        if not available:
            raise Fail(404, f"no AT-SPI bus to read a terminal from ({a11y.unavailable_reason if a11y else 'off'})")
        self._json({"output": output, "status": "success"})

    def platform(self):
        self._text("Linux")

    def cursor_position(self):
        self._json(list(screen.pointer(self.desktop.env)))

    def screen_size(self):
        width, height = screen.screen_size(self.desktop.display)
        self._json({"width": width, "height": height})

    def desktop_path(self):
        self._json({"desktop_path": os.path.join(self.desktop.home, "Desktop")})

    # -- actions and commands --------------------------------------------------------------------------------------
    def _perform(self, code: str) -> None:
        try:
            runs = xinput.invocations(parse_action(code, "pyautogui")) if code.strip() else []
        except (ActionError, ValueError) as e:
            raise Fail(400, f"refused action: {e}") from None
        with self.desktop.input_lock:
            for argv in runs:
                done = subprocess.run(
                    argv, env=self.desktop.env, capture_output=True, text=True, timeout=self.desktop.command_timeout
                )
                if done.returncode != 0:
                    raise Fail(500, f"xdotool failed ({done.returncode}): {done.stderr.strip()[-300:]}")

    def execute_action(self):
        code = self.json_body().get("code")
        if not isinstance(code, str):
            raise Fail(400, 'send {"code": "<pyautogui code>"}')
        self._perform(code)
        self._json({"status": "success"})

    def _command(self, data: dict):
        command, shell = data.get("command"), bool(data.get("shell", False))
        if isinstance(command, str) and not shell:
            command = shlex.split(command)
        if isinstance(command, list):
            if not command or not all(isinstance(c, str) for c in command):
                raise Fail(400, "command must be a non-empty list of strings or a string")
            command = [self.desktop.home + c[1:] if c == "~" or c.startswith("~/") else c for c in command]
        elif not isinstance(command, str):
            raise Fail(400, "command must be a list of strings or a string")
        return command, shell

    def execute(self):
        data = self.json_body()
        code = pyautogui_code(data.get("command"))
        if code is not None:
            try:
                self._perform(code)
            except Fail as e:
                return self._json({"status": "success", "output": "", "error": str(e), "returncode": 1})
            return self._json({"status": "success", "output": "", "error": "", "returncode": 0})
        command, shell = self._command(data)
        timeout = min(float(data.get("timeout", self.desktop.command_timeout)), self.desktop.command_timeout)
        try:
            done = subprocess.run(
                command,
                shell=shell,
                cwd=self.desktop.home,
                env=self.desktop.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise Fail(500, f"command timed out after {timeout:g} s") from None
        except OSError as e:
            raise Fail(500, f"could not run the command: {e}") from None
        self._json({"status": "success", "output": done.stdout, "error": done.stderr, "returncode": done.returncode})

    def launch(self):
        """Start a program. With ``check_s`` (not in OSWorld's API; its server ignores it) the answer waits that
        long (at most 5 s) and is an error when the program died with a non-zero status meanwhile."""
        data = self.json_body()
        command, shell = self._command(data)
        check_s = min(max(float(data.get("check_s") or 0), 0.0), 5.0)
        self.desktop.launched = [p for p in self.desktop.launched if p.poll() is None]
        try:
            proc = subprocess.Popen(
                command,
                shell=shell,
                cwd=self.desktop.home,
                env=self.desktop.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE if check_s else subprocess.DEVNULL,
            )
        except OSError as e:
            raise Fail(400, f"could not launch {command!r}: {e}") from None
        self.desktop.launched.append(proc)
        if check_s:
            tail, reader = _drain_tail(proc.stderr)
            try:
                code = proc.wait(timeout=check_s)
            except subprocess.TimeoutExpired:
                code = 0
            if code:
                reader.join(1.0)  # the last lines (a child that keeps the pipe open must not hold the answer)
                text = bytes(tail).decode(errors="replace").strip()
                raise Fail(500, f"{command!r} exited with status {code} at launch: {text or '(no output)'}")
        self._text(f"{command} launched successfully")

    # -- files -----------------------------------------------------------------------------------------------------
    def file(self):
        path = self._path(self.form().get("file_path"))
        if not os.path.isfile(path):
            raise Fail(404, f"file not found: {path}")
        with open(path, "rb") as f:
            data = f.read()
        name = os.path.basename(path).replace('"', "")
        self._send(200, data, "application/octet-stream", {"Content-Disposition": f'attachment; filename="{name}"'})

    def upload(self):
        fields = self.form()
        data = fields.get("file_data")
        if not isinstance(data, bytes):
            raise Fail(400, "send multipart fields file_path and file_data (a file part)")
        path = self._path(fields.get("file_path"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self._text(f"File Uploaded: {len(data)} bytes")

    def list_directory(self):
        path = self._path(self.json_body().get("path"))
        if not os.path.isdir(path):
            raise Fail(404, f"not a directory: {path}")
        self._json({"directory_tree": files.tree(path)})

    # -- windows ---------------------------------------------------------------------------------------------------
    def open_file(self):
        data = self.json_body()
        path = self._path(data.get("path"))
        if not os.path.exists(path):
            raise Fail(404, f"file not found: {path}")
        try:
            argv = windows.opener(path)
        except FileNotFoundError as e:
            raise Fail(400, str(e)) from None
        self.desktop.launched.append(
            subprocess.Popen(
                argv,
                cwd=self.desktop.home,
                env=self.desktop.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        timeout = float(data.get("timeout", 30))
        name = os.path.basename(path)
        if windows.wait_for_window(self.desktop.env, os.path.splitext(name)[0], timeout) is None:
            raise Fail(500, f"{argv[0]} opened no window titled like {name!r} within {timeout:g} s")
        self._text(f"File opened successfully: {path}")

    def _window_request(self, act) -> None:
        data = self.json_body()
        name = data.get("window_name")
        if not isinstance(name, str) or not name:
            raise Fail(400, "window_name is required")
        if not act(self.desktop.env, name, bool(data.get("strict", False)), bool(data.get("by_class", False))):
            raise Fail(404, f"no window matches {name!r}")
        self._text(f"Window {name} handled successfully")

    def activate_window(self):
        self._window_request(windows.activate)

    def close_window(self):
        self._window_request(windows.close)

    # -- recording -------------------------------------------------------------------------------------------------
    def start_recording(self):
        d = self.desktop
        if d.recorder is None:
            d.recorder = Recorder(d.display, screen.screen_size(d.display), d.env)
        try:
            d.recorder.start()
        except FileNotFoundError as e:
            raise Fail(501, str(e)) from None
        except RuntimeError as e:
            raise Fail(409, str(e)) from None
        self._json({"status": "success", "message": "Started recording."})

    def end_recording(self):
        if self.desktop.recorder is None:
            raise Fail(409, "no recording is running; call /start_recording first")
        try:
            video = self.desktop.recorder.stop()
        except RuntimeError as e:
            raise Fail(409, str(e)) from None
        self._send(200, video, "video/mp4", {"Content-Disposition": 'attachment; filename="recording.mp4"'})


_GET, _POST, _ANY = ("GET",), ("POST",), ("GET", "POST")
ROUTES = {
    "/screenshot": (_GET, Handler.screenshot),
    "/accessibility": (_GET, Handler.accessibility),
    "/terminal": (_GET, Handler.terminal),
    "/platform": (_GET, Handler.platform),
    "/cursor_position": (_GET, Handler.cursor_position),
    "/screen_size": (_ANY, Handler.screen_size),
    "/desktop_path": (_ANY, Handler.desktop_path),
    "/execute_action": (_POST, Handler.execute_action),
    "/step": (_POST, Handler.step),
    "/execute": (_POST, Handler.execute),
    "/setup/execute": (_POST, Handler.execute),
    "/setup/launch": (_POST, Handler.launch),
    "/file": (_POST, Handler.file),
    "/setup/upload": (_POST, Handler.upload),
    "/list_directory": (_POST, Handler.list_directory),
    "/setup/open_file": (_POST, Handler.open_file),
    "/setup/activate_window": (_POST, Handler.activate_window),
    "/setup/close_window": (_POST, Handler.close_window),
    "/start_recording": (_POST, Handler.start_recording),
    "/end_recording": (_POST, Handler.end_recording),
}
