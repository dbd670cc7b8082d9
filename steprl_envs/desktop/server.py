"""The desktop control server: OSWorld's in-VM HTTP API, served next to an X display.

Run it where the display is (inside the desktop container, or as a child of the local provider)::

    python -m steprl_envs.desktop.server --host 127.0.0.1 --port 5000 --spawn-display

It needs only the standard library, Pillow, xdotool and wmctrl. Agent actions arrive as pyautogui code, either on
``/execute_action`` or wrapped in OSWorld's ``python -c "import pyautogui; ..."``; both are parsed with steprl's
action parser and replayed with xdotool, never executed. ``/execute`` and ``/setup/execute`` run other commands
for task setup, in the desktop's home: this server gives command execution to whoever holds its token, so it binds
127.0.0.1 unless told otherwise and belongs next to a throwaway display and home only.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from ..core.actions import ActionError, parse_action
from . import files, screen, windows, xinput
from .a11y_atspi import AtspiSource
from .a11y_tree import Limits
from .display import Display, DisplayError
from .recording import Recorder
from .settle import Settle, wait_until_still

TOKEN_ENV = "STEPRL_DESKTOP_TOKEN"
READY_LINE = "STEPRL_DESKTOP_LISTENING"
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
        self._send(200, screen.encode(screen.image_of(self._frame())), "image/png")

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
        self._perform(code)
        d = self.desktop
        result = wait_until_still(self._frame, d.last_frame, rule, poll_s=0.005)
        d.last_frame = result.frame
        headers = {"X-Settled": str(result.settled).lower(), "X-Waited-Ms": f"{result.waited_s * 1000:.0f}"}
        self._send(200, screen.encode(screen.image_of(result.frame), fmt), screen.MEDIA_TYPES[fmt], headers)

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


def serve(desktop: Desktop, host: str, port: int, listen_fd: int | None = None) -> ThreadingHTTPServer:
    """A bound (not yet serving) HTTP server for ``desktop``; with ``listen_fd``, one that accepts on a socket its
    starter already bound and listens on (a sandbox with no network of its own serves a port of the host's)."""
    handler = type("DesktopHandler", (Handler,), {"desktop": desktop})
    httpd = ThreadingHTTPServer((host, port), handler, bind_and_activate=listen_fd is None)
    if listen_fd is not None:
        httpd.socket.close()
        httpd.socket = socket.socket(fileno=listen_fd)
        httpd.socket.set_inheritable(False)  # launched apps must not accept the host's connections
        httpd.server_address = httpd.socket.getsockname()
        httpd.server_name, httpd.server_port = httpd.server_address[:2]
    httpd.daemon_threads = True
    return httpd


def _watch(httpd: ThreadingHTTPServer, display: Display | None, parent_pid: int | None, why: list) -> None:
    """Stop serving when the display dies or the process that started us is gone (no orphaned desktops)."""
    while not why:
        problem = display.problem() if display else None
        if problem:
            why.append(f"the X display died: {problem}")
        elif parent_pid and os.getppid() != parent_pid:
            why.append(f"parent process {parent_pid} exited")
        else:
            time.sleep(0.2)
            continue
        httpd.shutdown()


def _args(argv):
    p = argparse.ArgumentParser(prog="python -m steprl_envs.desktop.server", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1 unless in a container)")
    p.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one (printed)")
    p.add_argument("--display", default=None, help="X display to drive (default: $DISPLAY)")
    p.add_argument("--spawn-display", action="store_true", help="start Xvfb and a window manager of our own")
    p.add_argument("--screen", default="1280x720", help="screen size for --spawn-display, WxH")
    p.add_argument("--wm", default=None, help="window manager for --spawn-display (default: openbox, fluxbox)")
    p.add_argument("--home", default=None, help="the desktop's home: commands run here (default: $HOME)")
    p.add_argument("--root", action="append", default=None, help="a directory /file may touch (default: home)")
    p.add_argument("--max-upload-mb", type=float, default=64, help="largest accepted upload")
    p.add_argument(
        "--a11y-time-limit",
        type=float,
        default=float(os.environ.get("STEPRL_A11Y_TIME_LIMIT", 5.0)),
        help="seconds one accessibility walk may take (default: $STEPRL_A11Y_TIME_LIMIT or 5)",
    )
    p.add_argument(
        "--a11y-max-nodes",
        type=int,
        default=int(os.environ.get("STEPRL_A11Y_MAX_NODES", 20000)),
        help="most nodes in one accessibility tree (default: $STEPRL_A11Y_MAX_NODES or 20000)",
    )
    p.add_argument("--no-atspi", action="store_true", help="serve the window-level tree even where AT-SPI answers")
    p.add_argument("--parent-pid", type=int, default=None, help="exit when this process is gone")
    p.add_argument(
        "--listen-fd",
        type=int,
        default=None,
        help="serve on this inherited, already listening socket instead of binding --host/--port",
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = _args(argv)
    home = os.path.abspath(args.home or os.path.expanduser("~"))
    env = {**os.environ, "HOME": home}
    display = None
    stopped: list[str] = []
    httpd: ThreadingHTTPServer | None = None

    def on_sigterm(*_):
        stopped.append("SIGTERM")
        if httpd is None:
            raise SystemExit(0)  # still starting: unwind, the finally below stops the display
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        if args.spawn_display:
            width, height = (int(v) for v in args.screen.lower().split("x"))
            display = Display((width, height), args.wm, env)
            display.start()
            env = display.env
        name = args.display or env.get("DISPLAY")
        if not name:
            print("no X display: pass --display, set DISPLAY or use --spawn-display", file=sys.stderr)
            return 2
        env["DISPLAY"] = name
        desktop = Desktop(
            name,
            home,
            env,
            [os.path.abspath(r) for r in (args.root or [home])],
            os.environ.get(TOKEN_ENV) or None,
            int(args.max_upload_mb * (1 << 20)),
        )
        if not args.no_atspi:
            desktop.a11y = AtspiSource(env, Limits(args.a11y_time_limit, args.a11y_max_nodes))
        try:
            httpd = serve(desktop, args.host, args.port, args.listen_fd)
        except OSError as e:
            print(f"cannot bind {args.host}:{args.port}: {e.strerror}; choose another port", file=sys.stderr)
            return 2
        print(f"{READY_LINE} {httpd.server_address[1]} {name}", flush=True)
        threading.Thread(target=_watch, args=(httpd, display, args.parent_pid, stopped), daemon=True).start()
        httpd.serve_forever(poll_interval=0.1)
        httpd.server_close()
    except DisplayError as e:
        print(str(e), file=sys.stderr)
        return 3
    finally:
        if display is not None:
            display.stop()
    if stopped and stopped[0] != "SIGTERM":
        print(f"desktop server stopping: {stopped[0]}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
