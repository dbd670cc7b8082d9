"""Markor on the simulated phone: a notes app whose notes are real files in the device's storage
(``/storage/emulated/0/Documents/Markor``, AndroidWorld's ``MARKOR_DATA``), so ``adb push`` / ``pull`` / ``ls``
and the app see the same files, as on a device.

Pages: a folder listing (sub-folders first, then notes with their modification time), a new-note form (name and
text), a new-folder form, a note editor (name, text, Save, Delete, Move) and a destination picker for Move."""

from __future__ import annotations

import os
import posixpath
import shutil
import time
from pathlib import Path

from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.layout import Flow
from .records import fitted_rows
from .system_apps import TextMenu

MARKOR_DIR = "/storage/emulated/0/Documents/Markor"
PACKAGE = ("net.gsantner.markor", "net.gsantner.markor.activity.MainActivity")
#: a name is one path component of printable characters
BAD_NAME = set('/\\\0:*?"<>|')


def valid_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not (set(name) & BAD_NAME) and len(name) <= 120


class MarkorApp(TextMenu, PageApp):
    name, title = "markor", "Markor"
    package = PACKAGE
    multiline = frozenset({"body"})

    def __init__(self, world, root: Path | None = None):
        super().__init__(world)
        self.root = root  # the host directory that is MARKOR_DIR; None: an empty, read-only Markor
        self.selected: list[str] | None = None  # selection mode on a listing: the chosen notes
        self.fit: dict[str, int] = {}

    def list_rows(self, f: Flow, tag: str, rows, **kw):
        return fitted_rows(self, super().list_rows, f, tag, rows, **kw)

    # -- files -------------------------------------------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel if rel else self.root

    def entries(self, folder: str) -> tuple[list[str], list[tuple[str, float]]]:
        """(sub-folders, [(note, mtime)]) of ``folder`` (relative to the Markor directory)."""
        base = self.path(folder) if self.root else None
        if base is None or not base.is_dir():
            return [], []
        dirs, files = [], []
        for child in sorted(base.iterdir(), key=lambda p: p.name.lower()):
            if child.is_dir():
                dirs.append(child.name)
            else:
                files.append((child.name, child.stat().st_mtime))
        return dirs, files

    def folders(self) -> list[str]:
        """Every folder (relative; ``""`` is the Markor directory itself)."""
        if self.root is None or not self.root.is_dir():
            return [""]
        out = [""]
        for dirpath, dirnames, _ in os.walk(self.root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, self.root)
            out += [posixpath.join(rel, d) if rel != "." else d for d in dirnames]
        return out

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(errors="replace")

    def write(self, rel: str, text: str) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    # -- pages -------------------------------------------------------------------------------------------------
    @property
    def folder(self) -> str:
        page = self.page
        if page[0] == "list":
            return ""
        return page[1] if page[0] in ("folder", "new", "newdir") else posixpath.dirname(page[1])

    def page_title(self) -> str:
        kind = self.page[0]
        if kind in ("list", "folder"):
            return "Markor" + (f" / {self.folder}" if self.folder else "")
        return {"new": "New note", "newdir": "New folder", "edit": "Edit note", "move": "Move to"}[kind]

    def build(self, f: Flow) -> None:
        kind = self.page[0]
        if kind in ("list", "folder"):
            sel = self.selected
            if sel is None:
                f.buttons([("New note", "new"), ("New folder", "newdir"), ("Select", "select")], accent="new")
            else:
                f.buttons([(f"Delete ({len(sel)})", "delete_selected"), ("Cancel", "unselect")])
            if self.dialog == "delete_selected":
                f.label(f"Delete {len(sel or ())} notes?", role="heading")
                f.buttons([("Delete", "confirm_delete"), ("Cancel", "cancel")], accent="confirm_delete")
            dirs, files = self.entries(self.folder)
            rows = [(f"dir:{d}", f"{d}/", "Folder", False) for d in dirs]
            rows += [
                (f"file:{n}", n, time.strftime("%Y-%m-%d %H:%M", time.gmtime(m)), sel is not None and n in sel)
                for n, m in files
            ]
            self.list_rows(f, "files", rows, two_line=True)
        elif kind == "new":
            f.field("File name", "name", self.value("name"), focused=self.focus == "name", caption="Name")
            f.field("Text", "body", self.value("body"), focused=self.focus == "body", lines=5, caption="Text")
            f.button("Save", "save", accent=True, width=f.w)
        elif kind == "newdir":
            f.field("Folder name", "dirname", self.value("dirname"), focused=self.focus == "dirname", caption="Name")
            f.button("Create", "mkdir", accent=True, width=f.w)
        elif kind == "edit" and self.dialog == "delete":
            f.label(f"Delete {posixpath.basename(self.page[1])}?", role="heading")
            f.buttons([("Delete", "confirm_delete"), ("Cancel", "cancel")], accent="confirm_delete")
        elif kind == "edit":
            f.field("File name", "name", self.value("name"), focused=self.focus == "name", caption="Name")
            f.field("Text", "body", self.value("body"), focused=self.focus == "body", lines=5, caption="Text")
            f.buttons(self.world.order("markor.edit", [("Save", "save"), ("Move", "move"), ("Delete", "delete")]))
        elif kind == "move":
            rows = [(f"dest:{d}", f"Markor/{d}" if d else "Markor", "", False) for d in self.folders()]
            self.list_rows(f, "dests", rows)
        if kind in ("new", "edit"):
            self.build_text_menu(f)
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        if self.text_menu_click(tag):
            return True
        kind, _, arg = tag.partition(":")
        page = self.page
        if kind == "select" and page[0] in ("list", "folder"):
            self.selected = []
        elif kind == "unselect":
            self.selected, self.dialog = None, None
        elif kind == "file" and self.selected is not None:
            self.selected = [n for n in self.selected if n != arg] + ([] if arg in self.selected else [arg])
        elif kind == "delete_selected" and self.selected:
            self.dialog = "delete_selected"
        elif kind == "confirm_delete" and self.dialog == "delete_selected":
            for name in self.selected:
                self.path(posixpath.join(self.folder, name)).unlink(missing_ok=True)
            self.selected, self.dialog = None, None
        elif kind == "dir":
            self.selected = None
            self.go("folder", posixpath.join(self.folder, arg))
        elif kind == "file":
            rel = posixpath.join(self.folder, arg)
            self.values = {"name": arg, "body": self.read(rel)}
            self.go("edit", rel)
        elif kind == "new":
            self.values = {"name": "", "body": ""}
            self.go("new", self.folder)
        elif kind == "newdir":
            self.values = {"dirname": ""}
            self.go("newdir", self.folder)
        elif kind == "mkdir":
            return self._mkdir()
        elif kind == "save":
            return self._save()
        elif kind == "delete" and page[0] == "edit":
            self.dialog = "delete"
        elif kind == "cancel":
            self.dialog = None
        elif kind == "confirm_delete" and page[0] == "edit":
            self.path(page[1]).unlink(missing_ok=True)
            self.dialog = None
            self.up()
        elif kind == "move" and page[0] == "edit":
            self.go("move", page[1])
        elif kind == "dest" and page[0] == "move":
            src = self.path(page[1])
            dest = self.path(arg) / src.name
            if dest.exists():
                self.notice = f"{arg or 'Markor'} already has a file called {src.name}."
            else:
                shutil.move(src, dest)
                self.up(2)
        else:
            return False
        self.touch()
        return True

    def back(self) -> bool:
        if self.selected is not None and not self.dialog:
            self.selected = None
            self.touch()
            return True
        return super().back()

    def go(self, *page: str) -> None:
        self.selected, self.menu_for = None, None
        super().go(*page)

    def submit(self, tag: str | None) -> bool:
        if self.page[0] == "newdir":
            return self._mkdir()
        return False

    def _mkdir(self) -> bool:
        name = self.value("dirname").strip()
        if not valid_name(name):
            self.notice = 'Enter a folder name (no / \\ : * ? " < > |).'
        elif self.path(posixpath.join(self.page[1], name)).exists():
            self.notice = f"{name} already exists."
        else:
            self.path(posixpath.join(self.page[1], name)).mkdir(parents=True)
            self.up()
            return True
        self.touch()
        return True

    def _save(self) -> bool:
        name = self.value("name").strip()
        page = self.page
        folder = page[1] if page[0] == "new" else posixpath.dirname(page[1])
        rel = posixpath.join(folder, name)
        if not valid_name(name):
            self.notice = 'Enter a file name (no / \\ : * ? " < > |).'
        elif self.path(rel).exists() and (page[0] == "new" or rel != page[1]):
            self.notice = f"{name} already exists."
        else:
            if page[0] == "edit" and rel != page[1]:
                self.path(page[1]).unlink(missing_ok=True)
            self.write(rel, self.value("body"))
            self.up()
            return True
        self.touch()
        return True


class FilesApp(MarkorApp):
    """Files (``com.google.android.documentsui``): the same browser over the whole shared storage."""

    name, title = "files", "Files"
    package = ("com.google.android.documentsui", "com.android.documentsui.files.FilesActivity")

    def page_title(self) -> str:
        title = super().page_title()
        return title.replace("Markor", "Files", 1) if title.startswith("Markor") else title
