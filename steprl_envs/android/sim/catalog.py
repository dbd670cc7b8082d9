"""The sim phone's identities and conventions: its apps' Android packages and activities, storage paths, settings
keys and their encodings, key codes, the argument style of Android's shell tools, and the error a tool fails with."""

from __future__ import annotations

from . import joplin, retro, vlc
from .markor import PACKAGE as MARKOR_PACKAGE
from .markor import FilesApp, MarkorApp
from .records import ExpenseApp, RecipeApp
from .system_apps import (
    AudioRecorderApp,
    CameraApp,
    ClipperApp,
    DialerApp,
    DrawApp,
    SimClockApp,
    SimContactsApp,
    SimMessagesApp,
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


def encode_setting(kind: str, value) -> str:
    if kind == "bool":
        return "1" if value else "0"
    if kind == "night":
        return "2" if value else "1"
    if kind == "location":
        return "3" if value else "0"
    return str(1 + (int(value) - 1) * 254 // 9)  # brightness level 1..10 -> 1..255


def decode_setting(kind: str, raw: str):
    if kind == "brightness":
        return min(10, max(1, round(1 + (int(float(raw)) - 1) * 9 / 254)))
    if kind == "night":
        return raw.strip() == "2"
    return raw.strip() not in ("0", "", "null")


def keycode(code: str) -> int:
    name = code.upper().removeprefix("KEYCODE_")
    if name.isdigit():
        return int(name)
    if name in KEYCODES:
        return KEYCODES[name]
    raise ValueError(f"unknown keycode {code!r}")


def shell_options(args: list[str], flags: set[str] = frozenset(), multi: set[str] = frozenset()) -> dict:
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
