"""Retro Music on the simulated phone: the songs are the ``.mp3`` files of ``/storage/emulated/0/Music`` (a song
file's title and length come from a one-line tag, ``STEPRL-SONG title=...;duration_ms=...``, which the setup
writes in place of real audio), playlists live in ``databases/playlist.db`` (``PlaylistEntity``, ``SongEntity``)
and the playing queue in ``databases/music_playback_state.db`` (``playing_queue``).

Pages: songs (with their lengths), a song's page (add to the playing queue), the playlists, a new-playlist page
(a name and the songs tapped in order) and a playlist's page (Export writes ``NAME.m3u`` to Download)."""

from __future__ import annotations

import re
from pathlib import Path

from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.layout import Flow
from .sqlite_files import database_bytes, opened_database

MUSIC_DIR = "/storage/emulated/0/Music"
DOWNLOAD_DIR = "/storage/emulated/0/Download"
PLAYLIST_DB = "/data/data/code.name.monkey.retromusic/databases/playlist.db"
PLAYBACK_DB = "/data/data/code.name.monkey.retromusic/databases/music_playback_state.db"
TAG = re.compile(rb"STEPRL-SONG title=(.*?);duration_ms=(\d+)")


def song_tag(title: str, duration_ms: int) -> bytes:
    return f"STEPRL-SONG title={title};duration_ms={int(duration_ms)}\n".encode()


class RetroApp(PageApp):
    name, title = "retro", "Retro Music"
    package = ("code.name.monkey.retromusic", "code.name.monkey.retromusic.activities.MainActivity")

    def __init__(self, world, root: Path | None = None):
        super().__init__(world)
        self.root = root  # host directory of /storage/emulated/0 (Music and Download are inside)
        self.playlists: list[tuple[str, list[str]]] = []
        self.queue: list[str] = []
        self.chosen: list[str] = []

    def songs(self) -> list[tuple[str, int, str]]:
        """(title, duration ms, file name) of the songs in Music."""
        folder = self.root / "Music" if self.root else None
        if folder is None or not folder.is_dir():
            return []
        out = []
        for p in sorted(folder.glob("*.mp3")):
            m = TAG.match(p.read_bytes()[:300])
            title, ms = (m.group(1).decode(errors="replace"), int(m.group(2))) if m else (p.stem, 0)
            out.append((title, ms, p.name))
        return out

    def duration(self, title: str) -> int:
        return next((ms for t, ms, _ in self.songs() if t == title), 0)

    def page_title(self) -> str:
        kind = self.page[0]
        return {"list": "Songs", "song": "Song", "playlists": "Playlists", "new": "New playlist"}.get(kind) or (
            self.page[1] if kind == "playlist" else self.title
        )

    def build(self, f: Flow) -> None:
        kind = self.page[0]
        if kind == "list":
            f.buttons([("Playlists", "playlists"), (f"Queue ({len(self.queue)})", "queue_info")])
            rows = [(f"song:{t}", t, f"{ms // 60000}:{ms // 1000 % 60:02d}", False) for t, ms, _ in self.songs()]
            self.list_rows(f, "songs", rows, two_line=True)
        elif kind == "song":
            ms = self.duration(self.page[1])
            f.label(self.page[1], role="heading")
            f.label(f"{ms // 60000}:{ms // 1000 % 60:02d}", style="muted")
            f.button("Add to playing queue", "enqueue", width=f.w)
            if self.notice:
                f.label(self.notice, style="muted")
        elif kind == "playlists":
            f.button("New playlist", "new", accent=True, width=f.w)
            rows = [(f"playlist:{i}", n, f"{len(s)} songs", False) for i, (n, s) in enumerate(self.playlists)]
            self.list_rows(f, "playlists", rows, two_line=True)
        elif kind == "playlist":
            name, songs = self.playlists[int(self.page[2])]
            total = sum(self.duration(s) for s in songs)
            f.label(f"{len(songs)} songs, {total // 60000} min {total // 1000 % 60} s", style="muted")
            f.button("Export to Download", "export", width=f.w)
            if self.notice:
                f.label(self.notice, style="muted")
            self.list_rows(f, "members", [(f"member:{i}", s, "", False) for i, s in enumerate(songs)])
        else:
            f.field("Playlist name", "name", self.value("name"), focused=self.focus == "name", caption="Name")
            total = sum(self.duration(s) for s in self.chosen)
            f.label(f"{len(self.chosen)} songs, {total // 60000} min {total // 1000 % 60} s", style="muted")
            f.buttons([("Save", "save"), ("Clear", "clear")], accent="save")
            if self.notice:
                f.label(self.notice, style="muted")
            rows = [
                (f"add:{t}", t, f"{ms // 60000}:{ms // 1000 % 60:02d}", t in self.chosen) for t, ms, _ in self.songs()
            ]
            self.list_rows(f, "pick", rows, two_line=True)

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        page = self.page
        if kind == "song" and page[0] == "list":
            self.go("song", arg)
            return True
        if kind == "playlists":
            self.go("playlists")
            return True
        if kind == "playlist":
            self.go("playlist", self.playlists[int(arg)][0], arg)
            return True
        if kind == "new":
            self.values, self.chosen = {"name": ""}, []
            self.go("new")
            return True
        if kind == "enqueue" and page[0] == "song":
            self.queue.append(page[1])
            self.notice = f"Added to the playing queue ({len(self.queue)})."
        elif kind == "add" and page[0] == "new":
            self.chosen.append(arg)
        elif kind == "clear" and page[0] == "new":
            self.chosen = []
        elif kind == "save" and page[0] == "new":
            name = self.value("name").strip()
            if not name or not self.chosen or any(n == name for n, _ in self.playlists):
                self.notice = "A playlist needs a new name and at least one song."
            else:
                self.playlists.append((name, list(self.chosen)))
                self.up()
                return True
        elif kind == "export" and page[0] == "playlist" and self.root is not None:
            name, songs = self.playlists[int(page[2])]
            files = {t: f for t, _, f in self.songs()}
            folder = self.root / "Download"
            folder.mkdir(parents=True, exist_ok=True)
            lines = ["#EXTM3U"] + [f"{MUSIC_DIR}/{files.get(s, s)}" for s in songs]
            (folder / f"{name}.m3u").write_text("\n".join(lines) + "\n")
            self.notice = f"Exported to Download/{name}.m3u"
        else:
            return False
        self.touch()
        return True


def playlist_database(app: RetroApp) -> bytes:
    def fill(con):
        con.execute(
            "CREATE TABLE PlaylistEntity (playlist_id INTEGER PRIMARY KEY AUTOINCREMENT, playlist_name TEXT NOT NULL)"
        )
        con.execute(
            "CREATE TABLE SongEntity (song_key INTEGER PRIMARY KEY AUTOINCREMENT, playlist_creator_id INTEGER NOT NULL, "
            "id INTEGER NOT NULL, title TEXT NOT NULL, track_number INTEGER NOT NULL DEFAULT 0, year INTEGER NOT NULL "
            "DEFAULT 0, duration INTEGER NOT NULL, data TEXT NOT NULL DEFAULT '', date_modified INTEGER NOT NULL DEFAULT "
            "0, album_id INTEGER NOT NULL DEFAULT 0, album_name TEXT NOT NULL DEFAULT '', artist_id INTEGER NOT NULL "
            "DEFAULT 0, artist_name TEXT NOT NULL DEFAULT '', composer TEXT, album_artist TEXT)"
        )
        songs = {t: (i + 1, ms, f) for i, (t, ms, f) in enumerate(app.songs())}
        for p, (name, titles) in enumerate(app.playlists, start=1):
            con.execute("INSERT INTO PlaylistEntity (playlist_id, playlist_name) VALUES (?, ?)", (p, name))
            for t in titles:
                sid, ms, f = songs.get(t, (0, 0, ""))
                con.execute(
                    "INSERT INTO SongEntity (playlist_creator_id, id, title, duration, data) VALUES (?, ?, ?, ?, ?)",
                    (p, sid, t, ms, f"{MUSIC_DIR}/{f}"),
                )

    return database_bytes(fill)


def playback_database(app: RetroApp) -> bytes:
    def fill(con):
        for table in ("playing_queue", "original_playing_queue"):
            con.execute(f"CREATE TABLE {table} (_id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, duration INTEGER)")
            con.executemany(
                f"INSERT INTO {table} (title, duration) VALUES (?, ?)", [(t, app.duration(t)) for t in app.queue]
            )

    return database_bytes(fill)


def load(app: RetroApp, path: str, data: bytes) -> None:
    with opened_database(data) as con:
        if path == PLAYLIST_DB:
            lists = con.execute("SELECT playlist_id, playlist_name FROM PlaylistEntity ORDER BY playlist_id").fetchall()
            songs = con.execute("SELECT playlist_creator_id, title FROM SongEntity ORDER BY song_key").fetchall()
            app.playlists = [(n, [t for p, t in songs if p == pid]) for pid, n in lists]
        else:
            app.queue = [t for (t,) in con.execute("SELECT title FROM playing_queue ORDER BY _id").fetchall()]
