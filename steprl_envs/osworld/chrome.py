"""Where the desktop's Chrome is: its DevTools endpoint and its profile files, as OSWorld's VM has them.

Tasks start Chrome as ``google-chrome --remote-debugging-port=1337`` and forward the desktop's port 9222 to it with
socat; getters and setup steps reach that port through :meth:`DesktopContext.address`. Profile files are read from
OSWorld's paths (``~/.config/google-chrome``) through the desktop client, mapped to the desktop's home.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlparse, urlunparse

from .cdp import DevTools, DevToolsError, wait_for
from .context import OSWORLD_HOME, DesktopContext

DEVTOOLS_PORT = 9222
PROFILE = f"{OSWORLD_HOME}/.config/google-chrome"
#: What OSWorld's getters run when nothing answers on the DevTools port (Chrome was closed by the agent).
RELAUNCH = ["google-chrome", "--remote-debugging-port=1337"]
RELAUNCH_WAIT_S = 5.0


def devtools(ctx: DesktopContext, attempts: int = 1, interval: float = 5.0) -> DevTools:
    host, port = ctx.address(DEVTOOLS_PORT)
    return wait_for(host, port, attempts, interval)


def devtools_or_relaunch(ctx: DesktopContext) -> DevTools:
    """Connect; when that fails, start Chrome again and retry once, as OSWorld's getters do."""
    try:
        return devtools(ctx)
    except DevToolsError:
        ctx.client.launch(RELAUNCH, shell=False)
        time.sleep(RELAUNCH_WAIT_S)
        return devtools(ctx)


def profile_file(ctx: DesktopContext, relative: str) -> bytes | None:
    """A file of the Chrome profile (``Default/Preferences``, ``Local State`` ...); None when it does not exist."""
    return ctx.client.get_file(ctx.vm(f"{PROFILE}/{relative}"))


def profile_json(ctx: DesktopContext, relative: str) -> dict:
    data = profile_file(ctx, relative)
    if data is None:
        raise FileNotFoundError(f"Chrome profile file {relative} is not on the desktop")
    return json.loads(data)


def compare_urls(url1: str | None, url2: str | None) -> bool:
    """OSWorld's URL equality: scheme defaults to http, host lowercased without ``www.``, a lone ``/`` path dropped."""
    if url1 is None or url2 is None:
        return url1 == url2

    def normalize(url: str) -> str:
        parts = urlparse(url)
        return urlunparse(
            parts._replace(
                scheme=(parts.scheme or "http").lower(),
                netloc=parts.netloc.lower().replace("www.", ""),
                path=parts.path if parts.path != "/" else "",
            )
        )

    return normalize(url1) == normalize(url2)
