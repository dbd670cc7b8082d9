"""Pro Expense and Broccoli: one SQLite table each (``accounting.db`` / ``expense``, ``broccoli`` / ``recipes``).
As AndroidWorld's ``sqlite_validators``: setup empties the table, inserts the noise rows, then the rows the
task is about; the check compares the table with the rows read after setup (removal or addition integrity)."""

from __future__ import annotations

import random
from typing import ClassVar

from ..sim.markor import MARKOR_DIR
from ..sim.records import EXPENSE_CATEGORIES, ExpenseApp
from .common import OfficialTask, clear_dir, create_file, rows_added, rows_removed_exactly

EXPENSE_NAMES = {
    "Others": ("Pet Food", "Printer Ink", "Spare Keys", "Phone Case", "Batteries", "Umbrella"),
    "Income": ("Paycheck", "Tutoring Fee", "Tax Refund", "Sold Bike", "Book Royalties", "Cashback"),
    "Food": ("Lunch Box", "Farmers Market", "Pizza Night", "Bagels", "Sushi Takeout", "Tea Leaves"),
    "Housing": ("Water Bill", "Roof Fix", "New Curtains", "Gas Bill", "Locksmith", "Paint Supplies"),
    "Social": ("Team Dinner", "Housewarming Gift", "Bowling Night", "Karaoke", "Baby Shower", "Picnic"),
    "Entertainment": ("Concert Seats", "Board Game", "Streaming Plan", "Cinema", "Museum Pass", "Video Game"),
    "Transportation": ("Bus Pass", "Taxi Ride", "Parking Fee", "Train Ticket", "Bike Repair", "Fuel"),
    "Clothes": ("Rain Jacket", "Running Shoes", "Wool Socks", "Summer Hat", "Work Shirt", "Scarf"),
    "Health Care": ("Eye Exam", "Vitamins", "Physio Session", "Dental Cleaning", "First Aid Kit", "Flu Shot"),
    "Education": ("Online Course", "Textbook", "Exam Fee", "Art Class", "Language App", "Workshop"),
    "Donation": ("Food Bank", "Animal Shelter", "Library Fund", "Park Cleanup", "School Drive", "Red Cross"),
}
EXPENSE_NOTES = (
    "Paid by card",
    "Split with a friend",
    "Monthly",
    "One-off",
    "Keep the receipt",
    "Paid in cash",
    "Work related",
    "Gift",
)


def gen_expense(rng: random.Random) -> dict:
    category = rng.choice(list(EXPENSE_CATEGORIES))
    stamp = rng.randint(1690000000, 1697380000) * 1000
    return {
        "name": rng.choice(EXPENSE_NAMES[EXPENSE_CATEGORIES[category]]),
        "amount": rng.randint(1000, 50000),
        "category": category,
        "note": rng.choice(EXPENSE_NOTES),
        "created_date": stamp,
        "modified_date": stamp,
    }


def unique(rng: random.Random, gen, n: int, keep=lambda r: True, avoid=()) -> list[dict]:
    """``n`` distinct generated rows that ``keep`` accepts (none equal to a row of ``avoid``)."""
    out: list[dict] = []
    tries = 0
    while len(out) < n:
        row = gen(rng)
        tries += 1
        if keep(row) and row not in out and row not in avoid:
            out.append(row)
        if tries > 5000:
            raise RuntimeError("could not draw enough distinct rows")
    return out


class _Table(OfficialTask):
    """Setup and listing of one app table over ADB (pull, change, push, as the sqlite helpers do)."""

    sim_app: ClassVar[type] = ExpenseApp
    n_rows: ClassVar[int] = 1
    n_rows_noise: ClassVar[int] = 0

    @classmethod
    def gen(cls, rng):
        raise NotImplementedError

    def columns(self) -> list[str]:
        return [c for c in self.sim_app.columns if c != self.sim_app.key]

    def listing_sql(self) -> str:
        return f"SELECT * FROM {self.sim_app.table} ORDER BY {self.sim_app.key}"

    def list_rows(self, dev) -> list[dict]:
        return dev.sqlite_query(self.sim_app.db_path, self.listing_sql())

    def inserts(self, rows: list[dict]) -> list[tuple[str, tuple]]:
        app, cols = self.sim_app, self.columns()
        names = ", ".join(f'"{c}"' for c in cols)
        sql = f"INSERT INTO {app.table} ({names}) VALUES ({', '.join('?' * len(cols))})"
        return [(sql, tuple(r.get(c) for c in cols)) for r in rows]

    def setup(self, dev):
        """One pull-change-push: empty the table, the noise rows, then the task's rows (so they are last)."""
        app = self.sim_app
        statements = [(f"DELETE FROM {app.table}", ())]
        statements += self.inserts(self.params.get("noise") or []) + self.inserts(self.target_rows())
        self.before = dev.sqlite_modify(app.db_path, statements, query=self.listing_sql())
        self.add_files(dev)
        dev.app_stop(app.package[0])

    def target_rows(self) -> list[dict]:
        """Rows the task is about, inserted after the noise (deletion tasks)."""
        return []

    def add_files(self, dev) -> None:
        """Files to read (tasks that copy rows from a Markor note)."""

    def tear_down(self, dev):
        app = self.sim_app
        dev.sqlite_modify(app.db_path, [(f"DELETE FROM {app.table}", ())])
        super().tear_down(dev)


class _Delete(_Table):
    @classmethod
    def generate_random_params(cls, rng):
        rows = unique(rng, cls.gen, cls.n_rows + cls.n_rows_noise)
        return {"rows": rows[cls.n_rows_noise :], "noise": rows[: cls.n_rows_noise]}

    def target_rows(self):
        return self.params["rows"]

    def targets(self) -> list[int]:
        key = self.sim_app.key
        return [r[key] for r in self.before[len(self.before) - len(self.params["rows"]) :]]

    def is_successful(self, dev, answer=None):
        ok = rows_removed_exactly(self.before, self.list_rows(dev), self.targets(), self.sim_app.key)
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        return [{"query": "record_gone", "args": [self.sim_app.name, k], "equals": True} for k in self.targets()]


class _DeleteDuplicates(_Delete):
    """Two identical rows: removing either one (and nothing else) passes."""

    @classmethod
    def generate_random_params(cls, rng):
        rows = unique(rng, cls.gen, cls.n_rows_noise + 1)
        target = rows.pop()
        return {"rows": [target, dict(target)], "noise": rows}

    def is_successful(self, dev, answer=None):
        after, key = self.list_rows(dev), self.sim_app.key
        ok = any(rows_removed_exactly(self.before, after, [k], key) for k in self.targets())
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        return [{"query": "record_gone", "args": [self.sim_app.name, self.targets()[0]], "equals": True}]


class _Add(_Table):
    compare: ClassVar[tuple[str, ...]] = ()
    free: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def generate_random_params(cls, rng):
        rows = unique(rng, cls.gen, cls.n_rows)
        titles = {r[cls.title_col] for r in rows}
        noise = unique(rng, cls.gen, cls.n_rows_noise, keep=lambda r: r[cls.title_col] not in titles)
        return {"rows": rows, "noise": noise, "text_format": rng.choice(("csv", "text_block"))}

    def is_successful(self, dev, answer=None):
        after = self.list_rows(dev)
        ok = rows_added(self.before, after, self.params["rows"], self.sim_app.key, list(self.compare), list(self.free))
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        return [
            {"query": "record", "args": [self.sim_app.name, {c: r[c] for c in self.compare}], "equals": True}
            for r in self.params["rows"]
        ]


def as_text(rows: list[dict], fields: list[str], fmt: str, title: str, kind: str) -> str:
    """Rows as AndroidWorld writes them into goals and files: ``a|b|c`` lines under a header, or text blocks."""
    if fmt == "csv":
        return "|".join(fields) + "\n" + "\n".join("|".join(str(r.get(f, "")) for f in fields) for r in rows)
    blocks = []
    for r in rows:
        block = f"{kind}: {r.get(title, '')}\n"
        block += "".join(f" {f}: {r.get(f, '')}\n" for f in fields if f != title)
        blocks.append(block)
    return "\n".join(blocks)


# -- Pro Expense ---------------------------------------------------------------------------------------------------
def _expense_view(row: dict) -> dict:
    return {
        **row,
        "amount_dollars": f"${row['amount'] / 100}",
        "category_name": EXPENSE_CATEGORIES[row["category"]],
    }


EXPENSE_FIELDS = ["name", "amount_dollars", "category_name", "note"]


class _Expense:
    app = "expense"
    app_names = ("pro expense",)
    sim_app = ExpenseApp
    title_col = "name"
    gen = staticmethod(gen_expense)


class _ExpenseDelete(_Expense, _Delete):
    @property
    def goal(self):
        names = ", ".join(r["name"] for r in self.params["rows"])
        return f"Delete the following expenses from pro expense: {names}."


class ExpenseDeleteSingle(_ExpenseDelete):
    complexity, n_rows, n_rows_noise = 1.0, 1, 0


class ExpenseDeleteMultiple(_ExpenseDelete):
    complexity, n_rows, n_rows_noise = 2.0, 3, 0


class ExpenseDeleteMultiple2(_ExpenseDelete):
    complexity, n_rows, n_rows_noise = 3.4, 3, 50


class ExpenseDeleteDuplicates(_Expense, _DeleteDuplicates):
    complexity, n_rows, n_rows_noise = 1.2, 1, 5
    template = (
        "Delete all but one of any expenses in pro expense that are exact duplicates, ensuring at least one "
        "instance of each unique expense remains."
    )


class ExpenseDeleteDuplicates2(ExpenseDeleteDuplicates):
    """Near-duplicates (same expense, other amounts and dates) are noise and must stay."""

    complexity, n_rows, n_rows_noise = 1.8, 1, 40

    @classmethod
    def generate_random_params(cls, rng):
        noise = unique(rng, cls.gen, cls.n_rows_noise - 2)
        target = noise.pop()
        for bump in rng.sample(range(50, 1000), 3):
            stamp = rng.randint(1690000000, 1697380000) * 1000
            noise.append({**target, "amount": target["amount"] + bump, "created_date": stamp, "modified_date": stamp})
        return {"rows": [target, dict(target)], "noise": noise}


class _ExpenseAdd(_Expense, _Add):
    compare = ("name", "amount", "category", "note")
    free = ("name", "note")

    @property
    def goal(self):
        text = as_text(
            [_expense_view(r) for r in self.params["rows"]],
            EXPENSE_FIELDS,
            self.params["text_format"],
            "name",
            "Expense",
        )
        return f"Add the following expenses into the pro expense:\n{text}"


class ExpenseAddSingle(_ExpenseAdd):
    complexity, n_rows, n_rows_noise = 1.2, 1, 10


class ExpenseAddMultiple(_ExpenseAdd):
    complexity, n_rows, n_rows_noise = 6.0, 3, 10


class ExpenseAddMultipleFromMarkor(_ExpenseAdd):
    """The reimbursable rows of ``my_expenses.txt`` (a Markor note) are to be logged."""

    complexity, n_rows, n_rows_noise = 6.0, 2, 100
    app_names = ("pro expense", "markor")
    template = "Go through the transactions in my_expenses.txt in Markor. Log the reimbursable transactions in the pro expense."

    @property
    def goal(self):
        return self.template

    def add_files(self, dev):
        """The file marks the targets' notes ``. Reimbursable.``; the check expects the rows as generated."""
        rows = [{**r, "note": r["note"] + ". Reimbursable."} for r in self.params["rows"]] + self.params["noise"]
        random.shuffle(rows)
        clear_dir(dev, MARKOR_DIR)
        create_file(
            dev,
            MARKOR_DIR,
            "my_expenses.txt",
            as_text([_expense_view(r) for r in rows], EXPENSE_FIELDS, "csv", "name", "Expense"),
        )

    def tear_down(self, dev):
        clear_dir(dev, MARKOR_DIR)
        super().tear_down(dev)


TASKS = (
    ExpenseDeleteSingle,
    ExpenseDeleteMultiple,
    ExpenseDeleteMultiple2,
    ExpenseDeleteDuplicates,
    ExpenseDeleteDuplicates2,
    ExpenseAddSingle,
    ExpenseAddMultiple,
    ExpenseAddMultipleFromMarkor,
)
