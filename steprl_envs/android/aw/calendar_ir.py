"""Simple Calendar Pro information-retrieval tasks (``information_retrieval/proto/tasks.textproto``): the events
that answer the question are inserted among noise events that cannot answer it (AndroidWorld's exclusion
conditions), dates in the question are reworded as AndroidWorld does (today, tomorrow, this Friday, October 20,
...), and the ``answer`` is scored as ``proto_utils.check_agent_answer``: split on commas, as many answers as
expected, each fuzzily equal to an expected one."""

from __future__ import annotations

import calendar
import datetime
import random
from typing import ClassVar

from ..sim.tables import event_defaults
from .calendar import TODAY, _Calendar, event
from .common import fuzzy_match

TITLES = (
    "Design Sync",
    "Dentist Visit",
    "Book Club",
    "Yoga Class",
    "Budget Review",
    "Parents Evening",
    "Hackathon Kickoff",
    "Piano Lesson",
    "Team Retro",
    "Farmers Market",
    "Car Service",
    "Tax Prep",
)
LOCATIONS = ("Room 4B", "Main Library", "Cafe Aroma", "City Hall", "Studio 9", "Riverside Park", "Office Lobby")
TIMES = ("9:00am", "10:30am", "11:45am", "12pm", "1:15pm", "2:30pm", "4pm", "5:45pm", "18:30", "20:00", "21:15")
LATER_TODAY = ("4pm", "4:30pm", "5:15pm", "6pm", "18:45", "7:30pm", "20:15", "9pm")  # after 15:34
DURATIONS = {"15 minutes": 15, "30 min": 30, "45min": 45, "1 h": 60, "90 min": 90, "2 hours": 120}


def parse_time(text: str) -> tuple[int, int]:
    for fmt in ("%H:%M", "%I:%M%p", "%I%p"):
        try:
            t = datetime.datetime.strptime(text.strip(), fmt)
            return t.hour, t.minute
        except ValueError:
            continue
    raise ValueError(f"unknown time {text!r}")


def reworded(day: datetime.date, rng: random.Random) -> str:
    """A natural way to say ``day`` relative to the device's date (one of AndroidWorld's kinds of rewording)."""
    today = TODAY.date()
    delta = (day - today).days
    options = [day.strftime("%B %-d"), day.strftime("%B %-d %Y")]
    options += {0: ["today"], 1: ["tomorrow"], -1: ["yesterday"]}.get(delta, [])
    if 0 < delta < 7:
        options.append("this " + day.strftime("%A"))
    return rng.choice(options)


def check_answer(answer: str | None, expected: list[str]) -> bool:
    if not answer:
        return False
    answers = [a.strip() for a in answer.split(",")]
    return len(answers) == len(expected) and all(any(fuzzy_match(a, e) for e in expected) for a in answers)


def at(day: datetime.date, hm: tuple[int, int], minutes: int, title: str, location: str = "") -> dict:
    start = calendar.timegm((day.year, day.month, day.day, hm[0], hm[1], 0))
    return {**event_defaults(), "start_ts": start, "end_ts": start + minutes * 60, "title": title, "location": location}


def _start(ev: dict) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ev["start_ts"], tz=datetime.UTC)


class _CalendarAnswer(_Calendar):
    answer_task = True
    complexity = 1.0
    n_noise: ClassVar[tuple[int, int]] = (8, 16)

    @classmethod
    def relevant(cls, rng: random.Random) -> tuple[dict, list[dict]]:
        """(goal parameters, the events that answer the question)."""
        raise NotImplementedError

    @classmethod
    def excluded(cls, params: dict, ev: dict) -> bool:
        """A noise event that would change the answer."""
        raise NotImplementedError

    @classmethod
    def expected_of(cls, params: dict, rows: list[dict]) -> list[str]:
        return [r["title"] for r in rows]

    @classmethod
    def generate_random_params(cls, rng):
        params, rows = cls.relevant(rng)
        titles = {r["title"] for r in rows}
        noise = []
        while len(noise) < rng.randint(*cls.n_noise):
            ev = event(rng)
            if ev["title"] not in titles and not cls.excluded(params, ev):
                noise.append(ev)
        return {**params, "rows": rows, "noise": noise, "expected": cls.expected_of(params, rows)}

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


def _day(rng: random.Random, first: int = 15, last: int = 29) -> datetime.date:
    return datetime.date(2023, 10, rng.randint(first, last))


class SimpleCalendarEventsOnDate(_CalendarAnswer):
    template = (
        "What events do I have {date} in Simple Calendar Pro? Answer with the titles only. If there are multiple "
        "titles, format your answer as a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _day(rng)
        ev = at(day, parse_time(rng.choice(TIMES)), rng.choice(list(DURATIONS.values())), rng.choice(TITLES))
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        return _start(ev).date().isoformat() == params["iso_date"]


class SimpleCalendarAnyEventsOnDate(SimpleCalendarEventsOnDate):
    template = (
        "Do I have any events {date} in Simple Calendar Pro? Answer with the titles only. If there are multiples "
        "titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day = _day(rng)
        times, titles = rng.sample(TIMES, 3), rng.sample(TITLES, 3)
        rows = [at(day, parse_time(t), 60, title) for t, title in zip(times, titles, strict=True)]
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, rows


class SimpleCalendarEventOnDateAtTime(_CalendarAnswer):
    template = (
        "What is on my schedule for {date} at {time} in Simple Calendar Pro? Answer with the titles only. If there "
        "are multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day, time = _day(rng), rng.choice(TIMES)
        ev = at(day, parse_time(time), rng.choice(list(DURATIONS.values())), rng.choice(TITLES))
        return {"date": reworded(day, rng), "iso_date": day.isoformat(), "time": time}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        start = _start(ev)
        return start.date().isoformat() == params["iso_date"] and (start.hour, start.minute) == parse_time(
            params["time"]
        )


class SimpleCalendarNextEvent(_CalendarAnswer):
    """The next event after the device's time (15:34 on 2023-10-15) is today at ``time``."""

    template = (
        "What is my next upcoming event in Simple Calendar Pro? Answer with the title only. If there are multiples "
        "titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        time = rng.choice(LATER_TODAY)
        ev = at(TODAY.date(), parse_time(time), rng.choice(list(DURATIONS.values())), rng.choice(TITLES))
        return {"time": time}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        start = _start(ev)
        hm = (start.hour, start.minute)
        return start.date() == TODAY.date() and (15, 30) <= hm <= parse_time(params["time"])


class SimpleCalendarLocationOfEvent(_CalendarAnswer):
    template = "What is the location of my {title} event in Simple Calendar Pro? Answer with the location only."

    @classmethod
    def relevant(cls, rng):
        title, location = rng.choice(TITLES), rng.choice(LOCATIONS)
        ev = at(_day(rng, 1, 31), parse_time(rng.choice(TIMES)), 60, title, location)
        return {"title": title, "location": location}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        return params["title"] in ev["title"]

    @classmethod
    def expected_of(cls, params, rows):
        return [params["location"]]


class SimpleCalendarFirstEventAfterStartTime(SimpleCalendarEventOnDateAtTime):
    template = (
        "What is my first event after {time} {date} in Simple Calendar Pro? Answer with the titles only. If there "
        "are multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def excluded(cls, params, ev):
        start = _start(ev)
        return start.date().isoformat() == params["iso_date"] and (start.hour, start.minute) >= parse_time(
            params["time"]
        )


class SimpleCalendarEventsInTimeRange(_CalendarAnswer):
    template = (
        "Do I have any events between {start_time} and 8pm {date} in Simple Calendar Pro? Answer with the titles "
        "only. If there are multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        day, start = _day(rng), rng.choice([t for t in TIMES if parse_time(t) < (20, 0)])
        ev = at(day, parse_time(start), rng.choice(list(DURATIONS.values())), rng.choice(TITLES))
        return {"date": reworded(day, rng), "iso_date": day.isoformat(), "start_time": start}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        start = _start(ev)
        hm = (start.hour, start.minute)
        return start.date().isoformat() == params["iso_date"] and parse_time(params["start_time"]) <= hm <= (20, 0)


class SimpleCalendarEventsInNextWeek(_CalendarAnswer):
    """Two events between Monday 16 and Sunday 22 October (the week after the device's Sunday)."""

    template = (
        "What events do I have in the next week in Simple Calendar Pro? Assume the week starts from Monday. Answer "
        "with the titles only. If there are multiples titles, format your answer in a comma separated list."
    )

    @classmethod
    def relevant(cls, rng):
        days = rng.sample(range(16, 23), 2)
        titles = rng.sample(TITLES, 2)
        rows = [
            at(datetime.date(2023, 10, d), parse_time(t), 60, title)
            for d, t, title in zip(days, rng.sample(TIMES, 2), titles, strict=True)
        ]
        return {}, rows

    @classmethod
    def excluded(cls, params, ev):
        return 15 <= _start(ev).day <= 22


class SimpleCalendarNextMeetingWithPerson(_CalendarAnswer):
    """Answered as ``<month name> <day> <year> <HH>:<MM>`` and compared as a date and a time."""

    template = (
        "When is my next meeting with {person} in Simple Calendar Pro? Express your answer in the format <month "
        "name> <day> <year> <hour in 24-hour format>:<minutes>."
    )
    PEOPLE: ClassVar[tuple[str, ...]] = ("Maya", "Omar", "Lena", "Tariq", "Sofia", "Noah")

    @classmethod
    def relevant(cls, rng):
        person, day, time = rng.choice(cls.PEOPLE), _day(rng, 16, 31), rng.choice(TIMES)
        ev = at(day, parse_time(time), 60, f"Drinks with {person}")
        return {"person": person}, [ev]

    @classmethod
    def excluded(cls, params, ev):
        return params["person"] in ev["title"]

    @classmethod
    def expected_of(cls, params, rows):
        return [_start(rows[0]).strftime("%B %d %Y %H:%M")]

    def is_successful(self, dev, answer=None):
        if not answer:
            return 0.0
        try:
            got = datetime.datetime.strptime(answer.strip(), "%B %d %Y %H:%M")
        except ValueError:
            return 0.0
        want = datetime.datetime.strptime(self.params["expected"][0], "%B %d %Y %H:%M")
        return 1.0 if got == want else 0.0


TASKS = (
    SimpleCalendarFirstEventAfterStartTime,
    SimpleCalendarEventsInTimeRange,
    SimpleCalendarEventsInNextWeek,
    SimpleCalendarNextMeetingWithPerson,
    SimpleCalendarEventsOnDate,
    SimpleCalendarAnyEventsOnDate,
    SimpleCalendarEventOnDateAtTime,
    SimpleCalendarNextEvent,
    SimpleCalendarLocationOfEvent,
)
