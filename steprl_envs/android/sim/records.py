"""Apps whose data is one SQLite table on the device (Pro Expense, Broccoli): a list of rows, an Add form, a
detail page (edit, Save, Delete with a confirmation). The table is generated with the app's official database
path, table and columns when ``adb pull`` reads it, and taken back when ``adb push`` writes it, so the checks
that query the database see exactly what the UI shows."""

from __future__ import annotations

import calendar
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import ClassVar

from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.layout import Flow

EXPENSE_CATEGORIES = {
    1: "Others",
    2: "Income",
    3: "Food",
    4: "Housing",
    5: "Social",
    6: "Entertainment",
    7: "Transportation",
    8: "Clothes",
    9: "Health Care",
    10: "Education",
    11: "Donation",
}
CATEGORY_IDS = {name.lower(): i for i, name in EXPENSE_CATEGORIES.items()}


def fitted_rows(app, lay_out, f: Flow, tag: str, rows, **kw):
    """Lay out a list after clamping its offset to what the rows shown last time allow (so a list that lost
    rows is drawn at the offset the app keeps), and remember how many rows fit."""
    if tag in app.fit:
        app.offsets[tag] = min(app.offsets.get(tag, 0), max(0, len(rows) - app.fit[tag]))
    box = lay_out(f, tag, rows, **kw)
    app.fit[tag] = max(1, len(box.children))
    return box


class RecordApp(PageApp):
    """One table's rows as dicts (``key`` is the primary key column)."""

    package: ClassVar[tuple[str, str]] = ("", "")
    db_path: ClassVar[str] = ""
    table: ClassVar[str] = ""
    key: ClassVar[str] = "id"
    columns: ClassVar[tuple[str, ...]] = ()
    schema: ClassVar[str] = ""
    #: form fields: (column, label, lines)
    fields: ClassVar[tuple[tuple[str, str, int], ...]] = ()
    noun: ClassVar[str] = "item"

    #: a Select button on the list (delete several rows at once)
    selectable: ClassVar[bool] = False
    #: a line above the list
    header: ClassVar[str] = ""

    def __init__(self, world):
        super().__init__(world)
        self.rows: list[dict] = []
        self.selected: list[int] | None = None
        self.fit: dict[str, int] = {}  # rows shown per list (a fling scrolls by that)

    # -- rows ----------------------------------------------------------------------------------------------------
    def find(self, key: int) -> dict | None:
        return next((r for r in self.rows if r[self.key] == key), None)

    def ordered(self) -> list[dict]:
        """Rows in the order the list shows them."""
        return self.rows

    def next_key(self) -> int:
        return max((r[self.key] for r in self.rows), default=0) + 1

    def row_title(self, row: dict) -> tuple[str, str]:
        return str(row[self.fields[0][0]]), ""

    def form_values(self, row: dict) -> dict[str, str]:
        return {col: str(row.get(col) or "") for col, _, _ in self.fields}

    def parse(self, values: dict[str, str]) -> dict | str:
        """Form values -> column values, or an error message."""
        first = self.fields[0][0]
        if not values.get(first, "").strip():
            return f"The {self.fields[0][1].lower()} is required."
        return {col: values.get(col, "").strip() for col, _, _ in self.fields}

    def defaults(self) -> dict:
        return {}

    # -- database ------------------------------------------------------------------------------------------------
    def database(self) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "db"
            con = sqlite3.connect(file)
            try:
                con.execute(self.schema)
                marks = ",".join("?" * len(self.columns))
                con.executemany(
                    f"INSERT INTO {self.table} ({','.join(self.columns)}) VALUES ({marks})",
                    [tuple(r.get(c) for c in self.columns) for r in self.rows],
                )
                con.commit()
            finally:
                con.close()
            return file.read_bytes()

    def load(self, data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "db"
            file.write_bytes(data)
            con = sqlite3.connect(file)
            con.row_factory = sqlite3.Row
            try:
                rows = con.execute(f"SELECT * FROM {self.table} ORDER BY {self.key}").fetchall()
            finally:
                con.close()
        self.rows = [{c: r[c] for c in self.columns if c in r.keys()} for r in rows]

    def scroll(self, tag: str, rows: int) -> bool:
        """A swipe on a long list flings it by a page (less one row), not by three rows."""
        page = max(3, self.fit.get(tag, 3) - 1)
        return super().scroll(tag, page if rows > 0 else -page)

    def list_rows(self, f: Flow, tag: str, rows, **kw):
        return fitted_rows(self, super().list_rows, f, tag, rows, **kw)

    # -- pages ---------------------------------------------------------------------------------------------------
    def page_title(self) -> str:
        kind = self.page[0]
        return {"list": self.title, "new": f"New {self.noun}", "detail": f"Edit {self.noun}"}[kind]

    def build(self, f: Flow) -> None:
        kind = self.page[0]
        if kind == "list":
            if self.header:
                f.label(self.header, style="muted")
            sel = self.selected
            if sel is None:
                items = [(f"Add {self.noun}", "add")] + ([("Select", "select")] if self.selectable else [])
                f.buttons(items, accent="add")
            else:
                f.buttons([(f"Delete ({len(sel)})", "delete_selected"), ("Cancel", "unselect")])
            if self.dialog == "delete_selected":
                f.label(f"Delete {len(sel or ())} {self.noun}s?", role="heading")
                f.buttons([("Delete", "confirm_delete"), ("Cancel", "cancel")], accent="confirm_delete")
            rows = [
                (f"row:{r[self.key]}", *self.row_title(r), sel is not None and r[self.key] in sel)
                for r in self.ordered()
            ]
            self.list_rows(f, "rows", rows, two_line=True)
            return
        if self.dialog == "delete":  # the confirmation replaces the form, as a dialog covers it
            f.label(f"Delete this {self.noun}?", role="heading")
            f.buttons([("Delete", "confirm_delete"), ("Cancel", "cancel")], accent="confirm_delete")
            return
        captions = len(self.fields) <= 4  # long forms show the label as the field's hint only
        for col, label, lines in self.fields:
            f.field(
                label, col, self.value(col), focused=self.focus == col, lines=lines, caption=label if captions else None
            )
        items = [("Save", "save")] + ([("Delete", "delete")] if kind == "detail" else [])
        f.buttons(self.world.order(f"{self.name}.form", items), accent="save")
        if self.notice:
            f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if self.page[0] == "list" and self._select(kind, arg):
            self.touch()
            return True
        if kind == "add":
            self.values = {col: "" for col, _, _ in self.fields}
            self.go("new")
        elif kind == "row" and self.find(int(arg)) is not None:
            self.values = self.form_values(self.find(int(arg)))
            self.go("detail", arg)
        elif kind == "save":
            return self._save()
        elif kind == "delete" and self.page[0] == "detail":
            self.dialog = "delete"
        elif kind == "cancel":
            self.dialog = None
        elif kind == "confirm_delete" and self.page[0] == "detail":
            self.rows = [r for r in self.rows if r[self.key] != int(self.page[1])]
            self.dialog = None
            self.up()
        else:
            return False
        self.touch()
        return True

    def _select(self, kind: str, arg: str) -> bool:
        if kind == "select" and self.selectable:
            self.selected = []
        elif kind == "unselect":
            self.selected, self.dialog = None, None
        elif kind == "row" and self.selected is not None:
            key = int(arg)
            self.selected = [k for k in self.selected if k != key] + ([] if key in self.selected else [key])
        elif kind == "delete_selected" and self.selected:
            self.dialog = "delete_selected"
        elif kind == "confirm_delete" and self.dialog == "delete_selected":
            self.rows = [r for r in self.rows if r[self.key] not in self.selected]
            self.selected, self.dialog = None, None
        else:
            return False
        return True

    def back(self) -> bool:
        if self.selected is not None and not self.dialog:
            self.selected = None
            self.touch()
            return True
        return super().back()

    def go(self, *page: str) -> None:
        self.selected = None
        super().go(*page)

    def _save(self) -> bool:
        parsed = self.parse({col: self.value(col) for col, _, _ in self.fields})
        if isinstance(parsed, str):
            self.notice = parsed
            self.touch()
            return True
        if self.page[0] == "new":
            self.rows.append({**self.defaults(), **parsed, self.key: self.next_key()})
        else:
            self.find(int(self.page[1])).update(parsed)
        self.up()
        return True


class ExpenseApp(RecordApp):
    """Pro Expense (``com.arduia.expense``): ``accounting.db``, table ``expense``; amounts in cents."""

    name, title, noun = "expense", "Pro Expense", "expense"
    package = ("com.arduia.expense", "com.arduia.expense.ui.MainActivity")
    db_path = "/data/data/com.arduia.expense/databases/accounting.db"
    table, key = "expense", "expense_id"
    columns = ("expense_id", "name", "amount", "category", "note", "created_date", "modified_date")
    schema = (
        "CREATE TABLE expense (expense_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT, amount INTEGER "
        "NOT NULL, category INTEGER NOT NULL, note TEXT, created_date INTEGER NOT NULL, modified_date INTEGER NOT "
        "NULL)"
    )
    fields = (("name", "Name", 1), ("amount", "Amount", 1), ("category", "Category", 1), ("note", "Note", 2))

    def row_title(self, row):
        cat = EXPENSE_CATEGORIES.get(row["category"], "Others")
        return row["name"] or "", f"${row['amount'] / 100:.2f} · {cat}"

    def form_values(self, row):
        return {
            "name": row["name"] or "",
            "amount": f"{row['amount'] / 100:.2f}",
            "category": EXPENSE_CATEGORIES.get(row["category"], "Others"),
            "note": row["note"] or "",
        }

    def parse(self, values):
        name = values["name"].strip()
        if not name:
            return "The name is required."
        try:
            amount = round(float(values["amount"].strip().lstrip("$")) * 100)
        except ValueError:
            return "The amount must be a number."
        category = CATEGORY_IDS.get(values["category"].strip().lower())
        if category is None:
            return "Category: one of " + ", ".join(EXPENSE_CATEGORIES.values()) + "."
        return {"name": name, "amount": amount, "category": category, "note": values["note"].strip()}

    def defaults(self):
        return {"created_date": 1697384040000, "modified_date": 1697384040000}


class RecipeApp(RecordApp):
    """Broccoli (``com.flauschcode.broccoli``): database ``broccoli``, table ``recipes``."""

    name, title, noun = "recipe", "Broccoli", "recipe"
    package = ("com.flauschcode.broccoli", "com.flauschcode.broccoli.MainActivity")
    db_path = "/data/data/com.flauschcode.broccoli/databases/broccoli"
    table, key = "recipes", "recipeId"
    columns = (
        "recipeId",
        "title",
        "description",
        "servings",
        "preparationTime",
        "source",
        "ingredients",
        "directions",
        "favorite",
        "imageName",
    )
    schema = (
        "CREATE TABLE recipes (recipeId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, title TEXT, description TEXT, "
        "servings TEXT, preparationTime TEXT, source TEXT, ingredients TEXT, directions TEXT, favorite INTEGER NOT "
        "NULL DEFAULT 0, imageName TEXT)"
    )
    fields = (
        ("title", "Title", 1),
        ("description", "Description", 1),
        ("servings", "Servings", 1),
        ("preparationTime", "Preparation time", 1),
        ("source", "Source", 1),
        ("ingredients", "Ingredients", 1),
        ("directions", "Directions", 1),
    )

    def row_title(self, row):
        return row["title"] or "", row["description"] or ""

    def defaults(self):
        return {"favorite": 0, "imageName": ""}


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
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "db"
        con = sqlite3.connect(file)
        try:
            con.execute(app.schema)
            cols = ", ".join(f'"{c}"' for c in app.columns)
            con.executemany(
                f"INSERT INTO {app.table} ({cols}) VALUES ({','.join('?' * len(app.columns))})",
                [tuple(r.get(c) for c in app.columns) for r in app.rows],
            )
            con.commit()
        finally:
            con.close()
        return file.read_bytes()


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
