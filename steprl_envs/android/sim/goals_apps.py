"""The oracle's goals for the sim's system-side apps and the media apps: Settings' brightness, the app in
front, SMS resend, Clock's stopwatch and timer, the new-contact form, the clipboard (long-press menus), VLC and
Retro Music playlists, Simple Draw Pro (imported by :mod:`.goals`, which registers them)."""

from __future__ import annotations

from ...mock_gui import oracle as O
from ...mock_gui.goals import Ctx, Goal, goal
from .goals import _listing, _markor, _text

Intent = O.Intent | None


# -- system ----------------------------------------------------------------------------------------------------------
@goal
class Brightness(Goal):
    """``brightness()``: the Settings brightness level (1-10), set with the slider."""

    name = "brightness"

    def value(self, world):
        return world.apps["settings"].settings["brightness"]

    def achieve(self, c, expected):
        step = c.app("settings")
        if step:
            return step
        if not c.page("settings", "cat", "Display"):
            return O.click("settings/cat:Display") if c.page("settings", "list") else O.click("shell/up")
        return O.click(f"settings/level:{expected}")


@goal
class Foreground(Goal):
    """``foreground()``: the app on the screen (None on the home screen)."""

    name = "foreground"

    def value(self, world):
        return world.shell.current

    def achieve(self, c, expected):
        return c.app(expected)


@goal
class SmsCount(Goal):
    """``sms_count(to, body)``: how many times ``body`` was sent to ``to``."""

    name = "sms_count"

    def value(self, world, to, body):
        return world.rec.threads.get(to, []).count(("out", body))

    def achieve(self, c, expected, to, body):
        from ...mock_gui.goals import GOALS

        app = c.apps["messages"]
        if c.world.shell.current == "messages" and app.page == ("thread", to):
            return c.text("messages", "draft", body) or O.click("messages/send")
        return GOALS["sms"].achieve(c, body, to)


def _clock_tab(c: Ctx, tab: str) -> Intent:
    step = c.app("clock")
    if step:
        return step
    app = c.apps["clock"]
    if app.page[0] == tab:
        return None
    if app.page[0] in ("list", "timer", "stopwatch"):
        return O.click(f"clock/tab:{tab}")
    return O.click("shell/up")


@goal
class Stopwatch(Goal):
    """``stopwatch()``: the stopwatch's state when it is on the screen (``running`` / ``paused`` / ``reset``)."""

    name = "stopwatch"

    def value(self, world):
        app = world.apps["clock"]
        return app.watch if world.shell.current == "clock" and app.page[0] == "stopwatch" else None

    def achieve(self, c, expected):
        step = _clock_tab(c, "stopwatch")
        if step:
            return step
        watch = c.apps["clock"].watch
        if expected == "running":
            return O.click("clock/sw:start")
        return O.click("clock/sw:pause" if watch == "running" else "clock/sw:reset")


@goal
class TimerEntry(Goal):
    """``timer()``: the timer's ``00h 00m 00s`` text when the (not started) timer is on the screen."""

    name = "timer"

    def value(self, world):
        app = world.apps["clock"]
        on = world.shell.current == "clock" and app.page[0] == "timer" and not app.timer_started
        return app.timer_text() if on else None

    def achieve(self, c, expected):
        step = _clock_tab(c, "timer")
        if step:
            return step
        app = c.apps["clock"]
        if app.timer_started:
            return O.click("clock/timer:pause")
        want = expected.replace("h", "").replace("m", "").replace("s", "").replace(" ", "").lstrip("0")
        if not want.startswith(app.digits):
            return O.click("clock/key:Delete")
        return O.click(f"clock/key:{want[len(app.digits)]}")


@goal
class NewContact(Goal):
    """``new_contact(first, last, phone, label)``: the new-contact form shows these values (not saved)."""

    name = "new_contact"

    def value(self, world, first, last, phone, label):
        app = world.apps["contacts"]
        if world.shell.current != "contacts" or app.page[0] != "new" or app.dialog:
            return False
        return [app.value(t) for t in ("first", "last", "phone", "label")] == [first, last, phone, label]

    def achieve(self, c, expected, first, last, phone, label):
        step = c.app("contacts")
        if step:
            return step
        app = c.apps["contacts"]
        if app.page[0] != "new":
            return O.click("contacts/add") if app.page == ("list",) else O.click("shell/up")
        if app.dialog == "label":
            return O.click(f"contacts/label:{label}")
        for tag, text in (("first", first), ("last", last), ("phone", phone)):
            step = c.text("contacts", tag, text)
            if step:
                return step
        return O.click("contacts/pick_label")


@goal
class SavedContact(Goal):
    """``saved_contact(first, last, phone)``: the phone number of the contact ``first last`` (None if none)."""

    name = "saved_contact"

    def value(self, world, first, last, phone):
        person = world.rec.contact(f"{first} {last}")
        return person.phone if person else None

    def achieve(self, c, expected, first, last, phone):
        step = c.app("contacts")
        if step:
            return step
        app = c.apps["contacts"]
        if app.page[0] != "new":
            return O.click("contacts/add") if app.page == ("list",) else O.click("shell/up")
        for tag, text in (("first", first), ("last", last), ("phone", phone)):
            step = c.text("contacts", tag, text)
            if step:
                return step
        return O.click("contacts/save")


# -- clipboard -------------------------------------------------------------------------------------------------------
def long_press(uid: str) -> O.Intent:
    return O.Intent("long", uid)


def _paste_into(c: Ctx, app_name: str, tag: str) -> Intent:
    """Long-press the field, then Paste."""
    app = c.apps[app_name]
    return O.click(f"{app_name}/menu:paste") if app.menu_for == tag else long_press(f"{app_name}/{tag}")


@goal
class Clipboard(Goal):
    """``clipboard()``: the clipboard's text; set by typing it into a new Markor note and copying it."""

    name = "clipboard"

    def value(self, world):
        return world.clipboard.rstrip("\n")  # the line break that typing ends with is copied too

    def achieve(self, c, expected):
        app = _markor(c)
        if c.world.shell.current == "markor" and app.page[0] == "new":
            if app.value("body") != expected:
                return O.text("markor/body", expected)
            return O.click("markor/menu:copy") if app.menu_for == "body" else long_press("markor/body")
        return _listing(c, "") or O.click("markor/new")


@goal
class PastedNote(Goal):
    """``pasted_note(name)``: a Markor note's text, created by pasting the clipboard into a new note."""

    name = "pasted_note"

    def value(self, world, rel):
        return _text(world.apps["markor"], rel)

    def achieve(self, c, expected, rel):
        app = _markor(c)
        if c.world.shell.current == "markor" and app.page[0] == "new":
            step = c.text("markor", "name", rel)
            if step:
                return step
            if app.value("body") != expected:
                return _paste_into(c, "markor", "body")
            return O.click("markor/save")
        return _listing(c, "") or O.click("markor/new")


@goal
class PastedSms(Goal):
    """``pasted_sms(to)``: the last message sent to ``to``, written by pasting the clipboard."""

    name = "pasted_sms"

    def value(self, world, to):
        out = [text for direction, text in world.rec.threads.get(to, []) if direction == "out"]
        return out[-1] if out else None

    def achieve(self, c, expected, to):
        from ...mock_gui.goals import GOALS

        app = c.apps["messages"]
        if c.world.shell.current == "messages" and app.page == ("thread", to):
            if app.value("draft") != expected:
                return _paste_into(c, "messages", "draft")
            return O.click("messages/send")
        return GOALS["sms"].achieve(c, expected, to)


@goal
class VlcPlaylist(Goal):
    """``vlc_playlist(name, files)``: whether VLC has a playlist ``name`` holding ``files`` in this order."""

    name = "vlc_playlist"

    def value(self, world, name, files):
        return any(n == name and f == list(files) for n, f in world.apps["vlc"].playlists)

    def achieve(self, c, expected, name, files):
        step = c.app("vlc")
        if step:
            return step
        app = c.apps["vlc"]
        if app.page[0] != "new":
            return O.click("vlc/new") if app.page == ("list",) else O.click("shell/up")
        step = c.text("vlc", "name", name)
        if step:
            return step
        if app.chosen != list(files[: len(app.chosen)]):
            return O.click("vlc/clear")
        if len(app.chosen) == len(files):
            return O.click("vlc/save")
        nxt = files[len(app.chosen)]
        return c.pick("vlc", "videos", f"add:{nxt}", app.videos().index(nxt))


def _retro_page(c: Ctx, *page: str) -> Intent:
    """Reach a Retro Music page: ``("list",)``, ``("playlists",)`` or ``("new",)``."""
    step = c.app("retro")
    if step:
        return step
    app = c.apps["retro"]
    if app.page == page:
        return None
    if page == ("list",):
        return O.click("shell/up")
    if app.page == ("list",):
        return O.click("retro/playlists")
    if app.page == ("playlists",) and page == ("new",):
        return O.click("retro/new")
    return O.click("shell/up")


@goal
class RetroPlaylist(Goal):
    """``retro_playlist(name, titles)``: whether Retro Music has playlist ``name`` with these songs in order."""

    name = "retro_playlist"

    def value(self, world, name, titles):
        return any(n == name and s == list(titles) for n, s in world.apps["retro"].playlists)

    def achieve(self, c, expected, name, titles):
        app = c.apps["retro"]
        step = _retro_page(c, "new") if app.page[0] != "new" else c.app("retro")
        if step:
            return step
        step = c.text("retro", "name", name)
        if step:
            return step
        if app.chosen != list(titles[: len(app.chosen)]):
            return O.click("retro/clear")
        if len(app.chosen) == len(titles):
            return O.click("retro/save")
        nxt = titles[len(app.chosen)]
        return c.pick("retro", "pick", f"add:{nxt}", [t for t, _, _ in app.songs()].index(nxt))


@goal
class RetroExported(Goal):
    """``retro_exported(name)``: whether ``Download/NAME.m3u`` exists (Export on the playlist's page)."""

    name = "retro_exported"

    def value(self, world, name):
        app = world.apps["retro"]
        return app.root is not None and (app.root / "Download" / f"{name}.m3u").exists()

    def achieve(self, c, expected, name):
        app = c.apps["retro"]
        names = [n for n, _ in app.playlists]
        if c.world.shell.current == "retro" and app.page[:2] == ("playlist", name):
            return O.click("retro/export")
        step = _retro_page(c, "playlists")
        if step:
            return step
        return c.pick("retro", "playlists", f"playlist:{names.index(name)}", names.index(name))


@goal
class RetroQueue(Goal):
    """``retro_queue()``: the playing queue's titles; songs are added from their pages."""

    name = "retro_queue"

    def value(self, world):
        return list(world.apps["retro"].queue)

    def achieve(self, c, expected):
        step = c.app("retro")
        if step:
            return step
        app = c.apps["retro"]
        if app.queue != list(expected[: len(app.queue)]):
            return None  # a wrong queue cannot be undone here
        nxt = expected[len(app.queue)]
        if app.page == ("song", nxt):
            return O.click("retro/enqueue")
        if app.page != ("list",):
            return O.click("shell/up")
        return c.pick("retro", "songs", f"song:{nxt}", [t for t, _, _ in app.songs()].index(nxt))


@goal
class Drawing(Goal):
    """``drawing(folder, name)``: whether Simple Draw Pro saved ``name`` in ``folder`` (after drawing a stroke)."""

    name = "drawing"

    def value(self, world, folder, file):
        app = world.apps["draw"]
        return app.storage is not None and (app.storage / "storage/emulated/0" / folder / file).exists()

    def achieve(self, c, expected, folder, file):
        step = c.app("draw")
        if step:
            return step
        app = c.apps["draw"]
        if app.dialog != "save":
            return O.click("draw/stroke") if app.strokes == 0 else O.click("draw/save")
        step = c.text("draw", "file", file)
        if step:
            return step
        return O.click(f"draw/folder:{folder}") if app.target != folder else O.click("draw/do_save")
