"""Text editor: one document, a File menu (New, Open, Save, Save As) and an Edit menu."""

from __future__ import annotations

from ..data import FOLDERS
from ..layout import Flow
from .base import App


class EditorApp(App):
    name, title = "editor", "Text Editor"
    size = (600, 420)
    menus = {
        "File": [("New", "new"), ("Open...", "open"), ("Save", "save"), ("Save As...", "saveas")],
        "Edit": [("Select All", "selectall"), ("Clear", "clear")],
    }
    multiline = frozenset({"doc"})
    dialog_size = (420, 300)

    def __init__(self, world):
        super().__init__(world)
        self.path: tuple[str, str] | None = None
        self.saved = ""
        self.target = "Documents"

    @property
    def dirty(self) -> bool:
        return self.value("doc") != self.saved

    def load(self, folder: str, name: str) -> None:
        self.path = (folder, name)
        self.values["doc"] = self.saved = self.world.rec.fs[folder][name]
        self.dialog, self.focus, self.notice = None, None, ""
        self.touch()

    def build(self, f: Flow) -> None:
        name = self.path[1] if self.path else "Untitled"
        f.label(f"{name}{' (modified)' if self.dirty else ''}", style="muted")
        lines = max(3, (f.room() - f.t.pad) // f.t.row)
        f.field("Start typing...", "doc", self.value("doc"), focused=self.focus == "doc", lines=lines)

    def build_dialog(self, f: Flow) -> None:
        if self.dialog == "saveas":
            f.label("Save as", role="heading")
            f.field("File name", "saveas_name", self.value("saveas_name"), focused=self.focus == "saveas_name")
            f.buttons([(p, f"folder:{p}") for p in FOLDERS], selected=f"folder:{self.target}")
            if self.notice:
                f.label(self.notice, style="muted")
            f.buttons(self.world.order("editor.save", [("Save", "do_save"), ("Cancel", "cancel")]), accent="do_save")
        elif self.dialog == "open":
            f.label("Open file", role="heading")
            rows = [(f"open:{p}/{n}", f"{p}/{n}", "", False) for p in FOLDERS for n in sorted(self.world.rec.fs[p])]
            self.list_rows(f, "openlist", rows, height=f.room() - f.t.row - f.t.gap)
            f.buttons([("Cancel", "cancel")])

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "new":
            self.path, self.saved, self.values["doc"] = None, "", ""
        elif kind == "open":
            if arg:
                folder, _, name = arg.partition("/")
                self.load(folder, name)
                return True
            self.dialog = "open"
            self.offsets["openlist"] = 0
        elif kind == "save" and self.path is not None:
            folder, name = self.path
            self.world.rec.fs[folder][name] = self.saved = self.value("doc")
            self.world.files_changed()
        elif kind in ("save", "saveas"):
            self.dialog, self.notice = "saveas", ""
            self.values["saveas_name"] = self.path[1] if self.path else ""
            self.target = self.path[0] if self.path else "Documents"
            self.focus_field("saveas_name", select_all=True)
        elif kind == "selectall":
            self.focus_field("doc", select_all=True)
        elif kind == "clear":
            self.values["doc"] = ""
        elif kind == "folder":
            self.target = arg
        elif kind == "do_save":
            return self.submit("saveas_name")
        elif kind == "cancel":
            self.dialog, self.focus, self.notice = None, None, ""
        else:
            return False
        self.touch()
        return True

    def submit(self, tag: str | None) -> bool:
        if self.dialog != "saveas":
            return False
        name = self.value("saveas_name").strip()
        if not name or "/" in name:
            self.notice = "Enter a valid file name."
        else:
            self.world.rec.fs[self.target][name] = self.saved = self.value("doc")
            self.world.files_changed()
            self.path, self.dialog, self.focus, self.notice = (self.target, name), None, None, ""
        self.touch()
        return True
