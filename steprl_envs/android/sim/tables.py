"""More one-table apps of the simulated phone, each served as its official database: Simple Calendar Pro
(``events.db`` / ``events``), Tasks (``org.tasks`` ``database`` / ``tasks``) and OpenTracks (``database.db`` /
``tracks``). See :mod:`.records` for how a table app works."""

from __future__ import annotations

import calendar
import sqlite3
import time

from .records import RecordApp
from .sqlite_files import database_bytes

TZ_OFFSET = 0  # the device's time zone is UTC (AndroidWorld's setting)
REPEATS = {"": 0, "none": 0, "daily": 86400, "weekly": 604800}


class CalendarApp(RecordApp):
    """Simple Calendar Pro: ``events.db``, table ``events`` (times are Unix seconds, UTC)."""

    name, title, noun = "calendar", "Simple Calendar Pro", "event"
    package = (
        "com.simplemobiletools.calendar.pro",
        "com.simplemobiletools.calendar.pro.activities.MainActivity",
    )
    db_path = "/data/data/com.simplemobiletools.calendar.pro/databases/events.db"
    table, key = "events", "id"
    selectable = True
    header = "Today: Sunday, 2023-10-15 15:34"  # the device's frozen date and time
    columns = (
        "id",
        "start_ts",
        "end_ts",
        "title",
        "location",
        "description",
        "reminder_1_minutes",
        "reminder_2_minutes",
        "reminder_3_minutes",
        "reminder_1_type",
        "reminder_2_type",
        "reminder_3_type",
        "repeat_interval",
        "repeat_rule",
        "repeat_limit",
        "repetition_exceptions",
        "attendees",
        "import_id",
        "time_zone",
        "flags",
        "event_type",
        "parent_id",
        "last_updated",
        "source",
        "availability",
        "color",
        "type",
    )
    schema = (
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, start_ts INTEGER NOT NULL, end_ts INTEGER NOT "
        "NULL, title TEXT NOT NULL, location TEXT NOT NULL, description TEXT NOT NULL, reminder_1_minutes INTEGER "
        "NOT NULL, reminder_2_minutes INTEGER NOT NULL, reminder_3_minutes INTEGER NOT NULL, reminder_1_type "
        "INTEGER NOT NULL, reminder_2_type INTEGER NOT NULL, reminder_3_type INTEGER NOT NULL, repeat_interval "
        "INTEGER NOT NULL, repeat_rule INTEGER NOT NULL, repeat_limit INTEGER NOT NULL, repetition_exceptions TEXT "
        "NOT NULL, attendees TEXT NOT NULL, import_id TEXT NOT NULL, time_zone TEXT NOT NULL, flags INTEGER NOT "
        "NULL, event_type INTEGER NOT NULL, parent_id INTEGER NOT NULL, last_updated INTEGER NOT NULL, source "
        "TEXT NOT NULL, availability INTEGER NOT NULL, color INTEGER NOT NULL, type INTEGER NOT NULL)"
    )
    fields = (
        ("title", "Title", 1),
        ("date", "Date (YYYY-MM-DD)", 1),
        ("start", "Start time (HH:MM)", 1),
        ("end", "End time (HH:MM)", 1),
        ("location", "Location", 1),
        ("description", "Description", 1),
        ("repeat", "Repeat (none, daily, weekly)", 1),
    )

    def ordered(self):
        return sorted(self.rows, key=lambda r: (r["start_ts"], r["id"]))

    def row_title(self, row):
        start, end = time.gmtime(row["start_ts"]), time.gmtime(row["end_ts"])
        when = time.strftime("%a %Y-%m-%d %H:%M", start) + time.strftime("-%H:%M", end)
        return row["title"] or "", when

    def form_values(self, row):
        start, end = time.gmtime(row["start_ts"]), time.gmtime(row["end_ts"])
        repeat = {86400: "daily", 604800: "weekly"}.get(row.get("repeat_interval") or 0, "none")
        return {
            "title": row["title"] or "",
            "date": time.strftime("%Y-%m-%d", start),
            "start": time.strftime("%H:%M", start),
            "end": time.strftime("%H:%M", end),
            "location": row.get("location") or "",
            "description": row.get("description") or "",
            "repeat": repeat,
        }

    def parse(self, values):
        title = values["title"].strip()
        if not title:
            return "The title is required."
        try:
            day = time.strptime(values["date"].strip(), "%Y-%m-%d")
            start = time.strptime(values["start"].strip(), "%H:%M")
            end = time.strptime(values["end"].strip(), "%H:%M")
        except ValueError:
            return "Dates are YYYY-MM-DD and times HH:MM."
        base = calendar.timegm(day)
        start_ts = base + start.tm_hour * 3600 + start.tm_min * 60
        end_ts = base + end.tm_hour * 3600 + end.tm_min * 60
        if end_ts < start_ts:
            return "The event ends before it starts."
        repeat = values["repeat"].strip().lower()
        if repeat not in REPEATS:
            return "Repeat: none, daily or weekly."
        interval = REPEATS[repeat]
        weekday = time.gmtime(start_ts).tm_wday + 1  # Monday = 1
        return {
            "title": title,
            "start_ts": start_ts,
            "end_ts": end_ts,
            "location": values["location"].strip(),
            "description": values["description"].strip(),
            "repeat_interval": interval,
            "repeat_rule": (1 << (weekday - 1)) if interval == 604800 else 0,
        }

    def defaults(self):
        return event_defaults()


def event_defaults() -> dict:
    """Simple Calendar's values for the columns the tasks do not set."""
    return {
        "location": "",
        "description": "",
        "reminder_1_minutes": -1,
        "reminder_2_minutes": -1,
        "reminder_3_minutes": -1,
        "reminder_1_type": 0,
        "reminder_2_type": 0,
        "reminder_3_type": 0,
        "repeat_interval": 0,
        "repeat_rule": 0,
        "repeat_limit": 0,
        "repetition_exceptions": "[]",
        "attendees": "",
        "import_id": "",
        "time_zone": "UTC",
        "flags": 0,
        "event_type": 1,
        "parent_id": 0,
        "last_updated": 0,
        "source": "imported-ics",
        "availability": 0,
        "color": 0,
        "type": 0,
    }


PRIORITIES = {0: "High", 1: "Medium", 2: "Low", 3: "None"}


class TasksApp(RecordApp):
    """Tasks (``org.tasks``): database ``database``, table ``tasks``; ``importance`` 0 (high) .. 3 (none),
    ``dueDate`` / ``completed`` in Unix milliseconds (0: none)."""

    name, title, noun = "tasks", "Tasks", "task"
    package = ("org.tasks", "com.todoroo.astrid.activity.MainActivity")
    db_path = "/data/data/org.tasks/databases/database"
    table, key = "tasks", "_id"
    header = "Today: Sunday, 2023-10-15 15:34"
    columns = (
        "_id",
        "title",
        "importance",
        "dueDate",
        "hideUntil",
        "created",
        "modified",
        "completed",
        "deleted",
        "notes",
        "estimatedSeconds",
        "elapsedSeconds",
        "timerStart",
        "notificationFlags",
        "lastNotified",
        "recurrence",
        "repeat_from",
        "calendarUri",
        "remoteId",
        "collapsed",
        "parent",
        "order",
        "read_only",
    )
    schema = (
        "CREATE TABLE tasks (_id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, importance INTEGER, dueDate "
        "INTEGER, hideUntil INTEGER, created INTEGER, modified INTEGER, completed INTEGER, deleted INTEGER, notes "
        "TEXT, estimatedSeconds INTEGER, elapsedSeconds INTEGER, timerStart INTEGER, notificationFlags INTEGER, "
        "lastNotified INTEGER, recurrence TEXT, repeat_from INTEGER NOT NULL DEFAULT 0, calendarUri TEXT, remoteId "
        "TEXT, collapsed INTEGER NOT NULL DEFAULT 0, parent INTEGER NOT NULL DEFAULT 0, `order` INTEGER, read_only "
        "INTEGER NOT NULL DEFAULT 0)"
    )
    fields = (
        ("title", "Title", 1),
        ("due", "Due date (YYYY-MM-DD)", 1),
        ("priority", "Priority (High, Medium, Low, None)", 1),
        ("done", "Completed on (YYYY-MM-DD HH:MM)", 1),
        ("notes", "Notes", 1),
    )

    def database(self) -> bytes:  # ``order`` is an SQL keyword: quote the column names
        return _quoted_database(self)

    def row_title(self, row):
        parts = []
        if row.get("dueDate"):
            parts.append("Due " + time.strftime("%a %Y-%m-%d", time.gmtime(row["dueDate"] / 1000)))
        parts.append(f"{PRIORITIES.get(row.get('importance'), 'None')} priority")
        if row.get("completed"):
            parts.append("Completed " + time.strftime("%Y-%m-%d %H:%M", time.gmtime(row["completed"] / 1000)))
        return row["title"] or "", " · ".join(parts)

    def form_values(self, row):
        due, done = row.get("dueDate") or 0, row.get("completed") or 0
        return {
            "title": row["title"] or "",
            "due": time.strftime("%Y-%m-%d", time.gmtime(due / 1000)) if due else "",
            "priority": PRIORITIES.get(row.get("importance"), "None"),
            "done": time.strftime("%Y-%m-%d %H:%M", time.gmtime(done / 1000)) if done else "",
            "notes": row.get("notes") or "",
        }

    def parse(self, values):
        title = values["title"].strip()
        if not title:
            return "The title is required."
        try:
            due = (
                calendar.timegm(time.strptime(values["due"].strip(), "%Y-%m-%d")) * 1000 if values["due"].strip() else 0
            )
            done = (
                calendar.timegm(time.strptime(values["done"].strip(), "%Y-%m-%d %H:%M")) * 1000
                if values["done"].strip()
                else 0
            )
        except ValueError:
            return "Dates are YYYY-MM-DD (completion: YYYY-MM-DD HH:MM)."
        levels = {v.lower(): k for k, v in PRIORITIES.items()}
        if values["priority"].strip().lower() not in levels:
            return "Priority: High, Medium, Low or None."
        return {
            "title": title,
            "dueDate": due,
            "importance": levels[values["priority"].strip().lower()],
            "completed": done,
            "notes": values["notes"].strip(),
        }

    def defaults(self):
        return task_defaults()


def task_defaults() -> dict:
    return {
        "importance": 2,
        "dueDate": 0,
        "hideUntil": 0,
        "created": 1697384040000,
        "modified": 1697384040000,
        "completed": 0,
        "deleted": 0,
        "notes": "",
        "estimatedSeconds": 0,
        "elapsedSeconds": 0,
        "timerStart": 0,
        "notificationFlags": 0,
        "lastNotified": 0,
        "recurrence": None,
        "repeat_from": 0,
        "calendarUri": None,
        "remoteId": "",
        "collapsed": 0,
        "parent": 0,
        "order": None,
        "read_only": 0,
    }


def _quoted_database(app: RecordApp) -> bytes:
    def fill(con: sqlite3.Connection) -> None:
        con.execute(app.schema)
        cols = ", ".join(f'"{c}"' for c in app.columns)
        con.executemany(
            f"INSERT INTO {app.table} ({cols}) VALUES ({','.join('?' * len(app.columns))})",
            [tuple(r.get(c) for c in app.columns) for r in app.rows],
        )

    return database_bytes(fill)


class TracksApp(RecordApp):
    """OpenTracks (``de.dennisguse.opentracks``): ``database.db``, table ``tracks`` (``starttime`` /
    ``stoptime`` / ``totaltime`` in ms, ``totaldistance`` in meters)."""

    name, title, noun = "opentracks", "OpenTracks", "activity"
    package = ("de.dennisguse.opentracks", "de.dennisguse.opentracks.TrackListActivity")
    db_path = "/data/data/de.dennisguse.opentracks/databases/database.db"
    table, key = "tracks", "_id"
    header = "Today: Sunday, 2023-10-15 15:34"
    columns = (
        "_id",
        "name",
        "description",
        "category",
        "activity_type",
        "starttime",
        "stoptime",
        "numpoints",
        "totaldistance",
        "totaltime",
        "movingtime",
        "avgspeed",
        "avgmovingspeed",
        "maxspeed",
        "minelevation",
        "maxelevation",
        "elevationgain",
        "elevationloss",
        "icon",
        "uuid",
    )
    schema = (
        "CREATE TABLE tracks (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, description TEXT, category TEXT, "
        "activity_type TEXT, starttime INTEGER, stoptime INTEGER, numpoints INTEGER, totaldistance FLOAT, totaltime "
        "INTEGER, movingtime INTEGER, avgspeed FLOAT, avgmovingspeed FLOAT, maxspeed FLOAT, minelevation FLOAT, "
        "maxelevation FLOAT, elevationgain FLOAT, elevationloss FLOAT, icon TEXT, uuid BLOB)"
    )
    fields = (("name", "Name", 1), ("category", "Activity type", 1), ("description", "Description", 1))

    def ordered(self):
        return sorted(self.rows, key=lambda r: (-(r.get("starttime") or 0), r["_id"]))

    def row_title(self, row):
        start = time.gmtime((row.get("starttime") or 0) / 1000)
        minutes = round((row.get("totaltime") or 0) / 60000)
        detail = (
            f"{row.get('category') or '-'} · {time.strftime('%a %Y-%m-%d %H:%M', start)} · {minutes} min · "
            f"{round(row.get('totaldistance') or 0)} m"
        )
        return row["name"] or "", detail

    def defaults(self):
        return {c: 0 for c in self.columns if c not in ("name", "description", "category", "activity_type", "icon")}
