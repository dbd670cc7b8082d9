"""Apps whose data is one SQLite table on the device (Pro Expense, Broccoli): a list of rows, an Add form, a
detail page (edit, Save, Delete with a confirmation). The table is generated with the app's official database
path, table and columns when ``adb pull`` reads it, and taken back when ``adb push`` writes it, so the checks
that query the database see exactly what the UI shows."""

from __future__ import annotations

import sqlite3
from typing import ClassVar

from ...mock_gui.apps.phone_base import PageApp
from ...mock_gui.layout import Flow
from .sqlite_files import database_bytes, opened_database

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
        def fill(con: sqlite3.Connection) -> None:
            con.execute(self.schema)
            marks = ",".join("?" * len(self.columns))
            con.executemany(
                f"INSERT INTO {self.table} ({','.join(self.columns)}) VALUES ({marks})",
                [tuple(r.get(c) for c in self.columns) for r in self.rows],
            )

        return database_bytes(fill)

    def load(self, data: bytes) -> None:
        with opened_database(data) as con:
            con.row_factory = sqlite3.Row
            rows = con.execute(f"SELECT * FROM {self.table} ORDER BY {self.key}").fetchall()
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
