"""Notes: a list of notes and an editor page with title, body, Save and Delete."""

from __future__ import annotations

from ..data import Note, next_id
from ..layout import Flow
from .phone_base import PageApp


class NotesApp(PageApp):
    name, title = "notes", "Notes"
    multiline = frozenset({"body"})

    def find(self, note_id: int) -> Note | None:
        return next((n for n in self.world.rec.notes if n.id == note_id), None)

    def page_title(self) -> str:
        return "Notes" if self.page[0] == "list" else ("New note" if self.page[0] == "new" else "Edit note")

    def build(self, f: Flow) -> None:
        if self.page[0] == "list":
            f.button("New note", "new", accent=True, width=f.w)
            rows = [(f"note:{n.id}", n.title, n.body.split("\n")[0], False) for n in self.world.rec.notes]
            self.list_rows(f, "notes", rows, two_line=True)
            return
        f.field("Title", "title", self.value("title"), focused=self.focus == "title", caption="Title")
        f.field("Note", "body", self.value("body"), focused=self.focus == "body", lines=4, caption="Text")
        f.buttons([("Save", "save")] + ([("Delete", "delete")] if self.page[0] == "note" else []), accent="save")
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        notes = self.world.rec.notes
        if kind == "new":
            self.values = {"title": "", "body": ""}
            self.go("new")
        elif kind == "note":
            note = self.find(int(arg))
            self.values = {"title": note.title, "body": note.body}
            self.go("note", arg)
        elif kind == "delete":
            notes.remove(self.find(int(self.page[1])))
            self.up()
        elif kind == "save":
            title = self.value("title").strip()
            if not title:
                self.notice = "A note needs a title."
                self.touch()
                return True
            if self.page[0] == "new":
                notes.append(Note(next_id(notes), title, self.value("body")))
            else:
                note = self.find(int(self.page[1]))
                note.title, note.body = title, self.value("body")
            self.up()
        else:
            return False
        return True
