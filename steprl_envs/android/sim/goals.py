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


from . import goals_apps as _apps  # noqa: E402, F401 - registers the other apps' goals
