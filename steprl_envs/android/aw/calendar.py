"""Simple Calendar Pro (``task_evals/single/calendar``): ``events.db`` / ``events``; the device's date is
2023-10-15 15:34 UTC (AndroidWorld's frozen date), events fall in October 2023. Adding checks start/end times
exactly and title, location and description fuzzily (plus the repeat columns for repeating events);
deleting checks that exactly the target events are gone."""

from __future__ import annotations

import calendar
import datetime
import random
from typing import ClassVar

from ..sim.tables import CalendarApp, event_defaults
from .common import rows_added, rows_removed_exactly
from .records import _Table, unique

TODAY = datetime.datetime(2023, 10, 15, 15, 34, tzinfo=datetime.UTC)
TITLE_STARTS = ("Meeting with", "Call with", "Lunch with", "Review with", "Catch up with", "Workshop:")
PEOPLE = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas")
TOPICS = ("budget", "roadmap", "hiring", "launch plan", "design review", "quarterly goals", "training")
ACTIONS = ("We will discuss", "Let us go over", "Time to review", "Quick sync on")
EXTRA = ("Bring your laptop.", "Remember the slides.", "Coffee provided.", "Dial-in details in the invite.")


def event(rng: random.Random, day_from: int = 1, day_to: int = 31) -> dict:
    day = rng.randint(day_from, day_to)
    start = calendar.timegm((2023, 10, day, rng.randint(8, 20), 0, 0))
    start_word = rng.choice(TITLE_STARTS)
    title = f"{start_word} {rng.choice(TOPICS if start_word.endswith(':') else PEOPLE)}"
    description = f"{rng.choice(ACTIONS)} {rng.choice(TOPICS)}."
    if rng.choice((False, True)):
        description += " " + rng.choice(EXTRA)
    return {
        **event_defaults(),
        "start_ts": start,
        "end_ts": start + rng.choice((15, 30, 45, 60)) * 60,
        "title": title,
        "description": description,
    }


def _day(ev: dict) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ev["start_ts"], tz=datetime.UTC)


def event_params(ev: dict) -> dict:
    d = _day(ev)
    return {
        "year": d.year,
        "month": d.month,
        "day": d.day,
        "hour": d.hour,
        "duration_mins": (ev["end_ts"] - ev["start_ts"]) // 60,
        "event_title": ev["title"],
        "event_description": ev["description"],
    }


class _Calendar(_Table):
    app = "calendar"
    app_names = ("simple calendar pro",)
    sim_app = CalendarApp
    title_col = "title"
    gen = staticmethod(event)


class SimpleCalendarAddOneEvent(_Calendar):
    template = (
        "In Simple Calendar Pro, create a calendar event on {year}-{month}-{day} at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for {duration_mins} mins."
    )
    complexity = 3.4
    day_range: ClassVar[tuple[int, int]] = (1, 31)
    compare: ClassVar[tuple[str, ...]] = ("start_ts", "end_ts", "title", "location", "description")
    extras: ClassVar[tuple[str, ...]] = ("repeat_rule", "repeat_interval")

    @classmethod
    def target(cls, rng):
        return event(rng, *cls.day_range)

    @classmethod
    def generate_random_params(cls, rng):
        ev = cls.target(rng)
        noise = unique(rng, event, rng.randint(0, 20), keep=lambda r: r["title"] != ev["title"])
        return {**event_params(ev), "rows": [ev], "noise": noise}

    @property
    def goal(self):
        return self.template.format(**self.params, day_of_week=_day(self.params["rows"][0]).strftime("%A"))

    def fields(self) -> list[str]:
        return list(self.compare + self.extras)

    def is_successful(self, dev, answer=None):
        after = self.list_rows(dev)
        ok = rows_added(
            self.before, after, self.params["rows"], "id", self.fields(), ["title", "location", "description"]
        )
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        return [
            {"query": "record", "args": ["calendar", {c: r[c] for c in self.fields()}], "equals": True}
            for r in self.params["rows"]
        ]


class SimpleCalendarAddOneEventRelativeDay(SimpleCalendarAddOneEvent):
    template = (
        "In Simple Calendar Pro, create a calendar event for this {day_of_week} at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for {duration_mins} mins."
    )
    day_range = (TODAY.day + 1, TODAY.day + 6)


class SimpleCalendarAddOneEventTomorrow(SimpleCalendarAddOneEvent):
    template = (
        "In Simple Calendar Pro, create a calendar event for tomorrow at {hour}h with the title '{event_title}' and "
        "the description '{event_description}'. The event should last for {duration_mins} mins."
    )
    day_range = (TODAY.day + 1, TODAY.day + 1)


class SimpleCalendarAddOneEventInTwoWeeks(SimpleCalendarAddOneEvent):
    template = (
        "In Simple Calendar Pro, create a calendar event in two weeks from today at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for {duration_mins} mins."
    )
    day_range = (TODAY.day + 14, TODAY.day + 14)


class SimpleCalendarAddRepeatingEvent(SimpleCalendarAddOneEvent):
    template = (
        "In Simple Calendar Pro, create a recurring calendar event titled '{event_title}' starting on "
        "{year}-{month}-{day} at {hour}h. The event recurs {repeat_rule}, forever, and lasts for {duration_mins} "
        "minutes each occurrence. The event description should be '{event_description}'."
    )

    @classmethod
    def generate_random_params(cls, rng):
        params = super().generate_random_params(rng)
        ev = params["rows"][0]
        kind = rng.choice(("daily", "weekly"))
        ev["repeat_interval"] = 86400 if kind == "daily" else 604800
        ev["repeat_rule"] = (1 << _day(ev).weekday()) if kind == "weekly" else 0
        params["repeat_rule"] = kind
        return params


class SimpleCalendarDeleteEvents(_Calendar):
    template = "In Simple Calendar Pro, delete all the calendar events on {year}-{month}-{day}"
    complexity = 1.4
    n_rows, n_rows_noise = 3, 20
    day_range: ClassVar[tuple[int, int]] = (1, 31)

    @classmethod
    def generate_random_params(cls, rng):
        day = rng.randint(*cls.day_range)
        targets = [event(rng, day, day) for _ in range(cls.n_rows)]
        noise = unique(rng, event, cls.n_rows_noise, keep=lambda r: _day(r).day != day)
        d = _day(targets[0])
        return {
            "year": d.year,
            "month": d.month,
            "day": d.day,
            "day_of_week": d.strftime("%A"),
            "rows": targets,
            "noise": noise,
        }

    def target_rows(self):
        return self.params["rows"]

    def targets(self) -> list[int]:
        return [r["id"] for r in self.before[len(self.before) - len(self.params["rows"]) :]]

    def is_successful(self, dev, answer=None):
        return 1.0 if rows_removed_exactly(self.before, self.list_rows(dev), self.targets(), "id") else 0.0

    def oracle_checks(self):
        return [{"query": "records_gone", "args": ["calendar", self.targets()], "equals": True}]


class SimpleCalendarDeleteOneEvent(SimpleCalendarDeleteEvents):
    template = (
        "In Simple Calendar Pro, delete the calendar event on {year}-{month}-{day} at {hour}h with the title "
        "'{event_title}'"
    )
    complexity = 1.2
    n_rows = 1

    @classmethod
    def generate_random_params(cls, rng):
        ev = event(rng)
        noise = unique(
            rng, event, cls.n_rows_noise, keep=lambda r: r["start_ts"] != ev["start_ts"] and r["title"] != ev["title"]
        )
        return {**event_params(ev), "rows": [ev], "noise": noise}


class SimpleCalendarDeleteEventsOnRelativeDay(SimpleCalendarDeleteEvents):
    template = "In Simple Calendar Pro, delete all events scheduled for this {day_of_week}."
    complexity = 1.2
    n_rows = 2
    day_range = (TODAY.day + 1, TODAY.day + 6)


TASKS = (
    SimpleCalendarAddOneEvent,
    SimpleCalendarAddOneEventRelativeDay,
    SimpleCalendarAddOneEventTomorrow,
    SimpleCalendarAddOneEventInTwoWeeks,
    SimpleCalendarAddRepeatingEvent,
    SimpleCalendarDeleteEvents,
    SimpleCalendarDeleteOneEvent,
    SimpleCalendarDeleteEventsOnRelativeDay,
)
