"""The AT-SPI connection of the control server: whether pyatspi and an accessibility bus are there, and the trees
read through them.

libatspi aborts the whole process (``dbind-ERROR``) when it cannot reach the accessibility bus, so a child process
first shows that the bus answers, and only then is pyatspi imported into the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from .a11y_tree import Api, Limits, terminal_text, walk_desktop
from .a11y_xml import to_xml

PROBE_TIMEOUT = 10.0
PROBE_RETRY = 30.0
#: libatspi's D-Bus call timeouts (ms): any app, and an app that registered moments ago (defaults 800 and 15000)
CALL_TIMEOUT_MS, STARTUP_TIMEOUT_MS = 800, 3000
_PROBE = "import pyatspi; print(pyatspi.Registry.getDesktop(0).childCount)"


class AtspiSource:
    """The AT-SPI connection of one server: probed once in a child process, then pyatspi imported here."""

    def __init__(self, env: dict, limits: Limits | None = None, python: str = sys.executable):
        self.env = env
        self.limits = limits or Limits()
        self.python = python  # the interpreter that will import pyatspi (the server's own)
        self._api: Api | None = None
        self._failed_at: float | None = None
        self._missing = False
        self._why = "not probed yet"
        self._lock = threading.Lock()

    def api(self) -> Api | None:
        """pyatspi, when it is installed and the accessibility bus answers; else None (retried every 30 s)."""
        with self._lock:
            if self._api is not None:
                return self._api
            if self._failed_at is not None and (self._missing or time.monotonic() - self._failed_at < PROBE_RETRY):
                return None
            try:
                done = subprocess.run(
                    [self.python, "-c", _PROBE],
                    env=self.env,
                    capture_output=True,
                    text=True,
                    timeout=PROBE_TIMEOUT,
                )
                ok = done.returncode == 0 and done.stdout.strip().isdigit()
                self._why = "" if ok else (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
            except (OSError, subprocess.TimeoutExpired) as e:
                ok, self._why = False, f"the AT-SPI probe failed: {e}"
            if not ok:
                self._failed_at = time.monotonic()
                self._missing = "No module named" in self._why  # pyatspi will not appear later
                return None
            for key in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
                if self.env.get(key) and not os.environ.get(key):
                    os.environ[key] = self.env[key]
            import pyatspi

            try:  # an app that is starting may otherwise hold a call (and the AT-SPI lock) for 15 s
                from gi.repository import Atspi

                Atspi.set_timeout(CALL_TIMEOUT_MS, STARTUP_TIMEOUT_MS)
            except (ImportError, AttributeError):
                pass
            self._api = Api.from_pyatspi(pyatspi)
            return self._api

    @property
    def unavailable_reason(self) -> str:
        return self._why

    def tree_xml(self) -> str | None:
        """The desktop's XML, or None without AT-SPI."""
        api = self.api()
        return None if api is None else to_xml(walk_desktop(api, self.limits))

    def terminal(self) -> tuple[bool, str | None]:
        """(whether AT-SPI is there, the terminal's text)."""
        api = self.api()
        return (False, None) if api is None else (True, terminal_text(api, self.limits))
