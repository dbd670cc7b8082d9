"""Windows on the desktop through wmctrl: listing, activating, closing, opening files, a window-level a11y tree.

OSWorld's server answers ``/accessibility`` from AT-SPI. This desktop has no accessibility bus, so the tree lists
what X knows (application class, window title, position, size, focus) in the same XML namespaces; evaluators that
need widget-level nodes need the official VM.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from xml.sax.saxutils import quoteattr

NS = (
    'xmlns:st="https://accessibility.ubuntu.example.org/ns/state" '
    'xmlns:attr="https://accessibility.ubuntu.example.org/ns/attributes" '
    'xmlns:cp="https://accessibility.ubuntu.example.org/ns/component"'
)

#: file extension -> applications tried in order by /setup/open_file (then xdg-open)
OPENERS = {
    **dict.fromkeys(
        (".txt", ".md", ".py", ".json", ".log", ".sh", ".ini", ".cfg", ".yaml", ".yml", ".html"), ("mousepad",)
    ),
    **dict.fromkeys((".csv", ".xlsx", ".xls", ".ods", ".gnumeric"), ("gnumeric", "localc")),
    **dict.fromkeys((".docx", ".odt", ".doc", ".pptx", ".odp"), ("lowriter", "libreoffice")),
}


def _wmctrl(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["wmctrl", *args], env=env, capture_output=True, text=True, timeout=10)


def list_windows(env: dict) -> list[dict]:
    """Top-level windows: id, pid, x, y, width, height, wm_class, title."""
    out = _wmctrl(env, "-lpGx").stdout
    windows = []
    for line in out.splitlines():
        parts = line.split(None, 9)
        if len(parts) < 9:
            continue
        wid, _desk, pid, x, y, w, h, wm_class = parts[:8]
        title = parts[9] if len(parts) > 9 else ""
        windows.append(
            {
                "id": wid,
                "pid": int(pid),
                "x": int(x),
                "y": int(y),
                "width": int(w),
                "height": int(h),
                "wm_class": wm_class,
                "title": title,
            }
        )
    return windows


def active_window(env: dict) -> int | None:
    out = subprocess.run(["xdotool", "getactivewindow"], env=env, capture_output=True, text=True, timeout=5)
    return int(out.stdout) if out.returncode == 0 and out.stdout.strip().isdigit() else None


def accessibility_xml(env: dict) -> str:
    active = active_window(env)
    apps: dict[str, list[str]] = {}
    for w in list_windows(env):
        app = w["wm_class"].split(".")[-1] if w["wm_class"] else "unknown"
        focused = "true" if active is not None and int(w["id"], 16) == active else "false"
        apps.setdefault(app, []).append(
            f'<frame name={quoteattr(w["title"])} st:active="{focused}" st:focused="{focused}" '
            f'st:showing="true" st:visible="true" cp:screencoord="({w["x"]}, {w["y"]})" '
            f'cp:size="({w["width"]}, {w["height"]})" attr:window-id="{w["id"]}" />'
        )
    body = "".join(
        f"<application name={quoteattr(app)}>{''.join(frames)}</application>" for app, frames in apps.items()
    )
    return f'<desktop-frame {NS} name="main">{body}</desktop-frame>'


def _matches(window: dict, name: str, strict: bool, by_class: bool) -> bool:
    """wmctrl's own matching: the title (or WM_CLASS) equals ``name`` when strict, else contains it, any case."""
    field = window["wm_class"] if by_class else window["title"]
    return field == name if strict else name.lower() in field.lower()


def activate(env: dict, name: str, strict: bool = False, by_class: bool = False, settle_s: float = 2.0) -> bool:
    """Raise and focus the window, then wait (up to ``settle_s``) until the window manager has given it the focus.

    wmctrl only asks the window manager; keys typed straight after it could still reach the previous window.
    """
    flags = (["-F"] if strict else []) + (["-x"] if by_class else [])
    if _wmctrl(env, *flags, "-a", name).returncode != 0:
        return False
    wanted = {int(w["id"], 16) for w in list_windows(env) if _matches(w, name, strict, by_class)}
    deadline = time.monotonic() + settle_s
    while wanted and active_window(env) not in wanted and time.monotonic() < deadline:
        time.sleep(0.02)
    return True


def close(env: dict, name: str, strict: bool = False, by_class: bool = False) -> bool:
    flags = (["-F"] if strict else []) + (["-x"] if by_class else [])
    return _wmctrl(env, *flags, "-c", name).returncode == 0


def opener(path: str) -> list[str]:
    """The command that opens ``path``: an installed app for its extension, else xdg-open."""
    for app in OPENERS.get(os.path.splitext(path)[1].lower(), ()):
        if shutil.which(app):
            return [app, path]
    if shutil.which("xdg-open"):
        return ["xdg-open", path]
    raise FileNotFoundError(f"no application to open {os.path.basename(path)!r} is installed")


def wait_for_window(env: dict, title_part: str, timeout: float) -> dict | None:
    """Poll until a window whose title contains ``title_part`` shows up (None after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while True:
        for w in list_windows(env):
            if title_part.lower() in w["title"].lower():
                return w
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)
