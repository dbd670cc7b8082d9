"""The oracle's goals for the apps this package adds to the simulated phone (Markor, Pro Expense, Broccoli):
each reads the phone's state and returns the next UI intent towards the expected value, closed-loop like
MockGUI's goals (importing this module registers them)."""

from __future__ import annotations

import posixpath

from ...mock_gui import oracle as O
from ...mock_gui.goals import Ctx, Goal, goal

Intent = O.Intent | None


# -- Markor ----------------------------------------------------------------------------------------------------------
def _markor(c: Ctx, name: str = "markor"):
    return c.apps[name]


def _listing(c: Ctx, folder: str, name: str = "markor") -> Intent:
    """Reach the listing of ``folder`` in Markor (or Files); None once there."""
    step = c.app(name)
    if step:
        return step
    app, app_name = _markor(c, name), name
    if app.page[0] not in ("list", "folder"):
        return O.click("shell/up")
    here = app.folder
    if here == folder:
        return None
    if here == "" or folder.startswith(here + "/"):
        rest = folder[len(here) :].lstrip("/")
        sub = rest.split("/")[0]
        dirs, _ = app.entries(here)
        return c.pick(app_name, "files", f"dir:{sub}", dirs.index(sub))
    return O.click("shell/up")


def _open(c: Ctx, rel: str, app_name: str = "markor") -> Intent:
    """Open the editor on ``rel``; None once it is open."""
    app = _markor(c, app_name)
    if c.world.shell.current == app_name and app.page == ("edit", rel) and not app.dialog:
        return None
    if c.world.shell.current == app_name and app.page == ("edit", rel):
        return O.click(f"{app_name}/cancel")
    folder, name = posixpath.split(rel)
    step = _listing(c, folder, app_name)
    if step:
        return step
    dirs, files = app.entries(folder)
    names = [n for n, _ in files]
    return c.pick(app_name, "files", f"file:{name}", len(dirs) + names.index(name))


def _text(app, rel: str) -> str | None:
    path = app.path(rel)
    return path.read_text(errors="replace").rstrip("\n") if path.is_file() else None


def _fill(c: Ctx, name: str, body: str) -> Intent:
    return c.text("markor", "name", name) or c.text("markor", "body", body) or O.click("markor/save")


@goal
class MarkorNote(Goal):
    """``markor_note(rel)``: a note's text (final line break dropped), None when there is no such file."""

    name = "markor_note"

    def value(self, world, rel):
        return _text(world.apps["markor"], rel)

    def achieve(self, c, expected, rel):
        app = _markor(c)
        if expected is None:
            if c.world.shell.current == "markor" and app.page == ("edit", rel):
                return O.click("markor/confirm_delete" if app.dialog == "delete" else "markor/delete")
            return _open(c, rel)
        folder, name = posixpath.split(rel)
        if c.world.shell.current == "markor" and (app.page == ("edit", rel) or app.page == ("new", folder)):
            return _fill(c, name, expected)
        if app.path(rel).exists():
            return _open(c, rel)
        return _listing(c, folder) or O.click("markor/new")


@goal
class MarkorEmpty(Goal):
    """``markor_empty(folder)``: whether ``folder`` holds no notes (deleted together in selection mode)."""

    name = "markor_empty"

    def value(self, world, folder):
        return not world.apps["markor"].entries(folder)[1]

    def achieve(self, c, expected, folder):
        step = _listing(c, folder)
        if step:
            return step
        app = _markor(c)
        if app.dialog == "delete_selected":
            return O.click("markor/confirm_delete")
        if app.selected is None:
            return O.click("markor/select")
        dirs, files = app.entries(folder)
        names = [n for n, _ in files]
        missing = [n for n in names if n not in app.selected]
        if missing:
            return c.pick("markor", "files", f"file:{missing[0]}", len(dirs) + names.index(missing[0]))
        return O.click("markor/delete_selected")


@goal
class MarkorDir(Goal):
    """``markor_dir(rel)``: whether the folder exists."""

    name = "markor_dir"

    def value(self, world, rel):
        return world.apps["markor"].path(rel).is_dir()

    def achieve(self, c, expected, rel):
        app = _markor(c)
        parent, name = posixpath.split(rel)
        if c.world.shell.current == "markor" and app.page == ("newdir", parent):
            return c.text("markor", "dirname", name) or O.click("markor/mkdir")
        return _listing(c, parent) or O.click("markor/newdir")


@goal
class MarkorMoved(Goal):
    """``markor_moved(name, src, dst)``: True once ``dst/name`` exists and ``src/name`` does not."""

    name = "markor_moved"

    def value(self, world, name, src, dst):
        app = world.apps["markor"]
        return app.path(posixpath.join(dst, name)).exists() and not app.path(posixpath.join(src, name)).exists()

    def achieve(self, c, expected, name, src, dst):
        app, rel = _markor(c), posixpath.join(src, name)
        if c.world.shell.current == "markor" and app.page == ("move", rel):
            return c.pick("markor", "dests", f"dest:{dst}", app.folders().index(dst))
        return _open(c, rel) or O.click("markor/move")


@goal
class MarkorRename(Goal):
    """``markor_rename(old, new)``: the text of ``new`` once ``old`` is gone (None before)."""

    name = "markor_rename"

    def value(self, world, old, new):
        app = world.apps["markor"]
        return None if app.path(old).exists() else _text(app, new)

    def achieve(self, c, expected, old, new):
        app = _markor(c)
        if c.world.shell.current == "markor" and app.page in (("edit", old), ("edit", new)):
            return _fill(c, posixpath.basename(new), expected)
        return _open(c, old if app.path(old).exists() else new)


@goal
class StoredFile(Goal):
    """``stored_file(app, rel)``: whether a file exists in Markor's or Files' tree (deleted in that app)."""

    name = "stored_file"

    def value(self, world, app_name, rel):
        return world.apps[app_name].path(rel).exists()

    def achieve(self, c, expected, app_name, rel):
        app = _markor(c, app_name)
        if c.world.shell.current == app_name and app.page == ("edit", rel):
            return O.click(f"{app_name}/confirm_delete" if app.dialog == "delete" else f"{app_name}/delete")
        return _open(c, rel, app_name)


@goal
class StoredMove(Goal):
    """``stored_move(app, name, src, dst)``: True once ``dst/name`` exists and ``src/name`` does not."""

    name = "stored_move"

    def value(self, world, app_name, name, src, dst):
        app = world.apps[app_name]
        return app.path(posixpath.join(dst, name)).exists() and not app.path(posixpath.join(src, name)).exists()

    def achieve(self, c, expected, app_name, name, src, dst):
        app, rel = _markor(c, app_name), posixpath.join(src, name)
        if c.world.shell.current == app_name and app.page == ("move", rel):
            return c.pick(app_name, "dests", f"dest:{dst}", app.folders().index(dst))
        return _open(c, rel, app_name) or O.click(f"{app_name}/move")


@goal
class CameraShots(Goal):
    """``camera_shots(kind)``: photos (``photo``) or videos (``video``) taken since the app was created."""

    name = "camera_shots"

    def value(self, world, kind):
        return world.apps["camera"].taken.count(kind)

    def achieve(self, c, expected, kind):
        return c.app("camera") or O.click(f"camera/{kind}")


@goal
class Recording(Goal):
    """``recording(name)``: whether ``name.m4a`` was saved by Audio Recorder."""

    name = "recording"

    def value(self, world, clip):
        app = world.apps["audiorecorder"]
        return app.storage is not None and (app.storage / app.RECORDS.lstrip("/") / f"{clip}.m4a").exists()

    def achieve(self, c, expected, clip):
        step = c.app("audiorecorder")
        if step:
            return step
        app = c.apps["audiorecorder"]
        if app.state == "naming":
            return c.text("audiorecorder", "clip", clip) or O.click("audiorecorder/save")
        return O.click("audiorecorder/stop" if app.state == "recording" else "audiorecorder/record")


# -- table apps (Pro Expense, Broccoli) ------------------------------------------------------------------------------
def _row_matches(app, row: dict, want: dict) -> bool:
    return all(str(row.get(k) or "") == str(v or "") for k, v in want.items())


def _to_list(c: Ctx, name: str) -> Intent:
    step = c.app(name)
    if step:
        return step
    return None if c.apps[name].page == ("list",) else O.click("shell/up")


@goal
class RecordPresent(Goal):
    """``record(app, columns)``: whether a row with these column values exists."""

    name = "record"

    def value(self, world, name, want):
        app = world.apps[name]
        return any(_row_matches(app, r, want) for r in app.rows)

    def achieve(self, c, expected, name, want):
        app = c.apps[name]
        if c.world.shell.current == name and app.page == ("new",):
            for col, text in app.form_values({**app.defaults(), **want, app.key: 0}).items():
                step = c.text(name, col, text)
                if step:
                    return step
            return O.click(f"{name}/save")
        return _to_list(c, name) or O.click(f"{name}/add")


@goal
class RecordGone(Goal):
    """``record_gone(app, key)``: True once the row with this primary key is deleted."""

    name = "record_gone"

    def value(self, world, name, key):
        return world.apps[name].find(key) is None

    def achieve(self, c, expected, name, key):
        app = c.apps[name]
        if c.world.shell.current == name and app.page == ("detail", str(key)):
            return O.click(f"{name}/confirm_delete" if app.dialog == "delete" else f"{name}/delete")
        step = _to_list(c, name)
        if step:
            return step
        keys = [r[app.key] for r in app.ordered()]
        return c.pick(name, "rows", f"row:{key}", keys.index(key))


@goal
class RecordsGone(Goal):
    """``records_gone(app, keys)``: True once none of these rows is left (deleted together in selection mode)."""

    name = "records_gone"

    def value(self, world, name, keys):
        return all(world.apps[name].find(k) is None for k in keys)

    def achieve(self, c, expected, name, keys):
        step = _to_list(c, name)
        if step:
            return step
        app = c.apps[name]
        if app.dialog == "delete_selected":
            return O.click(f"{name}/confirm_delete")
        if app.selected is None:
            return O.click(f"{name}/select")
        order = [r[app.key] for r in app.ordered()]
        missing = [k for k in keys if app.find(k) is not None and k not in app.selected]
        if missing:
            return c.pick(name, "rows", f"row:{missing[0]}", order.index(missing[0]))
        return O.click(f"{name}/delete_selected")


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
