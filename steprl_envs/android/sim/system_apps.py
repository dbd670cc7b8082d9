"""System apps of the simulated phone for AndroidWorld's system tasks: Settings with a brightness slider (a
row of levels; a tap sets the level, as a tap on Android's slider does), and the Camera and Phone (dialer)
apps, which the open-app tasks only need to bring to the front."""

from __future__ import annotations

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


class SimMessagesApp(MessagesApp):
    """Simple SMS Messenger: conversations newest first, named after the contact that has the number."""

    def build(self, f: Flow) -> None:
        if self.page[0] != "list":
            return super().build(f)
        f.button("New message", "new", accent=True, width=f.w)
        names = {_digits(c.phone): c.name for c in self.world.rec.contacts}
        rows = [
            (f"thread:{who}", names.get(_digits(who), who) if _digits(who) else who, msgs[-1][1] if msgs else "", False)
            for who, msgs in reversed(self.world.rec.threads.items())
        ]
        self.list_rows(f, "threads", rows, two_line=True)

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


class CameraApp(_Plain):
    name, title, text = "camera", "Camera", "Viewfinder"
    package = ("com.android.camera2", "com.android.camera.CameraLauncher")


class DialerApp(_Plain):
    name, title, text = "dialer", "Phone", "Keypad"
    package = ("com.google.android.dialer", "com.google.android.dialer.extensions.GoogleDialtactsActivity")
