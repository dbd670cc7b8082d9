"""Tasks app information-retrieval tasks (``tasks.textproto``, ``task_app_utils.py``): ``org.tasks``'s table
``tasks`` (``importance`` 0 = high; ``dueDate`` / ``completed`` in ms); the tasks that answer the question among
noise tasks that cannot answer it; answers scored as AndroidWorld scores them (titles: comma-separated fuzzy
matches; counts: a number)."""

from __future__ import annotations

import calendar
import datetime
import random
from typing import ClassVar

from ..sim.tables import TasksApp, task_defaults
from .calendar_ir import check_answer, reworded
from .records import _Table

TITLES = (
    "Renew passport",
    "Call the bank",
    "Buy birthday gift",
    "Submit expense report",
    "Fix the garden gate",
    "Book flights",
    "Return library books",
    "Clean the garage",
    "Prepare slides",
    "Pay water bill",
    "Schedule vet visit",
    "Order printer paper",
    "Update resume",
    "Plan team offsite",
)
NOTES = ("", "Before noon", "Ask Sam first", "Use the online form", "Keep the receipt")


def ms(day: datetime.date, hour: int = 0, minute: int = 0) -> int:
    return calendar.timegm((day.year, day.month, day.day, hour, minute, 0)) * 1000


def task(rng: random.Random, title: str | None = None, **fields) -> dict:
    row = {**task_defaults(), "title": title or rng.choice(TITLES), "notes": rng.choice(NOTES)}
    row["importance"] = rng.choice((0, 1, 2, 3))
    row["dueDate"] = ms(datetime.date(2023, 10, rng.randint(1, 31)))
    if rng.choice((True, False)):
        row["completed"] = ms(datetime.date(2023, 10, rng.randint(1, 15)), rng.randint(8, 20), rng.choice((0, 30)))
    row.update(fields)
    return row


def due(row: dict) -> datetime.date | None:
    return datetime.datetime.fromtimestamp(row["dueDate"] / 1000, tz=datetime.UTC).date() if row["dueDate"] else None


class _TasksAnswer(_Table):
    app = "tasks"
    app_names = ("tasks",)
    sim_app = TasksApp
    answer_task = True
    complexity = 1.0
    n_noise: ClassVar[tuple[int, int]] = (6, 12)

    @classmethod
    def relevant(cls, rng) -> tuple[dict, list[dict]]:
        raise NotImplementedError

    @classmethod
    def excluded(cls, params, row) -> bool:
        raise NotImplementedError

    @classmethod
    def generate_random_params(cls, rng):
        params, rows = cls.relevant(rng)
        titles = {r["title"] for r in rows}
        noise: list[dict] = []
        while len(noise) < rng.randint(*cls.n_noise):
            row = task(rng)
            if row["title"] not in titles and not cls.excluded(params, row):
                noise.append(row)
        return {**params, "rows": rows, "noise": noise, "expected": cls.expected_of(rows)}

    @classmethod
    def expected_of(cls, rows):
        return [r["title"] for r in rows]

    @property
    def goal(self):
        return self.template.format(**self.params)

    def target_rows(self):
        return self.params["rows"]

    def is_successful(self, dev, answer=None):
        return 1.0 if check_answer(answer, self.params["expected"]) else 0.0

    def answer(self):
        return ", ".join(self.params["expected"])

    def oracle_checks(self):
        return []


def _date(rng, first=15, last=29) -> datetime.date:
    return datetime.date(2023, 10, rng.randint(first, last))


class TasksDueOnDate(_TasksAnswer):
    template = (
        "What tasks do I have due {date} in Tasks app? Answer with the titles only. If there are multiples titles, "
        "format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _date(rng)
        rows = [task(rng, t, dueDate=ms(day)) for t in rng.sample(TITLES, 3)]
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, rows

    @classmethod
    def excluded(cls, params, row):
        return str(due(row)) == params["iso_date"]


class TasksHighPriorityTasks(_TasksAnswer):
    template = (
        "What are my high priority tasks in Tasks app? Answer with the titles only. If there are multiples titles, "
        "format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        return {}, [task(rng, t, importance=0) for t in rng.sample(TITLES, rng.randint(1, 3))]

    @classmethod
    def excluded(cls, params, row):
        return row["importance"] == 0


class TasksHighPriorityTasksDueOnDate(_TasksAnswer):
    template = (
        "Which tasks with high priority are due {date} in the Tasks app? Answer with the title only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _date(rng)
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, [task(rng, importance=0, dueDate=ms(day))]

    @classmethod
    def excluded(cls, params, row):
        return str(due(row)) == params["iso_date"] and row["importance"] == 0


class TasksDueNextWeek(_TasksAnswer):
    """Six tasks due Monday 16 to Sunday 22 October; the answer is their number."""

    template = (
        "How many tasks do I have due next week in Tasks app? Assume the week starts from Monday. Express your "
        "answer as a single integer."
    )

    @classmethod
    def relevant(cls, rng):
        rows = [task(rng, t, dueDate=ms(datetime.date(2023, 10, rng.randint(16, 22)))) for t in rng.sample(TITLES, 6)]
        return {}, rows

    @classmethod
    def excluded(cls, params, row):
        d = due(row)
        return d is not None and datetime.date(2023, 10, 16) <= d <= datetime.date(2023, 10, 22)

    @classmethod
    def expected_of(cls, rows):
        return [str(len(rows))]

    def is_successful(self, dev, answer=None):
        try:
            return 1.0 if answer and float(answer.strip()) == float(self.params["expected"][0]) else 0.0
        except ValueError:
            return 0.0


class TasksCompletedTasksForDate(_TasksAnswer):
    template = (
        "Which tasks have I completed for {date} in Tasks app? Answer with the titles only. If there are multiples "
        "titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _date(rng, 1, 15)
        done = day - datetime.timedelta(days=rng.randint(0, 2))
        rows = [task(rng, t, dueDate=ms(day), completed=ms(done, rng.randint(8, 20), 0)) for t in rng.sample(TITLES, 3)]
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, rows

    @classmethod
    def excluded(cls, params, row):
        return str(due(row)) == params["iso_date"]


class TasksIncompleteTasksOnDate(_TasksAnswer):
    template = (
        "What incomplete tasks do I have still have to do by {date} in Tasks app? Answer with the titles only. If "
        "there are multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _date(rng)
        rows = [task(rng, t, dueDate=ms(day), completed=0) for t in rng.sample(TITLES, 3)]
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, rows

    @classmethod
    def excluded(cls, params, row):
        d = due(row)
        return d is not None and str(d) <= params["iso_date"] and row["completed"] == 0


TASKS = (
    TasksDueOnDate,
    TasksHighPriorityTasks,
    TasksHighPriorityTasksDueOnDate,
    TasksDueNextWeek,
    TasksCompletedTasksForDate,
    TasksIncompleteTasksOnDate,
)
