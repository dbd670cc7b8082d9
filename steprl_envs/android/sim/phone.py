"""The simulated phone behind the sim provider: MockGUI's phone (its apps, scene, renderer) driven by the
Android command-line tools that an ``adb shell`` reaches (``input``, ``screencap``, ``uiautomator``, ``am``,
``monkey``, ``pm``, ``settings``, ``content``, ``wm``, ``dumpsys``, ``getprop``), plus the app databases that
``adb pull`` / ``adb push`` see. Commands get argv lists (after the device shell parsed the command line) and
return ``(exit code, stdout bytes, stderr text)``, with the output formats of Android 13.

Apps and their Android identities: contacts = ``com.google.android.contacts``, clock =
``com.google.android.deskclock`` (alarms in ``databases/alarms.db``), notes = Joplin ``net.cozic.joplin``
(``databases/joplin.sqlite``), settings = ``com.android.settings`` (values in ``settings`` global / system /
secure), messages = Simple SMS Messenger (``content://sms``).
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import sqlite3
import struct
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from ...core.actions import ActionError
from ...mock_gui import widgets as W
from ...mock_gui.a11y import CLASS_NAMES
from ...mock_gui.compositor import Compositor
from ...mock_gui.data import Alarm, Contact
from ...mock_gui.scene import Scene
from ...mock_gui.world import World
from . import joplin, retro, vlc
from .files import FILE_TOOLS, file_command
from .markor import MARKOR_DIR, FilesApp, MarkorApp
from .markor import PACKAGE as MARKOR_PACKAGE
from .records import ExpenseApp, RecipeApp, RecordApp
from .system_apps import (
    AudioRecorderApp,
    CameraApp,
    ClipperApp,
    DialerApp,
    DrawApp,
    SimClockApp,
    SimContactsApp,
    SimMessagesApp,
    SimSettingsApp,
)
from .tables import CalendarApp, TasksApp, TracksApp

WIDTH, HEIGHT, DENSITY = 540, 1200, 240
LAUNCHER = ("com.google.android.apps.nexuslauncher", "com.google.android.apps.nexuslauncher.NexusLauncherActivity")
SYSTEMUI = "com.android.systemui"
#: MockGUI app -> (package, launcher activity)
APPS = {
    "contacts": ("com.google.android.contacts", "com.android.contacts.activities.PeopleActivity"),
    "clock": ("com.google.android.deskclock", "com.android.deskclock.DeskClock"),
    "notes": ("net.cozic.joplin", "net.cozic.joplin.MainActivity"),
    "settings": ("com.android.settings", "com.android.settings.Settings"),
    "messages": ("com.simplemobiletools.smsmessenger", "com.simplemobiletools.smsmessenger.activities.MainActivity"),
}
#: apps of AndroidWorld's task set hosted by the sim (``sim/markor.py``, ``sim/records.py``)
EXTRA_APPS = {
    "markor": MarkorApp,
    "expense": ExpenseApp,
    "recipe": RecipeApp,
    "calendar": CalendarApp,
    "tasks": TasksApp,
    "opentracks": TracksApp,
    "camera": CameraApp,
    "dialer": DialerApp,
    "messages": SimMessagesApp,
    "clock": SimClockApp,
    "contacts": SimContactsApp,
    "notes": joplin.SimNotesApp,
    "files": FilesApp,
    "audiorecorder": AudioRecorderApp,
    "clipper": ClipperApp,
    "vlc": vlc.VlcApp,
    "retro": retro.RetroApp,
    "draw": DrawApp,
}
#: the standard folders of shared storage (``/storage/emulated/0``) on a fresh phone
SDCARD = "/storage/emulated/0"
SDCARD_DIRS = (
    "Alarms",
    "Audiobooks",
    "DCIM",
    "Documents",
    "Download",
    "Movies",
    "Music",
    "Notifications",
    "Pictures",
    "Podcasts",
    "Recordings",
    "Ringtones",
)
for _name, _cls in EXTRA_APPS.items():
    APPS.setdefault(_name, getattr(_cls, "package", None) or MARKOR_PACKAGE)
PACKAGE_TO_APP = {pkg: app for app, (pkg, _) in APPS.items()}
PACKAGE_TO_APP.update({"com.android.contacts": "contacts", "com.google.android.apps.messaging": "messages"})
OTHER_PACKAGES = (
    LAUNCHER[0],
    SYSTEMUI,
    "com.android.shell",
    "com.android.providers.settings",
    "com.android.providers.contacts",
    "com.android.providers.telephony",
)
ALARMS_DB = f"/data/data/{APPS['clock'][0]}/databases/alarms.db"
NOTES_DB = f"/data/data/{APPS['notes'][0]}/databases/joplin.sqlite"

#: (namespace, key) -> (MockGUI setting, encoding)
SETTINGS = {
    ("global", "wifi_on"): ("wifi", "bool"),
    ("global", "bluetooth_on"): ("bluetooth", "bool"),
    ("global", "airplane_mode_on"): ("airplane", "bool"),
    ("secure", "ui_night_mode"): ("dark", "night"),
    ("system", "accelerometer_rotation"): ("autorotate", "bool"),
    ("global", "zen_mode"): ("dnd", "bool"),
    ("system", "vibrate_when_ringing"): ("vibrate", "bool"),
    ("secure", "location_mode"): ("location", "location"),
    ("system", "screen_brightness"): ("brightness", "brightness"),
}
BASE_SETTINGS = {
    "global": {"auto_time": "1", "auto_time_zone": "1", "device_provisioned": "1", "adb_enabled": "1"},
    "system": {"screen_off_timeout": "600000", "font_scale": "1.0"},
    "secure": {
        "enabled_accessibility_services": "null",
        "default_input_method": "com.android.inputmethod.latin/.LatinIME",
    },
}
KEYCODES = {
    "HOME": 3,
    "BACK": 4,
    "DPAD_UP": 19,
    "DPAD_DOWN": 20,
    "POWER": 26,
    "TAB": 61,
    "SPACE": 62,
    "ENTER": 66,
    "DEL": 67,
    "ESCAPE": 111,
    "FORWARD_DEL": 112,
    "CTRL_LEFT": 113,
    "APP_SWITCH": 187,
    "WAKEUP": 224,
    "MENU": 82,
    "PAGE_UP": 92,
    "PAGE_DOWN": 93,
    "MOVE_HOME": 122,
    "MOVE_END": 123,
}
KEYCODES.update({chr(c): 29 + c - ord("A") for c in range(ord("A"), ord("Z") + 1)})
KEYCODES.update({str(d): 7 + d for d in range(10)})
KEY_NAMES = {v: k for k, v in KEYCODES.items()}


class SimError(Exception):
    """A command failed: (exit code, message on stderr)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _enc(kind: str, value) -> str:
    if kind == "bool":
        return "1" if value else "0"
    if kind == "night":
        return "2" if value else "1"
    if kind == "location":
        return "3" if value else "0"
    return str(1 + (int(value) - 1) * 254 // 9)  # brightness level 1..10 -> 1..255


def _dec(kind: str, raw: str):
    if kind == "brightness":
        return min(10, max(1, round(1 + (int(float(raw)) - 1) * 9 / 254)))
    if kind == "night":
        return raw.strip() == "2"
    return raw.strip() not in ("0", "", "null")


def _rid(package: str, tag: str) -> str:
    return f"{package}:id/{re.sub(r'[^A-Za-z0-9_]', '_', tag)}" if tag else ""


class SimPhone:
    """State of the simulated phone and the tools that read and change it. Thread-safe (one lock)."""

    def __init__(self, seed: int = 0, width: int = WIDTH, height: int = HEIGHT, storage: Path | None = None):
        self.width, self.height = width, height
        #: host directory that is the device's file system root (Markor's notes live there)
        self.storage = storage
        self.files = None  # the device's file system (set by SimDevice) for rm / mkdir / touch
        self.lock = threading.RLock()
        self.scene = Scene()
        self.compositor = Compositor(width, height)
        self.fault: str | None = None  # test hook: the next content query fails with this message
        self.reset(seed)

    # -- life cycle --------------------------------------------------------------------------------------------
    def reset(self, seed: int) -> None:
        with self.lock:
            self.seed = int(seed)
            self.world = World("phone", self.seed, self.width, self.height)
            self._install_apps()
            self.baseline = copy.deepcopy(self.world)
            self.settings = copy.deepcopy(BASE_SETTINGS)
            self.scene.clear()
            self.compositor.reset()
            self.scene.update(self.world)
            self.typed: list[str] = []  # every ``input text`` argument, as the input tool received it

    def _install_apps(self) -> None:
        """Add the extra apps to the fresh world (Markor starts with an empty notes folder)."""
        roots: dict[type, Path | None] = {MarkorApp: None, FilesApp: None, vlc.VlcApp: None, retro.RetroApp: None}
        if self.storage is not None:
            sdcard = self.storage / SDCARD.lstrip("/")
            roots = {
                MarkorApp: self.storage / MARKOR_DIR.lstrip("/"),
                FilesApp: sdcard,
                vlc.VlcApp: self.storage / vlc.VIDEOS_DIR.lstrip("/"),
                retro.RetroApp: sdcard,
            }
            if not _fresh(sdcard):
                shutil.rmtree(sdcard, ignore_errors=True)
                for sub in SDCARD_DIRS:
                    (sdcard / sub).mkdir(parents=True, exist_ok=True)
                roots[MarkorApp].mkdir(parents=True, exist_ok=True)
        for name, cls in EXTRA_APPS.items():
            self.world.apps[name] = cls(self.world, roots[cls]) if cls in roots else cls(self.world)
            if hasattr(cls, "storage"):
                self.world.apps[name].storage = self.storage
        settings = SimSettingsApp.__new__(SimSettingsApp)  # same seeded values, with the brightness slider
        settings.__dict__.update(self.world.apps["settings"].__dict__)
        self.world.apps["settings"] = settings

    def storage_changed(self) -> None:
        """Files changed behind the apps (adb push, rm, mkdir): the file browsers list them again."""
        for app in self.world.apps.values():
            if isinstance(app, MarkorApp | vlc.VlcApp | retro.RetroApp):
                app.touch()
        self.refresh()

    def record_app(self, path: str) -> RecordApp | None:
        return next(
            (a for a in self.world.apps.values() if isinstance(a, RecordApp) and a.db_path == path),
            None,
        )

    def refresh(self) -> None:
        self.scene.update(self.world)

    # -- views -------------------------------------------------------------------------------------------------
    @property
    def foreground(self) -> tuple[str, str]:
        app = self.world.shell.active
        return APPS[app] if app else LAUNCHER

    def frame(self) -> np.ndarray:
        with self.lock:
            return self.compositor.render(self.scene.current, self.world.theme)

    def window_xml(self) -> str:
        """The screen as ``uiautomator dump`` writes it."""
        with self.lock:
            out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", '<hierarchy rotation="0">']
            pkg_default = self.foreground[0]
            top = [
                '<node index="0" text="" resource-id="" class="android.widget.FrameLayout" '
                f'package="{pkg_default}" content-desc="" checkable="false" checked="false" clickable="false" '
                'enabled="true" focusable="false" focused="false" scrollable="false" long-clickable="false" '
                f'password="false" selected="false" bounds="[0,0][{self.width},{self.height}]">'
            ]
            out += top
            for i, layer in enumerate(self.scene.current):
                package = SYSTEMUI if layer.kind == "bar" else (APPS[layer.app][0] if layer.app else LAUNCHER[0])
                self._node(layer.root, i, package, out)
            out.append("</node></hierarchy>")
            return "".join(out)

    def _node(self, w: W.Widget, index: int, package: str, out: list[str]) -> None:
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
            f"{k}={quoteattr(_xml_text(v) if isinstance(v, str) else ('true' if v else 'false'))}"
            for k, v in attrs.items()
        ]
        if w.children:
            out.append(f"<node {' '.join(parts)}>")
            for i, child in enumerate(w.children):
                self._node(child, i, package, out)
            out.append("</node>")
        else:
            out.append(f"<node {' '.join(parts)} />")

    # -- databases ---------------------------------------------------------------------------------------------
    def database(self, path: str) -> bytes | None:
        """The bytes of an app database file generated from the current state (None if no such database)."""
        with self.lock:
            app = self.record_app(path)
            if app is not None:
                return app.database()
            if path == ALARMS_DB:
                rows = [
                    (a.id, int(a.time[:2]), int(a.time[3:]), int(a.on), a.label, 0, 1, "default", 0)
                    for a in self.world.rec.alarms
                ]
                return _sqlite_bytes(
                    "CREATE TABLE alarm_templates (_id INTEGER PRIMARY KEY, hour INTEGER NOT NULL, minutes INTEGER "
                    "NOT NULL, enabled INTEGER NOT NULL, label TEXT NOT NULL, days_of_week INTEGER NOT NULL, "
                    "vibrate INTEGER NOT NULL, ringtone TEXT, delete_after_use INTEGER NOT NULL)",
                    "INSERT INTO alarm_templates VALUES (?,?,?,?,?,?,?,?,?)",
                    rows,
                )
            if path == NOTES_DB:
                return joplin.database(self.world.apps["notes"])
            if path == vlc.DB_PATH:
                return vlc.database(self.world.apps["vlc"])
            if path == retro.PLAYLIST_DB:
                return retro.playlist_database(self.world.apps["retro"])
            if path == retro.PLAYBACK_DB:
                return retro.playback_database(self.world.apps["retro"])
            return None

    def load_database(self, path: str, data: bytes) -> bool:
        """Take a pushed database into the app state (as the app would read it after a restart)."""
        with self.lock:
            app = self.record_app(path)
            if app is not None:
                app.load(data)
                self._restart(app.name)
                return True
            if path == vlc.DB_PATH:
                vlc.load(self.world.apps["vlc"], data)
                self._restart("vlc")
                return True
            if path in (retro.PLAYLIST_DB, retro.PLAYBACK_DB):
                retro.load(self.world.apps["retro"], path, data)
                self._restart("retro")
                return True
            if path not in (ALARMS_DB, NOTES_DB):
                self.storage_changed()
                return False
            with tempfile.TemporaryDirectory() as tmp:
                file = Path(tmp) / "db"
                file.write_bytes(data)
                con = sqlite3.connect(file)
                try:
                    if path == ALARMS_DB:
                        rows = con.execute("SELECT _id, hour, minutes, enabled, label FROM alarm_templates").fetchall()
                        alarms = [
                            Alarm(int(i), f"{int(h):02d}:{int(m):02d}", label or "Alarm", bool(on))
                            for i, h, m, on, label in rows
                        ]
                        alarms.sort(key=lambda a: (a.time, a.id))
                        self.world.rec.alarms[:] = alarms
                        self._restart("clock")
                    else:
                        joplin.load(self.world.apps["notes"], data)
                        self._restart("notes")
                finally:
                    con.close()
            return True

    def _restart(self, app: str) -> None:
        """Drop an app's UI state (its data stays), like ``am force-stop``."""
        a = self.world.apps[app]
        if hasattr(a, "pages"):
            a.pages[:] = [("list",)]
        a.focus, a.dialog, a.notice, a.values = None, None, "", {}
        a.offsets.clear()
        a.touch()
        if self.world.shell.current == app:
            self.world.shell.home()
        self.refresh()

    # -- commands ----------------------------------------------------------------------------------------------
    def run(self, name: str, args: list[str]) -> tuple[int, bytes, str]:
        if name in FILE_TOOLS:
            if self.files is None:
                return 1, b"", f"{name}: Read-only file system\n"
            with self.lock:
                rc, out, err = file_command(self.files, [name, *args])
                self.storage_changed()
            return rc, out, err.decode("utf-8", "replace")
        handler = getattr(self, f"cmd_{name}", None)
        if handler is None:
            return 127, b"", f"/system/bin/sh: {name}: inaccessible or not found\n"
        with self.lock:
            try:
                out = handler(args)
            except SimError as e:
                return e.code, b"", str(e) + "\n"
            finally:
                self.refresh()
        if isinstance(out, str):
            out = out.encode()
        return 0, out or b"", ""

    def cmd_input(self, args: list[str]) -> str:
        args = list(args)
        if args and args[0] == "-d":
            args = args[2:]
        if args and args[0] in ("touchscreen", "keyboard", "mouse", "touchpad", "stylus", "dpad", "trackball"):
            args = args[1:]
        if not args:
            raise SimError("Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]")
        cmd, rest = args[0], args[1:]
        try:
            if cmd == "tap" and len(rest) == 2:
                self._tap(int(float(rest[0])), int(float(rest[1])))
            elif cmd in ("swipe", "draganddrop") and len(rest) in (4, 5):
                self._swipe(*(int(float(v)) for v in rest[:4]), int(rest[4]) if len(rest) == 5 else 300)
            elif cmd == "text" and len(rest) == 1:
                text = rest[0].replace("%s", " ")
                self.typed.append(text)
                self._type(text)
            elif cmd == "keyevent" and rest:
                for code in rest:
                    if not code.startswith("--"):
                        self._key(_keycode(code))
            elif cmd == "keycombination" and rest:
                codes = [_keycode(c) for c in rest if not c.startswith("-")]
                if 113 in codes or 114 in codes:
                    keys = [KEY_NAMES.get(c, "").lower() for c in codes if c not in (113, 114)]
                    try:
                        self.world.hotkey(("ctrl", *keys))
                    except ActionError:
                        pass
                else:
                    for c in codes:
                        self._key(c)
            else:
                raise SimError(f"Error: Unknown command or bad arguments: {' '.join(args)[:200]}")
        except ValueError as e:
            raise SimError(f"Error: {e}") from e
        return ""

    def _tap(self, x: int, y: int) -> None:
        if not (0 <= x < self.width and 0 <= y < self.height):
            return
        layer, widget = self.scene.hit(x, y)
        try:
            self.world.tap(layer, widget, 1)
        except ActionError:
            pass

    def _swipe(self, x1: int, y1: int, x2: int, y2: int, duration: int) -> None:
        dx, dy = x2 - x1, y2 - y1
        if abs(dx) < 10 and abs(dy) < 10:
            self._tap(x1, y1)  # a long press taps; on a text field of an app with a text menu it opens the menu
            if duration >= 500 and 0 <= x1 < self.width and 0 <= y1 < self.height:
                _, widget = self.scene.hit(x1, y1)
                app = self.world.active
                if widget is not None and widget.has(W.EDITABLE) and hasattr(app, "text_menu"):
                    app.text_menu(widget.uid.partition("/")[2])
            return
        if abs(dy) <= abs(dx):
            return  # horizontal swipes: nothing scrolls sideways here
        rows = 3 if dy < 0 else -3  # finger moves up -> content scrolls down
        widget = self.scene.scrollable_at(x1, min(max(y1, 0), self.height - 1))
        if widget is None:
            active = self.world.shell.active
            layer = self.scene.layer_of_app(active) if active else None
            widget = next((w for w in layer.flat if w.flags & W.SCROLLABLE), None) if layer else None
        if widget is not None:
            self.world.scroll(widget, rows)

    def _type(self, text: str) -> None:
        app = self.world.active
        if app is None or app.focus is None:
            return  # no focused field: the key events go nowhere, as on a device
        try:
            self.world.type_text(text)
        except ActionError:
            pass

    def _key(self, code: int) -> None:
        world = self.world
        if code == 3:
            world.shell.home()
        elif code in (4, 111):
            world.shell.back()
        elif code == 66:
            world.key("enter")
        elif code in (67, 112):
            world.key("backspace")
        elif code == 62:
            self._type(" ")
        elif code in KEY_NAMES and len(KEY_NAMES[code]) == 1:
            self._type(KEY_NAMES[code].lower())
        # other keys (power, wake-up, dpad, app switch) change nothing on the simulated phone

    def cmd_screencap(self, args: list[str]) -> bytes:
        png = "-p" in args
        paths = [a for a in args if not a.startswith("-")]
        if paths and paths[0].endswith(".png"):
            png = True
        frame = self.frame()
        if png:
            from PIL import Image

            buf = io.BytesIO()
            Image.fromarray(frame).save(buf, "PNG", compress_level=1)
            data = buf.getvalue()
        else:
            rgba = np.empty((self.height, self.width, 4), np.uint8)
            rgba[..., :3] = frame
            rgba[..., 3] = 255
            data = struct.pack("<4I", self.width, self.height, 1, 0) + rgba.tobytes()
        if paths:
            self.files.write(paths[0], data, 0o644)
            return b""
        return data

    def cmd_uiautomator(self, args: list[str]) -> str:
        if not args or args[0] != "dump":
            raise SimError("Usage: uiautomator dump [--compressed] [file]")
        paths = [a for a in args[1:] if not a.startswith("--")]
        path = paths[0] if paths else "/sdcard/window_dump.xml"
        xml = self.window_xml()
        if path == "/dev/tty":
            return xml + "UI hierchary dumped to: /dev/tty\n"
        self.files.write(path, xml.encode(), 0o644)
        return f"UI hierchary dumped to: {path}\n"

    def _open(self, app: str | None) -> None:
        if app is None:
            self.world.shell.home()
        else:
            self.world.shell.show(app)

    def cmd_am(self, args: list[str]) -> str:
        if not args:
            raise SimError("usage: am [subcommand] [options]")
        sub, rest = args[0], args[1:]
        if sub in ("start", "start-activity"):
            opts = _options(rest, flags={"-W", "-S", "--activity-clear-task"})
            comp, action, data = opts.get("-n"), opts.get("-a"), opts.get("-d")
            app = None
            if comp:
                pkg = comp.split("/", 1)[0]
                if pkg not in PACKAGE_TO_APP and pkg != LAUNCHER[0]:
                    raise SimError(f"Error type 3\nError: Activity class {{{comp}}} does not exist.")
                app = PACKAGE_TO_APP.get(pkg)
            elif data:
                app = _app_for_uri(data)
                if app is None:
                    raise SimError(
                        f"Error: Activity not started, unable to resolve Intent {{ act={action} dat={data} }}"
                    )
            elif action == "android.intent.action.MAIN" and opts.get("-c") == "android.intent.category.HOME":
                app = None
            else:
                raise SimError("Error: Activity not started, unknown intent")
            self._open(app)
            pkg, act = APPS[app] if app else LAUNCHER
            lines = [f"Starting: Intent {{ cmp={pkg}/{act} }}"]
            if "-W" in opts:
                lines += [
                    "Status: ok",
                    "LaunchState: WARM",
                    f"Activity: {pkg}/{act}",
                    "TotalTime: 12",
                    "WaitTime: 14",
                    "Complete",
                ]
            return "\n".join(lines) + "\n"
        if sub == "force-stop" and rest:
            app = PACKAGE_TO_APP.get(rest[-1])
            if app:
                self._restart(app)
            return ""
        if sub == "broadcast":
            opts = _options(rest)
            action = opts.get("-a", "")
            if action == "com.steprl.sim.RESET":
                self.reset(int(opts.get("--ei", ("seed", "0"))[1]) if isinstance(opts.get("--ei"), tuple) else 0)
            if action in ("clipper.set", "clipper.get"):  # the Clipper app's clipboard broadcasts
                if action == "clipper.set":
                    extra = opts.get("-e") or opts.get("--es")
                    self.world.clipboard = extra[1].replace("%s", " ") if isinstance(extra, tuple) else ""
                    data = "Text is copied into clipboard."
                else:
                    data = self.world.clipboard
                return (
                    f"Broadcasting: Intent {{ act={action} flg=0x400000 }}\n"
                    f'Broadcast completed: result=-1, data="{data}"\n'
                )
            return f"Broadcasting: Intent {{ act={action} flg=0x400000 }}\nBroadcast completed: result=0\n"
        if sub == "stack" or sub == "kill-all" or sub == "kill":
            return ""
        raise SimError(f"Error: unknown command '{sub}'")

    def cmd_monkey(self, args: list[str]) -> str:
        opts = _options(args, flags={"-v"})
        pkg = opts.get("-p")
        if pkg not in PACKAGE_TO_APP:
            raise SimError("** No activities found to run, monkey aborted.", 252)
        self._open(PACKAGE_TO_APP[pkg])
        return "  bash arg: -p\n  bash arg: " + pkg + "\nEvents injected: 1\n## Network stats: elapsed time=5ms\n"

    def cmd_pm(self, args: list[str]) -> str:
        if args[:2] == ["list", "packages"]:
            pkgs = sorted({pkg for pkg, _ in APPS.values()} | set(OTHER_PACKAGES))
            if len(args) > 2 and not args[-1].startswith("-"):
                pkgs = [p for p in pkgs if args[-1] in p]
            return "".join(f"package:{p}\n" for p in pkgs)
        if args[:1] == ["clear"] and len(args) >= 2:
            app = PACKAGE_TO_APP.get(args[-1])
            if app is None:
                raise SimError("Failed")
            self.clear_app(app)
            return "Success\n"
        if args[:1] == ["path"] and len(args) == 2:
            if args[1] not in PACKAGE_TO_APP:
                raise SimError("")
            return f"package:/data/app/{args[1]}-1/base.apk\n"
        raise SimError(f"Unknown command: {' '.join(args)[:100]}")

    def clear_app(self, app: str) -> None:
        base = copy.deepcopy(self.baseline)
        rec, src = self.world.rec, base.rec
        if app == "contacts":
            rec.contacts[:] = src.contacts
        elif app == "clock":
            rec.alarms[:] = src.alarms
            self.world.apps["clock"].clear_state()
        elif app == "notes":
            rec.notes[:] = src.notes
            self.world.apps["notes"].meta = {}
        elif app == "messages":
            rec.threads.clear()
            rec.threads.update(src.threads)
        elif app == "settings":
            self.world.apps["settings"].settings = base.apps["settings"].settings
        elif isinstance(self.world.apps.get(app), RecordApp):
            self.world.apps[app].rows = []
        self._restart(app)

    def cmd_settings(self, args: list[str]) -> str:
        args = [a for a in args if a not in ("--user", "current", "0")] if "--user" in args else list(args)
        if len(args) < 2:
            raise SimError("usage:  settings [--user <USER_ID> | current] get namespace key")
        verb, ns = args[0], args[1]
        if ns not in ("global", "system", "secure"):
            raise SimError(f"Invalid namespace '{ns}'")
        app_settings = self.world.apps["settings"].settings
        if verb == "get" and len(args) == 3:
            mapped = SETTINGS.get((ns, args[2]))
            if mapped:
                return _enc(mapped[1], app_settings[mapped[0]]) + "\n"
            return self.settings[ns].get(args[2], "null") + "\n"
        if verb == "put" and len(args) >= 4:
            key, value = args[2], args[3]
            mapped = SETTINGS.get((ns, key))
            if mapped:
                try:
                    app_settings[mapped[0]] = _dec(mapped[1], value)
                except ValueError as e:
                    raise SimError(f"Error: {e}") from e
                self.world.apps["settings"].touch()
            else:
                self.settings[ns][key] = value
            return ""
        if verb == "delete" and len(args) == 3:
            self.settings[ns].pop(args[2], None)
            return "Deleted 1 rows\n"
        if verb == "list":
            values = dict(self.settings[ns])
            for (n, key), (name, kind) in SETTINGS.items():
                if n == ns:
                    values[key] = _enc(kind, app_settings[name])
            return "".join(f"{k}={v}\n" for k, v in sorted(values.items()))
        raise SimError("Invalid command")

    # content providers
    def _table(self, uri: str) -> tuple[list[str], list[dict]]:
        rec = self.world.rec
        uri = uri.rstrip("/")
        if uri in ("content://com.android.contacts/data/phones", "content://contacts/phones"):
            cols = ["_id", "contact_id", "display_name", "data1", "starred"]
            return cols, [
                {"_id": i + 1, "contact_id": i + 1, "display_name": c.name, "data1": c.phone, "starred": int(c.starred)}
                for i, c in enumerate(rec.contacts)
            ]
        if uri == "content://com.android.contacts/data/emails":
            cols = ["_id", "contact_id", "display_name", "data1"]
            return cols, [
                {"_id": i + 1, "contact_id": i + 1, "display_name": c.name, "data1": c.email}
                for i, c in enumerate(rec.contacts)
            ]
        if uri in ("content://com.android.contacts/contacts", "content://contacts/people"):
            cols = ["_id", "display_name", "starred"]
            return cols, [
                {"_id": i + 1, "display_name": c.name, "starred": int(c.starred)} for i, c in enumerate(rec.contacts)
            ]
        if uri in ("content://sms", "content://sms/inbox", "content://sms/sent"):
            cols = ["_id", "thread_id", "address", "body", "type", "date", "read"]
            rows, n = [], 0
            for t, (who, msgs) in enumerate(rec.threads.items()):
                for direction, body in msgs:
                    n += 1
                    kind = 1 if direction == "in" else 2
                    rows.append(
                        {
                            "_id": n,
                            "thread_id": t + 1,
                            "address": who,
                            "body": body,
                            "type": kind,
                            "date": 1697384040000 + n * 1000,
                            "read": 1,
                        }
                    )
            if uri.endswith("inbox"):
                rows = [r for r in rows if r["type"] == 1]
            elif uri.endswith("sent"):
                rows = [r for r in rows if r["type"] == 2]
            return cols, rows
        raise SimError(
            f"Error while accessing provider:{uri.split('/')[2] if '//' in uri else uri}\n"
            f"java.lang.IllegalArgumentException: Unknown URI {uri}"
        )

    def cmd_content(self, args: list[str]) -> str:
        if not args:
            raise SimError("usage: adb shell content [subcommand] [options]")
        sub = args[0]
        opts = _options(args[1:], multi={"--bind"})
        uri = opts.get("--uri")
        if not uri:
            raise SimError("[ERROR] Content provider URI not specified")
        if self.fault:
            message, self.fault = self.fault, None
            raise SimError(message)
        if sub == "query":
            cols, rows = self._table(uri)
            rows = [r for r in rows if _where(opts.get("--where"), r)]
            proj = opts["--projection"].split(":") if opts.get("--projection") else cols
            for p in proj:
                if p not in cols:
                    raise SimError(
                        f"Error while accessing provider\nandroid.database.sqlite.SQLiteException: no such column: {p}"
                    )
            if not rows:
                return "No result found.\n"
            return "".join(
                f"Row: {i} " + ", ".join(f"{p}={_null(r[p])}" for p in proj) + "\n" for i, r in enumerate(rows)
            )
        if sub == "insert":
            binds = {}
            for spec in opts.get("--bind", []):
                name, _, rest = spec.partition(":")
                _, _, value = rest.partition(":")
                binds[name] = value
            self._insert(uri.rstrip("/"), binds)
            return ""
        if sub == "delete":
            cols, rows = self._table(uri)
            doomed = [r for r in rows if _where(opts.get("--where"), r)]
            self._delete(uri.rstrip("/"), doomed)
            return ""
        raise SimError(f"Unsupported operation: {sub}")

    def _insert(self, uri: str, binds: dict) -> None:
        rec = self.world.rec
        if uri in (
            "content://com.android.contacts/data/phones",
            "content://contacts/phones",
            "content://com.android.contacts/raw_contacts",
        ):
            name = binds.get("display_name") or binds.get("name")
            if not name:
                raise SimError("Error: display_name is required")
            rec.contacts.append(
                Contact(
                    name,
                    binds.get("data1") or binds.get("number", ""),
                    binds.get("email", name.lower().replace(" ", ".") + "@example.com"),
                )
            )
            rec.contacts.sort(key=lambda c: c.name)
            self.world.apps["contacts"].touch()
        elif uri in ("content://sms/inbox", "content://sms/sent", "content://sms"):
            who, body = binds.get("address"), binds.get("body", "")
            if not who:
                raise SimError("Error: address is required")
            direction = "out" if uri.endswith("sent") or binds.get("type") == "2" else "in"
            rec.threads[who] = rec.threads.pop(who, []) + [(direction, body)]  # the newest thread last
            self.world.apps["messages"].touch()
        else:
            raise SimError(f"java.lang.UnsupportedOperationException: Invalid URI {uri}")

    def _delete(self, uri: str, rows: list[dict]) -> None:
        rec = self.world.rec
        if "contacts" in uri:
            names = {r["display_name"] for r in rows}
            rec.contacts[:] = [c for c in rec.contacts if c.name not in names]
            self._restart("contacts")
        elif "sms" in uri:
            for r in rows:
                msgs = rec.threads.get(r["address"], [])
                kind = "in" if r["type"] == 1 else "out"
                if (kind, r["body"]) in msgs:
                    msgs.remove((kind, r["body"]))
            for who in [w for w, msgs in rec.threads.items() if not msgs]:
                del rec.threads[who]
            self.world.apps["messages"].touch()

    def cmd_wm(self, args: list[str]) -> str:
        if args[:1] == ["size"]:
            return f"Physical size: {self.width}x{self.height}\n"
        if args[:1] == ["density"]:
            return f"Physical density: {DENSITY}\n"
        raise SimError("Unknown command")

    def cmd_dumpsys(self, args: list[str]) -> str:
        pkg, act = self.foreground
        if args[:1] == ["activity"]:
            return (
                f"ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n  ResumedActivity: "
                f"ActivityRecord{{1a2b3c u0 {pkg}/{act} t7}}\n  mResumedActivity: "
                f"ActivityRecord{{1a2b3c u0 {pkg}/{act} t7}}\n"
            )
        if args[:1] == ["window"]:
            return f"  mCurrentFocus=Window{{4d5e6f u0 {pkg}/{act}}}\n  mCurrentRotation=ROTATION_0\n"
        if args[:1] == ["input"]:
            return (
                f"    Viewport INTERNAL: displayId=0, orientation=0, logicalFrame=[0, 0, {self.width}, {self.height}]\n"
            )
        return ""

    def cmd_getprop(self, args: list[str]) -> str:
        props = {
            "ro.build.version.sdk": "33",
            "ro.build.version.release": "13",
            "sys.boot_completed": "1",
            "ro.product.model": "steprl_sim_phone",
            "ro.product.manufacturer": "steprl",
            "ro.serialno": "steprl-sim",
            "init.svc.bootanim": "stopped",
            "ro.kernel.qemu": "0",
        }
        if args:
            return props.get(args[0], "") + "\n"
        return "".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items()))


# -- helpers ---------------------------------------------------------------------------------------------------
def _fresh(sdcard: Path) -> bool:
    """Shared storage is as a reset leaves it: the standard folders, empty, and an empty Markor folder."""
    try:
        with os.scandir(sdcard) as it:
            names = {e.name for e in it}
        if names != set(SDCARD_DIRS):
            return False
        for sub in SDCARD_DIRS:
            with os.scandir(sdcard / sub) as it:
                inside = [e.name for e in it]
            if inside != (["Markor"] if sub == "Documents" else []):
                return False
        with os.scandir(sdcard / "Documents" / "Markor") as it:
            return next(it, None) is None
    except OSError:
        return False


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_BAD.sub("", value)


def _null(value) -> str:
    return "NULL" if value is None else str(value)


def _keycode(code: str) -> int:
    name = code.upper().removeprefix("KEYCODE_")
    if name.isdigit():
        return int(name)
    if name in KEYCODES:
        return KEYCODES[name]
    raise ValueError(f"unknown keycode {code!r}")


def _options(args: list[str], flags: set[str] = frozenset(), multi: set[str] = frozenset()) -> dict:
    """``-n X -W --ei seed 3`` -> {"-n": "X", "-W": True, "--ei": ("seed", "3")}."""
    out: dict = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a in flags:
            out[a] = True
            i += 1
        elif a in ("--ei", "--es", "--ez", "--el", "-e") and i + 2 < len(args):
            out[a] = (args[i + 1], args[i + 2])
            i += 3
        elif a.startswith("-") and i + 1 < len(args):
            if a in multi:
                out.setdefault(a, []).append(args[i + 1])
            else:
                out[a] = args[i + 1]
            i += 2
        else:
            out.setdefault("_", []).append(a)
            i += 1
    return out


_COND = re.compile(r"\s*(\w+)\s*=\s*('(?:[^']|'')*'|\S+)\s*")


def _where(clause: str | None, row: dict) -> bool:
    """A tiny ``--where``: ``col='value' AND col2=3``."""
    if not clause:
        return True
    for part in re.split(r"\s+AND\s+", clause.strip(), flags=re.IGNORECASE):
        m = _COND.fullmatch(part)
        if not m:
            raise SimError(f"android.database.sqlite.SQLiteException: unsupported where clause: {clause[:80]}")
        col, raw = m.groups()
        if col not in row:
            raise SimError(f"android.database.sqlite.SQLiteException: no such column: {col}")
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        if str(row[col]) != value:
            return False
    return True


def _app_for_uri(uri: str) -> str | None:
    if uri.startswith("content://contacts") or uri.startswith("content://com.android.contacts"):
        return "contacts"
    if uri.startswith("sms:") or uri.startswith("smsto:") or uri.startswith("content://sms"):
        return "messages"
    if uri.startswith("content://com.android.calendar"):
        return "calendar"
    return None


def _sqlite_bytes(schema: str, insert: str, rows: list[tuple]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "db"
        con = sqlite3.connect(file)
        try:
            con.execute(schema)
            con.executemany(insert, rows)
            con.commit()
        finally:
            con.close()
        return file.read_bytes()
