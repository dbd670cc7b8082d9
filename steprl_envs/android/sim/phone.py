"""The simulated phone behind the sim provider: MockGUI's phone (its apps, scene, renderer) driven by the
Android command-line tools that an ``adb shell`` reaches (``input``, ``screencap``, ``uiautomator``, ``am``,
``monkey``, ``pm``, ``settings``, ``content``, ``wm``, ``dumpsys``, ``getprop``), plus the app databases that
``adb pull`` / ``adb push`` see. Commands get argv lists (after the device shell parsed the command line) and
return ``(exit code, stdout bytes, stderr text)``, with the output formats of Android 13.

Apps and their Android identities: contacts = ``com.google.android.contacts``, clock =
``com.google.android.deskclock`` (alarms in ``databases/alarms.db``), notes = Joplin ``net.cozic.joplin``
(``databases/joplin.sqlite``), settings = ``com.android.settings`` (values in ``settings`` global / system /
secure), messages = Simple SMS Messenger (``content://sms``).

This module holds the phone's state, input and the small tools; the app identities and argument conventions are in
:mod:`.catalog`, ``uiautomator dump`` in :mod:`.uiautomator`, ``content`` in :mod:`.content` and the database files
in :mod:`.databases`.
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import struct
import threading
from pathlib import Path

import numpy as np

from ...core.actions import ActionError
from ...mock_gui import widgets as W
from ...mock_gui.compositor import Compositor
from ...mock_gui.scene import Scene
from ...mock_gui.world import World
from . import content, databases, retro, uiautomator, vlc
from .catalog import (
    APPS,
    BASE_SETTINGS,
    DENSITY,
    EXTRA_APPS,
    HEIGHT,
    KEY_NAMES,
    LAUNCHER,
    OTHER_PACKAGES,
    PACKAGE_TO_APP,
    SDCARD,
    SDCARD_DIRS,
    SETTINGS,
    WIDTH,
    SimError,
    decode_setting,
    encode_setting,
    keycode,
    shell_options,
)
from .files import FILE_TOOLS, file_command
from .markor import MARKOR_DIR, FilesApp, MarkorApp
from .records import RecordApp
from .system_apps import SimSettingsApp


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
            return uiautomator.window_xml(self)

    # -- databases ---------------------------------------------------------------------------------------------
    def database(self, path: str) -> bytes | None:
        """The bytes of an app database file generated from the current state (None if no such database)."""
        with self.lock:
            return databases.database(self, path)

    def load_database(self, path: str, data: bytes) -> bool:
        """Take a pushed database into the app state; False when ``path`` is no app's database."""
        with self.lock:
            return databases.load_database(self, path, data)

    def restart(self, app: str) -> None:
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
                        self._key(keycode(code))
            elif cmd == "keycombination" and rest:
                codes = [keycode(c) for c in rest if not c.startswith("-")]
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
            opts = shell_options(rest, flags={"-W", "-S", "--activity-clear-task"})
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
                self.restart(app)
            return ""
        if sub == "broadcast":
            opts = shell_options(rest)
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
        opts = shell_options(args, flags={"-v"})
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
        self.restart(app)

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
                return encode_setting(mapped[1], app_settings[mapped[0]]) + "\n"
            return self.settings[ns].get(args[2], "null") + "\n"
        if verb == "put" and len(args) >= 4:
            key, value = args[2], args[3]
            mapped = SETTINGS.get((ns, key))
            if mapped:
                try:
                    app_settings[mapped[0]] = decode_setting(mapped[1], value)
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
                    values[key] = encode_setting(kind, app_settings[name])
            return "".join(f"{k}={v}\n" for k, v in sorted(values.items()))
        raise SimError("Invalid command")

    def cmd_content(self, args: list[str]) -> str:
        return content.content_command(self, args)

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


def _app_for_uri(uri: str) -> str | None:
    if uri.startswith("content://contacts") or uri.startswith("content://com.android.contacts"):
        return "contacts"
    if uri.startswith("sms:") or uri.startswith("smsto:") or uri.startswith("content://sms"):
        return "messages"
    if uri.startswith("content://com.android.calendar"):
        return "calendar"
    return None
