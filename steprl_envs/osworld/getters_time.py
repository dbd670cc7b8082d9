"""Getters whose value depends on today's date: ``rule_relativeTime`` fills date placeholders of a rule
("next Monday" -> ``{DoW}, {DayD} {Month} {Year}`` -> "Mon, 9 Dec 2026") and ``time_diff_range`` passes a
tolerance in minutes through.

Dates are computed from this machine's local clock, as OSWorld computes them on its host; the rule is copied,
never changed in place, so a task scores the same when evaluated twice.
"""

from __future__ import annotations

import copy
import datetime as dt

from .context import DesktopContext
from .getters import GETTERS

#: the clock the dates are computed from (tests freeze it)
now = dt.datetime.now

_DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: relative names that are a plain number of days from now
_DAYS = {"tomorrow": 1}


def format_day(template: str, day: dt.datetime) -> str:
    """OSWorld's placeholders, each replaced once, in OSWorld's order."""
    for key, value in (
        ("{DoW}", _DOW[day.weekday()]),
        ("{Month}", _MONTHS[day.month - 1]),
        ("{DayD}", str(day.day)),
        ("{Year}", str(day.year)),
        ("{Month0D}", f"{day.month:02d}"),
        ("{month}", _MONTHS_FULL[day.month - 1].lower()),
        ("{MonthFull}", _MONTHS_FULL[day.month - 1]),
        ("{Day0D}", f"{day.day:02d}"),
    ):
        template = template.replace(key, value, 1)
    return template


def _day_of_next_month(today: dt.datetime, day: int) -> dt.datetime:
    return dt.datetime(today.year + (today.month == 12), today.month % 12 + 1, day)


def _next_monday(today: dt.datetime) -> dt.datetime:
    return today + dt.timedelta(days=7 - today.weekday())


def _first_monday_four_months_later(today: dt.datetime) -> dt.datetime:
    month = (today.month + 4) % 12
    if month == 0:  # OSWorld's arithmetic has no month for August (it fails there too)
        raise ValueError("rule_relativeTime: 'first monday four months later' is undefined in August")
    first = dt.datetime(today.year + (today.month >= 9), month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


#: special names OSWorld resolves when a rule has only "from" ...
_SINGLE = {
    "5th next month": lambda t: _day_of_next_month(t, 5),
    "10th next month": lambda t: _day_of_next_month(t, 10),
    "this month": lambda t: t,
    "next Monday": _next_monday,
    "first monday four months later": _first_monday_four_months_later,
}
#: ... as the start of a range ...
_FROM = {
    "this Saturday": lambda t: t + dt.timedelta(days=5 - t.weekday()),
    "10th next month": lambda t: _day_of_next_month(t, 10),
    "next Monday": _next_monday,
}


def _next_friday(today: dt.datetime, start: str) -> dt.datetime:
    wd = today.weekday()
    if wd < 4 and start == "next Monday":
        return today + dt.timedelta(days=4 - wd + 7)
    return today + dt.timedelta(days=4 - wd if wd < 4 else 6 - wd + 5)


#: ... and as its end (which may depend on the start's name)
_TO = {
    "this Sunday": lambda t, start: t + dt.timedelta(days=6 - t.weekday()),
    "11th next month": lambda t, start: _day_of_next_month(t, 11),
    "next Friday": _next_friday,
}


def _resolve(name: str, table: dict, today: dt.datetime, *extra) -> dt.datetime:
    if name in _DAYS:
        return today + dt.timedelta(days=_DAYS[name])
    if name not in table:
        raise ValueError(f"rule_relativeTime: relative time {name!r} is not supported here")
    return table[name](today, *extra)


@GETTERS.register("rule_relativeTime")
def get_rule_relativeTime(ctx: DesktopContext, config: dict):  # noqa: N802 - OSWorld's name
    """The task's ``rules`` with ``expected.time`` (or ``expected.from`` / ``expected.to``) dates filled in."""
    rules = copy.deepcopy(config["rules"])
    relative, expected = rules["relativeTime"], rules["expected"]
    today = now()
    if "to" not in relative:
        expected["time"] = format_day(expected["time"], _resolve(relative["from"], _SINGLE, today))
    else:
        start, end = relative["from"], relative["to"]
        expected["from"] = format_day(expected["from"], _resolve(start, _FROM, today))
        expected["to"] = format_day(expected["to"], _resolve(end, _TO, today, start))
    return rules


@GETTERS.register("time_diff_range")
def get_time_diff_range(ctx: DesktopContext, config: dict):
    return config.get("diff_range_in_minutes")
