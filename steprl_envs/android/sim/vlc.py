"""VLC on the simulated phone: the videos are the files of ``/storage/emulated/0/VLCVideos`` (its media
library), the playlists live in ``app_db/vlc_media.db`` (tables ``Media``, ``Playlist`` and
``PlaylistMediaRelation`` with a 0-based ``position``), generated when pulled and read back when pushed.

Pages: the playlists, and a new-playlist page (a name, the videos to tap in order, Clear and Save)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.layout import Flow
from .sqlite_files import database_bytes, opened_database

VIDEOS_DIR = "/storage/emulated/0/VLCVideos"
DB_PATH = "/data/data/org.videolan.vlc/app_db/vlc_media.db"
SCHEMA = (
    "CREATE TABLE Media (id_media INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER, title TEXT, filename TEXT, "
    "is_present BOOLEAN NOT NULL DEFAULT 1)",
    "CREATE TABLE Playlist (id_playlist INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, creation_date UNSIGNED INT "
    "NOT NULL DEFAULT 1697384040)",
    "CREATE TABLE PlaylistMediaRelation (media_id INTEGER, playlist_id INTEGER, position INTEGER)",
)


class VlcApp(PageApp):
    name, title = "vlc", "VLC"
    package = ("org.videolan.vlc", "org.videolan.vlc.gui.MainActivity")

    def __init__(self, world, root: Path | None = None):
        super().__init__(world)
        self.root = root  # host directory of VIDEOS_DIR
        self.playlists: list[tuple[str, list[str]]] = []
        self.chosen: list[str] = []

    def videos(self) -> list[str]:
        if self.root is None or not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file())

    def page_title(self) -> str:
        return "Playlists" if self.page[0] == "list" else "New playlist"

    def build(self, f: Flow) -> None:
        if self.page[0] == "list":
            f.button("New playlist", "new", accent=True, width=f.w)
            rows = [
                (f"playlist:{i}", name, f"{len(files)} videos", False) for i, (name, files) in enumerate(self.playlists)
            ]
            self.list_rows(f, "playlists", rows, two_line=True)
            return
        f.field("Playlist name", "name", self.value("name"), focused=self.focus == "name", caption="Name")
        f.label("In order: " + (", ".join(self.chosen) if self.chosen else "no videos yet"), style="muted")
        f.buttons([("Save", "save"), ("Clear", "clear")], accent="save")
        if self.notice:
            f.label(self.notice, style="muted")
        self.list_rows(f, "videos", [(f"add:{v}", v, "", v in self.chosen) for v in self.videos()])

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "new":
            self.values, self.chosen = {"name": ""}, []
            self.go("new")
        elif kind == "add" and self.page[0] == "new":
            self.chosen.append(arg)
        elif kind == "clear":
            self.chosen = []
        elif kind == "save" and self.page[0] == "new":
            name = self.value("name").strip()
            if not name or not self.chosen:
                self.notice = "A playlist needs a name and at least one video."
            else:
                self.playlists.append((name, list(self.chosen)))
                self.up()
                return True
        else:
            return False
        self.touch()
        return True


def database(app: VlcApp) -> bytes:
    def fill(con: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            con.execute(statement)
        names = app.videos()
        for name in names:
            con.execute("INSERT INTO Media (type, title, filename) VALUES (1, ?, ?)", (name.rsplit(".", 1)[0], name))
        ids = {name: i + 1 for i, name in enumerate(names)}
        for p, (name, files) in enumerate(app.playlists, start=1):
            con.execute("INSERT INTO Playlist (id_playlist, name) VALUES (?, ?)", (p, name))
            con.executemany(
                "INSERT INTO PlaylistMediaRelation (media_id, playlist_id, position) VALUES (?, ?, ?)",
                [(ids.get(f, 0), p, pos) for pos, f in enumerate(files)],
            )

    return database_bytes(fill)


def load(app: VlcApp, data: bytes) -> None:
    """Playlists from a pushed ``vlc_media.db`` (media by file name; the videos themselves are the files)."""
    with opened_database(data) as con:
        lists = con.execute("SELECT id_playlist, name FROM Playlist ORDER BY id_playlist").fetchall()
        rel = con.execute(
            "SELECT r.playlist_id, m.filename FROM PlaylistMediaRelation r JOIN Media m ON m.id_media = r.media_id "
            "ORDER BY r.playlist_id, r.position"
        ).fetchall()
    app.playlists = [(name, [f for p, f in rel if p == pid]) for pid, name in lists]
