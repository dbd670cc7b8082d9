"""A client for OSWorld's in-VM HTTP API: this package's control server or the official VM's, unchanged.

Unlike OSWorld's own controller, every call has a timeout (the accessibility tree included), retries are limited
to requests that are safe to repeat, and failures raise :class:`DesktopError` subclasses that name the provider.
Agent actions are sent as canonical pyautogui code printed from parsed :class:`Action` values, never raw text.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace

from ..core.actions import Action, format_action
from ..core.actions.computer13 import ACTIONS as COMPUTER13_ACTIONS
from ..core.actions.computer13 import to_pyautogui
from .errors import DesktopRequestError, DesktopUnavailable
from .settle import Settle, Settled, wait_until_still

_OSWORLD_PREFIX = "import pyautogui; import time; pyautogui.FAILSAFE = False; "
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def pyautogui_code(actions: Sequence[Action]) -> str:
    """Canonical pyautogui code for parsed actions (computer_13 ones translated; control actions dropped)."""
    out: list[Action] = []
    for action in actions:
        if action.is_control:
            continue
        out += to_pyautogui(action) if action.name in COMPUTER13_ACTIONS else [action]
    return format_action(out, "pyautogui") if out else ""


class DesktopClient:
    """Talks to one desktop at ``base_url`` (``http://host:port``)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        provider: str = "desktop",
        timeout: float = 30.0,
        retries: int = 2,
        retry_wait: float = 0.5,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.provider = provider
        self.timeout = timeout
        self.retries = retries
        self.retry_wait = retry_wait
        parts = urllib.parse.urlsplit(self.base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._local = threading.local()
        self._native_actions = True  # False once the server turns out to be OSWorld's (no /execute_action)
        self._native_step = True  # False once the server turns out to have no /step
        self._last_screen: bytes | None = None  # the screenshot step() returned last, where it polls itself

    @property
    def host(self) -> str:
        """The control server's host name (other services of the same desktop answer there too)."""
        return self._host

    # -- transport -------------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, **options) -> tuple[int, bytes]:
        """Send one request; returns (status, body) for 2xx and 404, raises for the rest. ``options``:
        ``json_body``, ``data`` + ``ctype``, ``timeout``, ``idempotent`` (see :meth:`_exchange`).

        Requests that change the desktop are retried only when the connection was refused (nothing was sent).
        """
        return self._exchange(method, path, **options)[:2]

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        json_body=None,
        data: bytes | None = None,
        ctype: str = "",
        timeout: float | None = None,
        idempotent: bool = True,
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        """:meth:`request`, with the answer's headers."""
        headers = {}
        if json_body is not None:
            data, ctype = json.dumps(json_body).encode(), "application/json"
        if ctype:
            headers["Content-Type"] = ctype
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_wait)
            conn, reused = self._connection()
            try:
                conn.timeout = timeout or self.timeout
                if conn.sock is not None:
                    conn.sock.settimeout(conn.timeout)
                try:
                    conn.request(method, path, body=data, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server may have answered before reading the body (413): read that answer below
                resp = conn.getresponse()
                status, body, answer_headers = resp.status, resp.read(), resp.headers
                if resp.will_close:
                    self._drop()
            except (http.client.HTTPException, OSError) as e:
                self._drop()
                last = e
                if reused and attempt == 0 and isinstance(e, _STALE):
                    continue  # a kept-alive connection the server had closed: nothing was processed
                if not (idempotent or isinstance(e, ConnectionRefusedError)):
                    break
                continue
            if 200 <= status < 300 or (status == 404 and path in ("/file", "/execute_action", "/step")):
                return status, body, answer_headers
            raise self._refusal(path, status, body)
        raise DesktopUnavailable(
            self.provider,
            f"the desktop at {self.base_url} did not answer {path} ({_reason(last)})",
            "the server, X display or container is gone: check provider.health() and reset the env "
            "(provider.revert()) for a fresh desktop",
        )

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's kept-alive connection (new TCP connections cost ~1 ms per request on localhost)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn, True
        self._local.conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        return self._local.conn, False

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def close(self) -> None:
        self._drop()

    def _refusal(self, path: str, status: int, body: bytes) -> DesktopRequestError:
        try:
            message = json.loads(body).get("message", "")
        except (ValueError, AttributeError):
            message = body.decode("utf-8", "replace")[:300]
        fix = {
            401: "pass the desktop's token to the client (provider.address.token)",
            413: "send a smaller file, or raise the server's --max-upload-mb",
        }.get(status, "")
        return DesktopRequestError(self.provider, f"{path} failed with HTTP {status}: {message}", fix, status)

    def _json(self, method: str, path: str, body=None, **kw):
        return json.loads(self.request(method, path, json_body=body, **kw)[1])

    # -- observation -----------------------------------------------------------------------------------------------
    def screenshot(self, timeout: float = 10.0) -> bytes:
        """PNG (or JPEG) bytes of the screen, cursor included."""
        body = self.request("GET", "/screenshot", timeout=timeout)[1]
        if not body.startswith(_IMAGE_MAGIC):
            raise DesktopRequestError(self.provider, f"/screenshot returned {len(body)} bytes that are not an image")
        return body

    def accessibility(self, timeout: float = 30.0) -> str:
        return self._json("GET", "/accessibility", timeout=timeout)["AT"]

    def platform(self, timeout: float | None = None) -> str:
        return self.request("GET", "/platform", timeout=timeout)[1].decode().strip()

    def cursor_position(self) -> tuple[int, int]:
        x, y = self._json("GET", "/cursor_position")
        return int(x), int(y)

    def screen_size(self) -> tuple[int, int]:
        size = self._json("POST", "/screen_size")
        return int(size["width"]), int(size["height"])

    def wait_ready(
        self, timeout: float = 60.0, interval: float = 0.05, problem: Callable[[], str | None] | None = None
    ) -> None:
        """Poll /screenshot until the desktop answers; ``problem`` (e.g. "container exited") ends the wait early."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if problem and (why := problem()):
                raise DesktopUnavailable(self.provider, f"the desktop failed while starting: {why}")
            req = urllib.request.Request(
                self.base_url + "/screenshot", headers=({"Authorization": f"Bearer {self.token}"} if self.token else {})
            )
            try:
                with urllib.request.urlopen(req, timeout=max(0.1, min(5.0, deadline - time.monotonic()))) as r:
                    if r.status == 200 and r.read(8).startswith(_IMAGE_MAGIC[0][:4]):
                        return
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    raise self._refusal("/screenshot", 401, e.read()) from None
                last = f"HTTP {e.code}"
            except (TimeoutError, urllib.error.URLError, http.client.HTTPException, ConnectionError) as e:
                last = _reason(e)
            time.sleep(interval)
        raise DesktopUnavailable(
            self.provider,
            f"the desktop at {self.base_url} was not ready after {timeout:g} s ({last})",
            "see the provider's logs; raise ready_timeout for slow machines",
        )

    # -- actions and commands --------------------------------------------------------------------------------------
    def execute_actions(self, actions: Sequence[Action], timeout: float = 60.0) -> None:
        """Perform parsed actions (pyautogui or computer_13) on the desktop."""
        code = pyautogui_code(actions)
        if not code:
            return
        if self._native_actions:
            status, _ = self.request(
                "POST", "/execute_action", json_body={"code": code}, timeout=timeout, idempotent=False
            )
            if status != 404:
                return
            self._native_actions = False
        result = self.execute(
            ["python", "-c", _OSWORLD_PREFIX + code.replace("\n", "; ")], timeout=timeout, path="/execute"
        )
        if result.get("returncode", 0) != 0:
            raise DesktopRequestError(self.provider, f"the actions failed: {result.get('error', '')[-300:]}")

    def step(self, actions: Sequence[Action], settle: Settle, fmt: str = "png", timeout: float = 60.0) -> Settled:
        """Perform ``actions``, wait until the screen settles, and return it: ``Settled.frame`` is an image in
        ``fmt`` ("png" or "ppm"). One request where the server has ``/step``; against others (the official VM's)
        the actions, then PNG screenshots polled from here under the same rule."""
        if self._native_step:
            body = {"code": pyautogui_code(actions), "format": fmt, **asdict(settle)}
            status, image, headers = self._exchange(
                "POST", "/step", json_body=body, timeout=timeout + settle.timeout_s, idempotent=False
            )
            if status != 404:
                waited_s = int(headers.get("X-Waited-Ms", 0)) / 1000
                watched = headers.get("X-Watched", "frames")
                return Settled(image, headers.get("X-Settled") == "true", waited_s, watched)
            self._native_step = False
        self.execute_actions(actions, timeout=timeout)
        result = replace(wait_until_still(self.screenshot, self._last_screen, settle), watched="screenshots")
        self._last_screen = result.frame
        return result

    def execute(
        self, command: str | list[str], shell: bool = False, timeout: float = 120.0, path: str = "/setup/execute"
    ) -> dict:
        """Run a setup command in the desktop's home: ``{status, output, error, returncode}``."""
        return self._json("POST", path, {"command": command, "shell": shell}, timeout=timeout + 5, idempotent=False)

    def launch(self, command: str | list[str], shell: bool = False, check_s: float = 0.0) -> None:
        """Start a program; with ``check_s`` this package's server fails the request when it dies with a non-zero
        status within that time (OSWorld's server ignores it)."""
        body = {"command": command, "shell": shell, **({"check_s": check_s} if check_s else {})}
        self.request("POST", "/setup/launch", json_body=body, timeout=self.timeout + check_s, idempotent=False)

    # -- files -----------------------------------------------------------------------------------------------------
    def get_file(self, path: str, timeout: float = 60.0) -> bytes | None:
        """The file's bytes, or None when it does not exist (as OSWorld's getters expect)."""
        data = "file_path=" + urllib.parse.quote(path, safe="")
        status, body = self.request(
            "POST", "/file", data=data.encode(), timeout=timeout, ctype="application/x-www-form-urlencoded"
        )
        return None if status == 404 else body

    def upload(self, path: str, data: bytes, timeout: float = 120.0) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file_path"\r\n\r\n{path}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file_data"; filename="upload"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        self.request(
            "POST",
            "/setup/upload",
            data=body,
            ctype=f"multipart/form-data; boundary={boundary}",
            timeout=timeout,
            idempotent=False,
        )

    def list_directory(self, path: str) -> dict:
        return self._json("POST", "/list_directory", {"path": path})["directory_tree"]

    # -- windows and recording -------------------------------------------------------------------------------------
    def open_file(self, path: str, timeout: float = 30.0) -> None:
        self.request(
            "POST",
            "/setup/open_file",
            json_body={"path": path, "timeout": timeout},
            timeout=timeout + 10,
            idempotent=False,
        )

    def activate_window(self, name: str, strict: bool = False, by_class: bool = False) -> None:
        self.request(
            "POST", "/setup/activate_window", json_body={"window_name": name, "strict": strict, "by_class": by_class}
        )

    def close_window(self, name: str, strict: bool = False, by_class: bool = False) -> None:
        self.request(
            "POST",
            "/setup/close_window",
            json_body={"window_name": name, "strict": strict, "by_class": by_class},
            idempotent=False,
        )

    def start_recording(self) -> None:
        self.request("POST", "/start_recording", idempotent=False)

    def end_recording(self, timeout: float = 60.0) -> bytes:
        return self.request("POST", "/end_recording", timeout=timeout, idempotent=False)[1]


def _reason(e: Exception | None) -> str:
    reason = getattr(e, "reason", e)
    return f"{type(reason).__name__}: {reason}" if reason is not None else "unknown"
