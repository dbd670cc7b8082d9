"""``uiautomator dump``: the sim phone's widget tree in Android's XML format (class names, resource ids, bounds)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from ...mock_gui import widgets as W
from ...mock_gui.a11y import CLASS_NAMES
from .catalog import APPS, LAUNCHER, SYSTEMUI

if TYPE_CHECKING:
    from .phone import SimPhone

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_BAD.sub("", value)


def _rid(package: str, tag: str) -> str:
    return f"{package}:id/{re.sub(r'[^A-Za-z0-9_]', '_', tag)}" if tag else ""


def window_xml(phone: SimPhone) -> str:
    """The phone's screen as ``uiautomator dump`` writes it (the caller holds the phone's lock)."""
    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", '<hierarchy rotation="0">']
    pkg_default = phone.foreground[0]
    top = [
        '<node index="0" text="" resource-id="" class="android.widget.FrameLayout" '
        f'package="{pkg_default}" content-desc="" checkable="false" checked="false" clickable="false" '
        'enabled="true" focusable="false" focused="false" scrollable="false" long-clickable="false" '
        f'password="false" selected="false" bounds="[0,0][{phone.width},{phone.height}]">'
    ]
    out += top
    for i, layer in enumerate(phone.scene.current):
        package = SYSTEMUI if layer.kind == "bar" else (APPS[layer.app][0] if layer.app else LAUNCHER[0])
        _node(layer.root, i, package, out)
    out.append("</node></hierarchy>")
    return "".join(out)


def _node(w: W.Widget, index: int, package: str, out: list[str]) -> None:
    owner, _, tag = w.uid.partition("/")
    editable = bool(w.flags & W.EDITABLE)
    if w.role in W.CONTAINERS:
        cls = CLASS_NAMES.get(w.role, "android.widget.LinearLayout" if w.children else "android.view.View")
    else:
        cls = CLASS_NAMES.get(w.role, "android.widget.TextView")
    text = w.text if editable else ("" if w.role in W.CONTAINERS else w.name)
    desc = w.name if w.role == "icon" else ""
    attrs = {
        "index": str(index),
        "text": text,
        "resource-id": _rid(package, tag),
        "class": cls,
        "package": package,
        "content-desc": desc,
        "checkable": w.flags & W.CHECKABLE,
        "checked": w.flags & W.CHECKED,
        "clickable": w.flags & W.CLICKABLE,
        "enabled": not w.flags & W.DISABLED,
        "focusable": w.flags & (W.CLICKABLE | W.EDITABLE),
        "focused": w.flags & W.FOCUSED,
        "scrollable": w.flags & W.SCROLLABLE,
        "long-clickable": False,
        "password": False,
        "selected": w.flags & W.SELECTED,
        "bounds": f"[{w.x},{w.y}][{w.x + w.w},{w.y + w.h}]",
    }
    if editable:
        attrs["hint"] = w.name
    parts = [
        f"{k}={quoteattr(_xml_text(v) if isinstance(v, str) else ('true' if v else 'false'))}" for k, v in attrs.items()
    ]
    if w.children:
        out.append(f"<node {' '.join(parts)}>")
        for i, child in enumerate(w.children):
            _node(child, i, package, out)
        out.append("</node>")
    else:
        out.append(f"<node {' '.join(parts)} />")
