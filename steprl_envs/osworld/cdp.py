"""A small Chrome DevTools protocol client: the HTTP ``/json`` endpoints plus one websocket per session.

OSWorld drives the desktop's Chrome with Playwright's ``connect_over_cdp``; the Chrome setup steps and getters here
need only a few of its operations (list, open, close and activate tabs; load a page and wait for its ``load``
event; evaluate an expression; print a page to PDF; open a throwaway browser context), so they speak the protocol
directly. The websocket library (``websocket-client``) is imported only when a session opens.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

HTTP_TIMEOUT_S = 10.0
CALL_TIMEOUT_S = 30.0


class DevToolsError(RuntimeError):
    """Chrome answered a DevTools request with an error, or did not answer at all."""


class DevTools:
    """Chrome's DevTools endpoint at ``host:port`` (the desktop's port 9222, as published to this machine)."""

    def __init__(self, host: str, port: int, timeout: float = HTTP_TIMEOUT_S):
        self.host, self.port, self.timeout = host, int(port), timeout

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _http(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(self.base + path, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            raise DevToolsError(f"{method} {path}: HTTP {e.code} {e.read()[:200]!r}") from None
        except OSError as e:
            raise DevToolsError(f"Chrome's DevTools at {self.base} did not answer: {e}") from None
        try:
            return json.loads(body) if body.strip() else None
        except ValueError:
            return body.decode("utf-8", "replace")

    def version(self) -> dict:
        return self._http("/json/version")

    def pages(self) -> list[dict]:
        """The open tabs, most recently active first (Chrome's own order)."""
        return [t for t in self._http("/json/list") if t.get("type") == "page"]

    def new_tab(self, url: str = "about:blank") -> dict:
        """A new tab in the default browser context (``/json/new`` takes PUT since Chrome 111)."""
        return self._http("/json/new?" + urllib.parse.quote(url, safe=":/?&=#%+@,;~!$*'()[]"), method="PUT")

    def close_tab(self, target_id: str, timeout: float = HTTP_TIMEOUT_S) -> None:
        """Close a tab and wait until Chrome no longer lists it (as Playwright's ``page.close()`` waits)."""
        try:
            self._http(f"/json/close/{target_id}")
        except DevToolsError as e:
            if "No such target" not in str(e):
                raise
        deadline = time.monotonic() + timeout
        while any(t.get("id") == target_id for t in self.pages()) and time.monotonic() < deadline:
            time.sleep(0.05)

    def activate(self, target_id: str) -> None:
        self._http(f"/json/activate/{target_id}")

    def _here(self, ws_url: str) -> str:
        """Chrome names its websockets by the address it was asked at; through forwarded ports, ask ours."""
        parts = urllib.parse.urlsplit(ws_url)
        return urllib.parse.urlunsplit(parts._replace(netloc=f"{self.host}:{self.port}"))

    def page_session(self, target: dict) -> Session:
        return Session(self._here(target["webSocketDebuggerUrl"]))

    def browser_session(self) -> Session:
        return Session(self._here(self.version()["webSocketDebuggerUrl"]))


def wait_for(host: str, port: int, attempts: int, interval: float) -> DevTools:
    """Connect, retrying ``attempts`` times ``interval`` seconds apart (Chrome may still be starting)."""
    devtools, last = DevTools(host, port), None
    for attempt in range(max(1, attempts)):
        if attempt:
            time.sleep(interval)
        try:
            devtools.version()
            return devtools
        except DevToolsError as e:
            last = e
    raise DevToolsError(f"no Chrome DevTools at {host}:{port} after {attempts} attempts: {last}")


class Session:
    """One DevTools websocket: ``call`` sends a command and waits for its answer; events are kept for ``wait_event``."""

    def __init__(self, ws_url: str, timeout: float = CALL_TIMEOUT_S):
        try:
            import websocket
        except ImportError as e:
            raise ImportError("Chrome getters need websocket-client: pip install 'steprl[osworld]'") from e
        try:
            self._ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        except (OSError, websocket.WebSocketException) as e:
            raise DevToolsError(f"cannot open {ws_url}: {e}") from None
        self._next_id = 0
        self.events: list[dict] = []

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._ws.close()
        except Exception:  # the tab may be gone already
            pass

    def _receive(self, deadline: float) -> dict:
        import websocket

        self._ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            return json.loads(self._ws.recv())
        except (websocket.WebSocketTimeoutException, TimeoutError):
            raise TimeoutError("Chrome did not answer in time") from None
        except (OSError, websocket.WebSocketException) as e:  # the tab or the browser went away
            raise DevToolsError(f"the DevTools connection closed: {e}") from None

    def call(self, method: str, session_id: str | None = None, timeout: float = CALL_TIMEOUT_S, **params) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session_id:
            message["sessionId"] = session_id
        try:
            self._ws.send(json.dumps(message))
        except Exception as e:  # websocket-client raises its own exception types for a closed socket
            raise DevToolsError(f"{method}: the DevTools connection closed: {e}") from None
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, timeout: float, predicate=None) -> dict:
        """The first event ``method`` (already received or arriving within ``timeout`` s) that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and (predicate is None or predicate(event)):
                    return self.events.pop(i)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no {method} within {timeout:g} s")
            event = self._receive(deadline)
            if "method" in event:
                self.events.append(event)


#: Playwright's ``page.content()``: the doctype followed by the root element's markup.
CONTENT_JS = (
    "(() => { let html = '';"
    " if (document.doctype) html = new XMLSerializer().serializeToString(document.doctype);"
    " if (document.documentElement) html += document.documentElement.outerHTML; return html; })()"
)


class Page:
    """One tab driven over ``session`` (its own websocket, or a browser websocket with a flattened ``session_id``)."""

    def __init__(self, session: Session, session_id: str | None = None, target_id: str | None = None):
        self.session, self.session_id, self.target_id = session, session_id, target_id
        self.call("Page.enable")

    def call(self, method: str, timeout: float = CALL_TIMEOUT_S, **params) -> dict:
        return self.session.call(method, session_id=self.session_id, timeout=timeout, **params)

    def _mine(self, event: dict) -> bool:
        return event.get("sessionId") == self.session_id

    def goto(self, url: str, timeout: float = CALL_TIMEOUT_S) -> None:
        """Navigate and wait for the ``load`` event; a network error raises, as Playwright's ``goto`` does."""
        self.session.events.clear()
        result = self.call("Page.navigate", timeout=timeout, url=url)
        if result.get("errorText"):
            raise DevToolsError(f"cannot load {url}: {result['errorText']}")
        if result.get("loaderId"):
            self.session.wait_event("Page.loadEventFired", timeout, self._mine)

    def evaluate(self, expression: str, timeout: float = CALL_TIMEOUT_S, gesture: bool = False) -> Any:
        """The JSON value of ``expression``; ``gesture`` runs it as a user action (a click may open a popup)."""
        result = self.call(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
            userGesture=gesture,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text")
            raise DevToolsError(f"script failed in the page: {text}")
        return result.get("result", {}).get("value")

    def wait_loaded(self, timeout: float = CALL_TIMEOUT_S, idle: float = 0.0) -> None:
        """Wait until the document reports ``complete`` (then ``idle`` s more, for late requests)."""
        deadline = time.monotonic() + timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page did not finish loading within {timeout:g} s")
            time.sleep(0.1)
        if idle:
            time.sleep(idle)

    def title(self) -> str:
        return self.evaluate("document.title")

    def url(self) -> str:
        return self.evaluate("location.href")

    def content(self) -> str:
        return self.evaluate(CONTENT_JS)


class IsolatedPage:
    """A tab in a new, empty browser context that is disposed on exit: what Playwright's ``browser.new_page()`` gives
    over CDP (no cookies or cache of the user's profile; the tab goes away when the getter is done)."""

    def __init__(self, devtools: DevTools):
        self.devtools = devtools

    def __enter__(self) -> Page:
        self.session = self.devtools.browser_session()
        try:
            self.context_id = self.session.call("Target.createBrowserContext")["browserContextId"]
            target = self.session.call("Target.createTarget", url="about:blank", browserContextId=self.context_id)
            attached = self.session.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)
            return Page(self.session, attached["sessionId"], target["targetId"])
        except BaseException:
            self.session.close()
            raise

    def __exit__(self, *exc) -> None:
        try:
            self.session.call("Target.disposeBrowserContext", browserContextId=self.context_id)
        except (DevToolsError, TimeoutError, OSError):
            pass
        self.session.close()
