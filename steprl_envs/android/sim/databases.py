"""The app databases of the sim phone as ``adb pull`` gets them (SQLite files made from the current state) and as
``adb push`` gives them (read back into the state, as the app would after a restart). The caller holds the phone's
lock."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ...mock_gui.data import Alarm
from . import joplin, retro, vlc
from .catalog import ALARMS_DB, NOTES_DB
from .sqlite_files import database_bytes, opened_database

if TYPE_CHECKING:
    from .phone import SimPhone


def database(phone: SimPhone, path: str) -> bytes | None:
    """The bytes of an app database file generated from the current state (None if no such database)."""
    app = phone.record_app(path)
    if app is not None:
        return app.database()
    if path == ALARMS_DB:
        rows = [
            (a.id, int(a.time[:2]), int(a.time[3:]), int(a.on), a.label, 0, 1, "default", 0)
            for a in phone.world.rec.alarms
        ]
        return _sqlite_bytes(
            "CREATE TABLE alarm_templates (_id INTEGER PRIMARY KEY, hour INTEGER NOT NULL, minutes INTEGER "
            "NOT NULL, enabled INTEGER NOT NULL, label TEXT NOT NULL, days_of_week INTEGER NOT NULL, "
            "vibrate INTEGER NOT NULL, ringtone TEXT, delete_after_use INTEGER NOT NULL)",
            "INSERT INTO alarm_templates VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )
    if path == NOTES_DB:
        return joplin.database(phone.world.apps["notes"])
    if path == vlc.DB_PATH:
        return vlc.database(phone.world.apps["vlc"])
    if path == retro.PLAYLIST_DB:
        return retro.playlist_database(phone.world.apps["retro"])
    if path == retro.PLAYBACK_DB:
        return retro.playback_database(phone.world.apps["retro"])
    return None


def load_database(phone: SimPhone, path: str, data: bytes) -> bool:
    """Take a pushed database into the app state (as the app would read it after a restart)."""
    app = phone.record_app(path)
    if app is not None:
        app.load(data)
        phone.restart(app.name)
        return True
    if path == vlc.DB_PATH:
        vlc.load(phone.world.apps["vlc"], data)
        phone.restart("vlc")
        return True
    if path in (retro.PLAYLIST_DB, retro.PLAYBACK_DB):
        retro.load(phone.world.apps["retro"], path, data)
        phone.restart("retro")
        return True
    if path == NOTES_DB:
        joplin.load(phone.world.apps["notes"], data)
        phone.restart("notes")
        return True
    if path != ALARMS_DB:
        phone.storage_changed()
        return False
    with opened_database(data) as con:
        rows = con.execute("SELECT _id, hour, minutes, enabled, label FROM alarm_templates").fetchall()
    alarms = [Alarm(int(i), f"{int(h):02d}:{int(m):02d}", label or "Alarm", bool(on)) for i, h, m, on, label in rows]
    alarms.sort(key=lambda a: (a.time, a.id))
    phone.world.rec.alarms[:] = alarms
    phone.restart("clock")
    return True


def _sqlite_bytes(schema: str, insert: str, rows: list[tuple]) -> bytes:
    def fill(con: sqlite3.Connection) -> None:
        con.execute(schema)
        con.executemany(insert, rows)

    return database_bytes(fill)
