"""Joplin's database on the simulated phone: ``joplin.sqlite`` with the ``notes`` table (``is_todo``,
``todo_completed``, ``parent_id`` naming a folder) and the ``folders`` table, generated from the notes app and
read back when pushed; and the notes list that shows each note's kind (note / to-do) and folder."""

from __future__ import annotations

import hashlib
import sqlite3

from ...mock_gui.apps.notes import NotesApp
from ...mock_gui.data import Note
from ...mock_gui.layout import Flow
from .sqlite_files import database_bytes, opened_database

SCHEMA = (
    "CREATE TABLE notes (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', "
    "body TEXT NOT NULL DEFAULT '', created_time INT NOT NULL, updated_time INT NOT NULL, is_todo INT NOT NULL "
    "DEFAULT 0, todo_due INT NOT NULL DEFAULT 0, todo_completed INT NOT NULL DEFAULT 0)",
    "CREATE TABLE folders (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', created_time INT NOT NULL, "
    "updated_time INT NOT NULL, parent_id TEXT NOT NULL DEFAULT '')",
)


def folder_id(title: str) -> str:
    """A stable 32-hex id for a folder title ('' for no folder)."""
    return hashlib.md5(f"folder:{title}".encode()).hexdigest() if title else ""


class SimNotesApp(NotesApp):
    """Joplin: the list shows each note's title and whether it is a to-do, and its folder."""

    def __init__(self, world):
        super().__init__(world)
        self.meta: dict[int, tuple[bool, str]] = {}  # note id -> (is a to-do, folder title)

    def build(self, f: Flow) -> None:
        if self.page[0] != "list":
            return super().build(f)
        f.button("New note", "new", accent=True, width=f.w)
        rows = []
        for n in self.world.rec.notes:
            todo, folder = self.meta.get(n.id, (False, ""))
            kind = "To-do" if todo else "Note"
            rows.append((f"note:{n.id}", n.title, f"{kind} · {folder}" if folder else kind, False))
        self.list_rows(f, "notes", rows, two_line=True)


def database(app: SimNotesApp) -> bytes:
    notes = app.world.rec.notes

    def fill(con: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            con.execute(statement)
        folders = sorted({app.meta.get(n.id, (False, ""))[1] for n in notes} - {""})
        con.executemany(
            "INSERT INTO folders (id, title, created_time, updated_time) VALUES (?, ?, 1697384040000, 1697384040000)",
            [(folder_id(t), t) for t in folders],
        )
        con.executemany(
            "INSERT INTO notes (id, parent_id, title, body, created_time, updated_time, is_todo) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"{n.id:032x}",
                    folder_id(app.meta.get(n.id, (False, ""))[1]),
                    n.title,
                    n.body,
                    1697384040000 + n.id,
                    1697384040000 + n.id,
                    int(app.meta.get(n.id, (False, ""))[0]),
                )
                for n in notes
            ],
        )

    return database_bytes(fill)


def load(app: SimNotesApp, data: bytes) -> None:
    """Take a pushed ``joplin.sqlite`` into the app (a table or column it lacks counts as empty)."""
    with opened_database(data) as con:
        cols = {r[1] for r in con.execute("PRAGMA table_info(notes)")}
        todo = "is_todo" if "is_todo" in cols else "0"
        rows = con.execute(f"SELECT title, body, {todo}, parent_id FROM notes ORDER BY created_time, rowid").fetchall()
        has_folders = con.execute("SELECT name FROM sqlite_master WHERE name='folders'").fetchone()
        folders = dict(con.execute("SELECT id, title FROM folders").fetchall()) if has_folders else {}
    app.world.rec.notes[:] = [Note(i + 1, title, body) for i, (title, body, _, _) in enumerate(rows)]
    app.meta = {i + 1: (bool(t), folders.get(parent or "", "")) for i, (_, _, t, parent) in enumerate(rows)}
