"""What setup steps and getters act on: one desktop's client plus the host-side folders of one episode.

OSWorld's getters and setup steps take the whole ``DesktopEnv``; here they take a :class:`DesktopContext`, which
carries only what they use (the client, the desktop's home, the episode's cache folder, the password, the screen).
Tasks are written for the official VM, whose home is ``/home/user``; :meth:`DesktopContext.vm` maps such paths to
the home of the desktop at hand (the local provider gives each desktop a fresh temporary home).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..desktop.client import DesktopClient
from ..desktop.providers.base import SERVICE_PORTS

OSWORLD_HOME = "/home/user"
_HOME = re.compile(re.escape(OSWORLD_HOME) + r"(?![\w.-])")


def published_services(endpoint) -> dict[int, tuple[str, int]]:
    """``DesktopContext.services`` from a started provider's endpoint: the service ports it published."""
    return {
        port: (endpoint.host, endpoint.ports[name]) for port, name in SERVICE_PORTS.items() if name in endpoint.ports
    }


@dataclass
class DesktopContext:
    client: DesktopClient
    home: str = OSWORLD_HOME
    cache_dir: str = ""  # this episode's host folder: downloaded inputs, fetched results, command outputs
    task_id: str = ""
    task_dir: str | None = None  # the task file's folder: relative local paths in a task start here ...
    task_root: str | None = None  # ... or at the task set's root (the evaluation_examples folder)
    file_cache: str | None = None  # a shared host cache of downloads (<file_cache>/<task_id>/<name>, by URL)
    client_password: str = "password"
    screen: tuple[int, int] = (1920, 1080)
    network: bool = True  # may setup and getters fetch http(s) URLs missing from the cache?
    log: list[str] = field(default_factory=list)
    #: desktop port -> (host, port) where this machine reaches it: Chrome's DevTools (9222), VLC's HTTP interface
    #: (8080). Filled by the env from its provider; a port not listed is tried at the control server's host.
    services: dict[int, tuple[str, int]] = field(default_factory=dict)

    def address(self, port: int) -> tuple[str, int]:
        """Where this machine reaches ``port`` of the desktop (published ports differ from the desktop's own)."""
        if port in self.services:
            return self.services[port]
        return (self.client.host, port)

    def vm(self, value: Any) -> Any:
        """``/home/user/...`` -> this desktop's home, in strings, lists and dicts (a no-op on the official VM)."""
        if self.home == OSWORLD_HOME:
            return value
        if isinstance(value, str):
            return _HOME.sub(self.home.replace("\\", "\\\\"), value)
        if isinstance(value, list):
            return [self.vm(v) for v in value]
        if isinstance(value, dict):
            return {k: self.vm(v) for k, v in value.items()}
        return value

    def cache_path(self, name: str) -> str:
        """A path in this episode's cache folder (created on demand); ``name`` may not climb out of it."""
        os.makedirs(self.cache_dir, exist_ok=True)
        path = os.path.realpath(os.path.join(self.cache_dir, name))
        root = os.path.realpath(self.cache_dir)
        if os.path.commonpath([path, root]) != root:
            raise ValueError(f"cache file name {name!r} leaves the cache folder")
        return path
