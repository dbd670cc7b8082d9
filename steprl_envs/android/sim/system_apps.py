"""System apps of the simulated phone for AndroidWorld's system tasks: Settings with a brightness slider (a
row of levels; a tap sets the level, as a tap on Android's slider does), and the Camera and Phone (dialer)
apps, which the open-app tasks only need to bring to the front."""

from __future__ import annotations

from ...mock_gui.apps.clock import ClockApp
from ...mock_gui.apps.contacts import ContactsApp
from ...mock_gui.apps.messages import MessagesApp
from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.apps.phone_settings import PhoneSettingsApp
from ...mock_gui.layout import Flow

LEVELS = 10


class SimSettingsApp(PhoneSettingsApp):
    """Phone settings whose brightness row is a slider of ``LEVELS`` stops."""

    def build(self, f: Flow) -> None:
        if self.page[0] == "cat" and self.page[1] == "Display":
            for key, label in (("dark", "Dark theme"), ("autorotate", "Auto-rotate")):
                f.check(label, f"toggle:{key}", bool(self.settings[key]), role="toggle-button")
            level = int(self.settings["brightness"])
            f.label(f"Brightness: {level} of {LEVELS}")
            stops = [("-" if i > level else "|", f"level:{i}") for i in range(1, LEVELS + 1)]
            f.buttons(stops, selected=f"level:{level}")
            return
        super().build(f)

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "level" and arg.isdigit():
            self.settings["brightness"] = min(LEVELS, max(1, int(arg)))
            self.touch()
            return True
        return super().click(tag, double)


class TextMenu:
    """The menu a long press opens on a text field (Paste, Copy, Select all), for page apps that mix it in:
    ``build_text_menu`` draws it, ``text_menu_click`` handles its buttons."""

    menu_for: str | None = None

    def text_menu(self, tag: str) -> None:
        self.menu_for = tag
        self.touch()

    def build_text_menu(self, f: Flow) -> None:
        if self.menu_for is not None:
            f.buttons([("Paste", "menu:paste"), ("Copy", "menu:copy"), ("Select all", "menu:all")])

    def text_menu_click(self, tag: str) -> bool:
        kind, _, arg = tag.partition(":")
        if kind != "menu" or self.menu_for is None:
            self.menu_for = None
            return False
        field, self.menu_for = self.menu_for, None
        if arg == "paste":
            self.focus, self.select_all = field, False
            if self.world.clipboard:
                self.insert(self.world.clipboard)
        elif arg == "copy":
            self.world.clipboard = self.value(field)
        elif arg == "all":
            self.focus_field(field, select_all=True)
        self.touch()
        return True


class SimMessagesApp(TextMenu, MessagesApp):
    """Simple SMS Messenger: conversations newest first, named after the contact that has the number."""

    def build(self, f: Flow) -> None:
        if self.page[0] != "list":
            super().build(f)
            return self.build_text_menu(f)
        f.button("New message", "new", accent=True, width=f.w)
        names = {_digits(c.phone): c.name for c in self.world.rec.contacts}
        rows = [
            (f"thread:{who}", names.get(_digits(who), who) if _digits(who) else who, msgs[-1][1] if msgs else "", False)
            for who, msgs in reversed(self.world.rec.threads.items())
        ]
        self.list_rows(f, "threads", rows, two_line=True)

    def click(self, tag: str, double: bool = False) -> bool:
        return self.text_menu_click(tag) or super().click(tag, double)

    def go(self, *page: str) -> None:
        self.menu_for = None
        super().go(*page)

    def submit(self, tag: str | None) -> bool:
        threads = self.world.rec.threads
        page = self.page
        done = super().submit(tag)
        if page[0] == "thread" and page[1] in threads:
            threads[page[1]] = threads.pop(page[1])  # a sent message makes the conversation the newest
        return done


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class _Plain(PageApp):
    """An app that only has to open (its screen shows its name)."""

    package: tuple[str, str] = ("", "")
    text = ""

    def build(self, f: Flow) -> None:
        f.label(self.title, role="heading")
        f.label(self.text, style="muted")


class DialerApp(_Plain):
    name, title, text = "dialer", "Phone", "Keypad"
    package = ("com.google.android.dialer", "com.google.android.dialer.extensions.GoogleDialtactsActivity")


class _Storage(_Plain):
    """An app that writes into the device's storage (``storage`` is the host directory of ``/``)."""

    storage = None

    def save(self, device_dir: str, name: str, data: bytes = b"\0") -> None:
        if self.storage is None:
            return
        folder = self.storage / device_dir.lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


class ClipperApp(_Plain):
    """Clipper (``ca.zgrs.clipper``): AndroidWorld reads and sets the clipboard through its broadcasts."""

    name, title, text = "clipper", "Clipper", "Clipboard service"
    package = ("ca.zgrs.clipper", "ca.zgrs.clipper.Main")


class CameraApp(_Storage):
    """Camera: the shutter saves ``IMG_n.jpg`` in ``/sdcard/Pictures``, the video button ``VID_n.mp4`` in
    ``/sdcard/Movies`` (the folders AndroidWorld's camera checks list)."""

    name, title, text = "camera", "Camera", "Viewfinder"
    package = ("com.android.camera2", "com.android.camera.CameraLauncher")
    PHOTOS, VIDEOS = "/storage/emulated/0/Pictures", "/storage/emulated/0/Movies"

    def __init__(self, world):
        super().__init__(world)
        self.shots = 0
        self.taken: list[str] = []

    def build(self, f: Flow) -> None:
        super().build(f)
        f.buttons(self.world.order("camera", [("Take photo", "photo"), ("Record video", "video")]))
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        if tag not in ("photo", "video"):
            return False
        self.shots += 1
        self.taken.append(tag)
        stamp = f"20231015_{153400 + self.shots:06d}"
        if tag == "photo":
            self.save(self.PHOTOS, f"IMG_{stamp}.jpg")
            self.notice = "Photo saved"
        else:
            self.save(self.VIDEOS, f"VID_{stamp}.mp4")
            self.notice = "Video saved"
        self.touch()
        return True


class AudioRecorderApp(_Storage):
    """Audio Recorder: Record, Stop, then name the clip; Save writes ``NAME.m4a`` into its records folder."""

    name, title, text = "audiorecorder", "Audio Recorder", "Ready"
    package = ("com.dimowner.audiorecorder", "com.dimowner.audiorecorder.app.welcome.WelcomeActivity")
    RECORDS = "/storage/emulated/0/Android/data/com.dimowner.audiorecorder/files/Music/records"

    def __init__(self, world):
        super().__init__(world)
        self.state, self.count = "idle", 0

    def build(self, f: Flow) -> None:
        f.label(self.title, role="heading")
        if self.state == "idle":
            f.label("Ready", style="muted")
            f.button("Record", "record", accent=True, width=f.w)
        elif self.state == "recording":
            f.label("Recording...", style="muted")
            f.button("Stop", "stop", accent=True, width=f.w)
        else:
            f.field("File name", "clip", self.value("clip"), focused=self.focus == "clip", caption="Name")
            f.buttons([("Save", "save"), ("Discard", "discard")], accent="save")
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        if tag == "record" and self.state == "idle":
            self.state, self.notice = "recording", ""
        elif tag == "stop" and self.state == "recording":
            self.count += 1
            self.state, self.values = "naming", {"clip": f"Record-{self.count}"}
        elif tag == "discard" and self.state == "naming":
            self.state = "idle"
        elif tag == "save" and self.state == "naming":
            name = self.value("clip").strip()
            if not name or set(name) & set('/\\\0:*?"<>|'):
                self.notice = "Enter a file name."
            else:
                self.save(self.RECORDS, f"{name}.m4a")
                self.state, self.notice = "idle", f"Saved {name}.m4a"
        else:
            return False
        self.touch()
        return True


class SimClockApp(ClockApp):
    """The Clock with AndroidWorld's other tabs: a Timer (digits typed on a keypad fill ``00h 00m 00s`` from the
    right, as on Android) and a Stopwatch (Start; Pause and Lap while it runs; Reset when paused). The keypad
    and stopwatch buttons are image buttons whose content description is their name, as in the real app."""

    TABS = (("Alarms", "tab:alarms"), ("Timer", "tab:timer"), ("Stopwatch", "tab:stopwatch"))

    def __init__(self, world):
        super().__init__(world)
        self.clear_state()

    def clear_state(self) -> None:
        """What ``pm clear`` resets: a stopped stopwatch at zero, no timer digits."""
        self.digits, self.timer_started = "", False
        self.watch, self.elapsed = "reset", 0  # reset / running / paused

    def timer_text(self) -> str:
        d = self.digits.rjust(6, "0")
        return f"{d[0:2]}h {d[2:4]}m {d[4:6]}s"

    def page_title(self) -> str:
        return {"timer": "Timer", "stopwatch": "Stopwatch"}.get(self.page[0]) or super().page_title()

    def build(self, f: Flow) -> None:
        kind = self.page[0]
        if kind in ("list", "timer", "stopwatch"):
            selected = {"list": "tab:alarms", "timer": "tab:timer", "stopwatch": "tab:stopwatch"}[kind]
            f.buttons(list(self.TABS), selected=selected)
        if kind == "timer":
            if self.timer_started:
                d = self.digits.rjust(6, "0")
                f.label(f"{d[0:2]}:{d[2:4]}:{d[4:6]}", role="heading")
                f.buttons([("Pause", "timer:pause")], role="icon")
                return
            f.label(self.timer_text(), role="heading")
            for row in (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), ("00", "0", "Delete")):
                f.buttons([(k, f"key:{k}") for k in row], role="icon")
            f.buttons([("Start", "timer:start")], role="icon")
        elif kind == "stopwatch":
            f.label(f"{self.elapsed // 60:02d}:{self.elapsed % 60:02d}.00", role="heading")
            if self.watch == "running":
                f.buttons([("Lap", "sw:lap"), ("Pause", "sw:pause")], role="icon")
            else:
                f.buttons(
                    [("Reset", "sw:reset"), ("Start", "sw:start")] if self.elapsed else [("Start", "sw:start")],
                    role="icon",
                )
        else:
            super().build(f)

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "tab":
            self.pages[:] = [("list",)] if arg == "alarms" else [("list",), (arg,)]
            self.focus, self.notice = None, ""
        elif kind == "key" and self.page[0] == "timer" and not self.timer_started:
            if arg == "Delete":
                self.digits = self.digits[:-1]
            elif len(self.digits) < 6 and (self.digits or arg.strip("0")):
                self.digits = (self.digits + arg)[:6]
        elif tag == "timer:start" and self.digits:
            self.timer_started = True
        elif tag == "timer:pause":
            self.timer_started = False
        elif kind == "sw" and self.page[0] == "stopwatch":
            if arg == "start":
                self.watch = "running"
                self.elapsed += 1
            elif arg == "pause" and self.watch == "running":
                self.watch = "paused"
            elif arg == "reset" and self.watch != "running":
                self.watch, self.elapsed = "reset", 0
            elif arg != "lap":
                return False
        else:
            return super().click(tag, double)
        self.touch()
        return True


PHONE_LABELS = ("Mobile", "Home", "Work", "Other")


class SimContactsApp(ContactsApp):
    """Contacts whose new-contact screen is the real app's: First name, Last name, Phone with its label (a
    drop-down: tapping it lists the labels), Email; Save joins the names."""

    def build(self, f: Flow) -> None:
        if self.page[0] != "new":
            return super().build(f)
        if self.dialog == "label":
            f.label("Phone label", role="heading")
            for label in PHONE_LABELS:
                f.button(label, f"label:{label}", width=f.w)
            return
        for tag, hint in (("first", "First name"), ("last", "Last name"), ("phone", "Phone")):
            f.field(hint, tag, self.value(tag), focused=self.focus == tag)
        f.button(self.value("label") or "Mobile", "pick_label", width=f.w)
        f.field("Email", "email", self.value("email"), focused=self.focus == "email")
        f.button("Save", "save", accent=True, width=f.w)
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "add":
            self.values = {"first": "", "last": "", "phone": "", "email": "", "label": "Mobile"}
            self.go("new")
            return True
        if self.page[0] == "new" and kind == "pick_label":
            self.dialog = "label"
        elif self.page[0] == "new" and kind == "label" and arg in PHONE_LABELS:
            self.values["label"], self.dialog = arg, None
        else:
            return super().click(tag, double)
        self.touch()
        return True

    def submit(self, tag: str | None) -> bool:
        if self.page[0] == "new" and tag is not None:  # Enter in a field moves on, as the keyboard's Next key
            order = ["first", "last", "phone", "email"]
            self.focus = order[order.index(tag) + 1] if tag in order[:-1] else None
            self.touch()
            return True
        if self.page[0] == "new":
            self.values["name"] = f"{self.value('first').strip()} {self.value('last').strip()}".strip()
        return super().submit(tag)


class DrawApp(_Storage):
    """Simple Draw Pro: tapping the canvas draws a stroke; Save asks for a file name and a folder and writes
    the drawing there (``/storage/emulated/0/<folder>/NAME``)."""

    name, title, text = "draw", "Simple Draw Pro", "Canvas"
    package = ("com.simplemobiletools.draw.pro", "com.simplemobiletools.draw.pro.activities.MainActivity")
    FOLDERS = ("Pictures", "Download", "DCIM", "Documents")

    def __init__(self, world):
        super().__init__(world)
        self.strokes, self.target = 0, "Pictures"

    def build(self, f: Flow) -> None:
        if self.dialog == "save":
            f.field("File name", "file", self.value("file"), focused=self.focus == "file", caption="File name")
            f.buttons([(d, f"folder:{d}") for d in self.FOLDERS], selected=f"folder:{self.target}")
            f.buttons([("OK", "do_save"), ("Cancel", "cancel")], accent="do_save")
            if self.notice:
                f.label(self.notice, style="muted")
            return
        f.buttons([("Save", "save"), ("Clear", "clear")])
        f.label(f"{self.strokes} strokes", style="muted")
        f.button("Canvas", "stroke", width=f.w)
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "stroke":
            self.strokes += 1
        elif kind == "clear":
            self.strokes = 0
        elif kind == "save":
            self.dialog, self.values, self.notice = "save", {"file": ""}, ""
        elif kind == "cancel":
            self.dialog = None
        elif kind == "folder" and arg in self.FOLDERS:
            self.target = arg
        elif kind == "do_save" and self.dialog == "save":
            name = self.value("file").strip()
            if not name or set(name) & set('/\\\0:*?"<>|'):
                self.notice = "Enter a file name."
            else:
                self.save(f"/storage/emulated/0/{self.target}", name, b"drawing:%d" % self.strokes)
                self.dialog, self.notice = None, f"Saved {self.target}/{name}"
        else:
            return False
        self.touch()
        return True
