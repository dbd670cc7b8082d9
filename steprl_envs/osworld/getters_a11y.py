"""Getters that read the desktop's accessibility tree (the widget-level tree exists where AT-SPI runs).

``active_url_from_accessTree`` reads the browser's address bar as OSWorld does: the ``entry`` named "Address and
search bar" inside the browser's ``application`` node. OSWorld names the application "Google Chrome" (or
"Chromium" on ARM machines); a desktop may run either, so both are looked for, Google Chrome first. The bar shows
the URL without its scheme, so ``goto_prefix`` (default ``https://``) is put in front.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .context import DesktopContext
from .getters import GETTERS

BROWSER_APPS = ("Google Chrome", "Chromium")
ADDRESS_BAR = "Address and search bar"


def address_bar_entries(tree: str) -> list[ET.Element] | None:
    """The address-bar entries of the first browser app found in ``tree``, in document order (None: not XML)."""
    try:
        root = ET.fromstring(tree)
    except ET.ParseError:
        return None
    for app_name in BROWSER_APPS:
        apps = [a for a in root.iter("application") if a.get("name") == app_name]
        entries = [e for app in apps for e in app.iter("entry") if e.get("name") == ADDRESS_BAR]
        if entries:
            return entries
    return []


def url_from_tree(tree: str | None, goto_prefix: str = "https://") -> str | None:
    """OSWorld's reading: None unless an address bar is found and the last one found has text; then the first
    one's text behind ``goto_prefix``."""
    if not tree:
        return None
    entries = address_bar_entries(tree)
    if not entries or not entries[-1].text:
        return None
    return f"{goto_prefix}{entries[0].text}"


@GETTERS.register("active_url_from_accessTree")
def get_active_url_from_access_tree(ctx: DesktopContext, config: dict):
    return url_from_tree(ctx.client.accessibility(), config.get("goto_prefix", "https://"))
