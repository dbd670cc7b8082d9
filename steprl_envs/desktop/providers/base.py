"""The provider interface: something that can start, reset and stop a desktop speaking OSWorld's API.

Providers are cheap to construct; nothing runs until :meth:`Provider.start`. Every started provider is stopped at
interpreter exit, so a crashed or interrupted run leaves no desktops behind.
"""

from __future__ import annotations

import atexit
import weakref
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..client import DesktopClient
from ..errors import DesktopError

_LIVE: weakref.WeakSet = weakref.WeakSet()
#: desktop service port -> its name in ``Endpoint.ports``: Chrome's DevTools (behind a task's socat), VLC's HTTP
SERVICE_PORTS = {9222: "chromium", 8080: "vlc"}


@atexit.register
def _stop_all() -> None:
    for provider in list(_LIVE):
        try:
            provider.stop()
        except Exception:  # noqa: BLE001 - best effort at exit; each stop already reports its own problems
            pass


@dataclass(frozen=True)
class Endpoint:
    """Where a started desktop answers: its control server, token, and other published ports by name."""

    host: str
    port: int
    token: str | None = None
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str


class Provider(ABC):
    """start() -> Endpoint, address, revert() (a fresh desktop), stop(), health()."""

    name = "desktop"

    def __init__(self) -> None:
        self._endpoint: Endpoint | None = None

    @abstractmethod
    def _start(self) -> Endpoint:
        """Start a desktop and return once its server answers; clean up after itself if that fails."""

    @abstractmethod
    def _stop(self) -> None:
        """Stop the desktop and release everything it held; safe to call twice."""

    @abstractmethod
    def health(self) -> Health:
        """Whether the desktop is usable, and if not, why (process exited, container killed ...)."""

    def start(self) -> Endpoint:
        if self._endpoint is not None:
            return self._endpoint
        _LIVE.add(self)
        try:
            self._endpoint = self._start()
        except BaseException:
            self.stop()
            raise
        return self._endpoint

    @property
    def address(self) -> Endpoint:
        if self._endpoint is None:
            raise DesktopError(self.name, "the desktop is not started", "call start() (or reset the env) first")
        return self._endpoint

    def revert(self) -> Endpoint:
        """A fresh desktop in place of the current one (new display, new home or new container)."""
        self.stop()
        return self.start()

    def stop(self) -> None:
        try:
            self._stop()
        finally:
            self._endpoint = None
            _LIVE.discard(self)

    def client(self, **kwargs) -> DesktopClient:
        ep = self.address
        return DesktopClient(ep.url, ep.token, provider=self.name, **kwargs)

    def __enter__(self) -> Provider:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
