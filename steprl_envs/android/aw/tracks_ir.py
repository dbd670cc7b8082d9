"""OpenTracks information-retrieval tasks (``tasks.textproto``, ``activity_app_utils.py``): activities in
``database.db`` / ``tracks`` (start, stop and total time in ms, distance in meters), the ones that answer the
question among noise activities that cannot; "this week" is Monday 9 to Sunday 15 October 2023. Answers are
scored as AndroidWorld scores them (categories: comma-separated fuzzy matches; numbers: equal)."""

from __future__ import annotations

import calendar
import datetime
import random
import uuid
from typing import ClassVar

from ..sim.tables import TracksApp
from .calendar_ir import check_answer, reworded
from .records import _Table

CATEGORIES = {
    "running": ("Morning run", "Park loop", "Tempo run"),
    "biking": ("Commute ride", "Hill ride", "River ride"),
    "walking": ("Lunch walk", "Dog walk", "City stroll"),
    "hiking": ("Ridge hike", "Forest trail", "Summit push"),
    "swimming": ("Pool laps", "Lake swim", "Open water"),
}
WEEK = (datetime.date(2023, 10, 9), datetime.date(2023, 10, 15))


def activity(rng: random.Random, category: str | None = None, day: datetime.date | None = None, **extra) -> dict:
    category = category or rng.choice(list(CATEGORIES))
    day = day or datetime.date(2023, 10, rng.randint(1, 15))
    minutes = extra.pop("minutes", rng.choice((20, 30, 35, 45, 50, 60, 75, 90)))
    distance = extra.pop("distance", float(rng.randint(8, 200) * 100))
    start = calendar.timegm((day.year, day.month, day.day, rng.randint(6, 19), rng.choice((0, 15, 30, 45)), 0)) * 1000
    total = minutes * 60000
    speed = distance / (total / 1000)
    row = {
        "name": rng.choice(CATEGORIES[category]),
        "description": "",
        "category": category,
        "activity_type": category,
        "starttime": start,
        "stoptime": start + total,
        "numpoints": 0,
        "totaldistance": distance,
        "totaltime": total,
        "movingtime": total,
        "avgspeed": speed,
        "avgmovingspeed": speed,
        "maxspeed": 0.0,
        "minelevation": 0.0,
        "maxelevation": 0.0,
        "elevationgain": float(rng.randint(0, 300)),
        "elevationloss": float(rng.randint(0, 300)),
        "icon": None,
        "uuid": uuid.UUID(int=rng.getrandbits(128)).bytes,
    }
    row.update(extra)
    return row


def day_of(row: dict) -> datetime.date:
    return datetime.datetime.fromtimestamp(row["starttime"] / 1000, tz=datetime.UTC).date()


def in_week(row: dict) -> bool:
    return WEEK[0] <= day_of(row) <= WEEK[1]


class _TracksAnswer(_Table):
    app = "opentracks"
    app_names = ("open tracks sports tracker",)
    sim_app = TracksApp
    answer_task = True
    complexity = 1.0
    number: ClassVar[bool] = True

    @classmethod
    def relevant(cls, rng) -> tuple[dict, list[dict]]:
        raise NotImplementedError

    @classmethod
    def excluded(cls, params, row) -> bool:
        raise NotImplementedError

    @classmethod
    def expected_of(cls, params, rows) -> list[str]:
        raise NotImplementedError

    @classmethod
    def generate_random_params(cls, rng):
        params, rows = cls.relevant(rng)
        noise: list[dict] = []
        while len(noise) < rng.randint(5, 10):
            row = activity(rng)
            if not cls.excluded(params, row):
                noise.append(row)
        return {**params, "rows": rows, "noise": noise, "expected": cls.expected_of(params, rows)}

    @property
    def goal(self):
        return self.template.format(**self.params)

    def target_rows(self):
        return self.params["rows"]

    def is_successful(self, dev, answer=None):
        if not self.number:
            return 1.0 if check_answer(answer, self.params["expected"]) else 0.0
        try:
            return 1.0 if answer and float(answer.strip()) == float(self.params["expected"][0]) else 0.0
        except ValueError:
            return 0.0

    def answer(self):
        return ", ".join(self.params["expected"])

    def oracle_checks(self):
        return []


class SportsTrackerActivitiesOnDate(_TracksAnswer):
    template = (
        "What activities did I do {date} in the OpenTracks app? Answer with the activity type only. If there are "
        "multiple types, format your answer in a comma separated list."
    )
    number = False

    @classmethod
    def relevant(cls, rng):
        day = datetime.date(2023, 10, rng.randint(1, 15))
        rows = [activity(rng, c, day) for c in rng.sample(list(CATEGORIES), 2)]
        return {"date": reworded(day, rng), "iso_date": day.isoformat()}, rows

    @classmethod
    def excluded(cls, params, row):
        return day_of(row).isoformat() == params["iso_date"]

    @classmethod
    def expected_of(cls, params, rows):
        return [r["category"] for r in rows]


class _CategoryThisWeek(_TracksAnswer):
    """Questions about one category's activities this week (Monday to the frozen date)."""

    activities: ClassVar[tuple[int, int]] = (1, 4)  # how many such activities the week holds

    @classmethod
    def relevant(cls, rng):
        category = rng.choice(list(CATEGORIES))
        days = rng.sample(range(9, 16), rng.randint(*cls.activities))
        return {"category": category}, [activity(rng, category, datetime.date(2023, 10, d)) for d in days]

    @classmethod
    def excluded(cls, params, row):
        return params["category"] in row["category"] and in_week(row)


class SportsTrackerActivitiesCountForWeek(_CategoryThisWeek):
    template = (
        "How many {category} activities did I do this week in the OpenTracks app? Assume the week starts from "
        "Monday. Express your answer as a single integer."
    )

    @classmethod
    def expected_of(cls, params, rows):
        return [str(len(rows))]


class SportsTrackerActivityDuration(_TracksAnswer):
    template = (
        "How long was my {category} activity {date} in the OpenTracks app? Express your answer in minutes as a "
        "single integer."
    )

    @classmethod
    def relevant(cls, rng):
        category, day = rng.choice(list(CATEGORIES)), datetime.date(2023, 10, rng.randint(1, 15))
        row = activity(rng, category, day)
        return {"category": category, "date": reworded(day, rng), "iso_date": day.isoformat()}, [row]

    @classmethod
    def excluded(cls, params, row):
        return day_of(row).isoformat() == params["iso_date"] and params["category"] in row["category"]

    @classmethod
    def expected_of(cls, params, rows):
        return [str(rows[0]["totaltime"] // 60000)]


class SportsTrackerLongestDistanceActivity(_TracksAnswer):
    template = (
        "What was the longest distance covered in a {category} activity in the OpenTracks app this week? Assume the "
        "week starts from Monday. Express your answer as a single number in meters rounded to the nearest integer."
    )

    @classmethod
    def relevant(cls, rng):
        category = rng.choice(list(CATEGORIES))
        distance = float(rng.randint(100, 250) * 100)
        row = activity(rng, category, datetime.date(2023, 10, rng.randint(9, 15)), distance=distance)
        return {"category": category, "distance": distance}, [row]

    @classmethod
    def excluded(cls, params, row):
        return params["category"] in row["category"] and in_week(row) and row["totaldistance"] >= params["distance"]

    @classmethod
    def expected_of(cls, params, rows):
        return [str(round(rows[0]["totaldistance"]))]


class SportsTrackerTotalDurationForCategoryThisWeek(_CategoryThisWeek):
    template = (
        "What was the total duration of {category} activities in the OpenTracks app this week? Assume the week "
        "starts from Monday. Express your answer in minutes as a single integer."
    )
    activities = (2, 3)

    @classmethod
    def expected_of(cls, params, rows):
        return [str(sum(r["totaltime"] for r in rows) // 60000)]


class SportsTrackerTotalDistanceForCategoryOverInterval(_TracksAnswer):
    template = (
        "What was the total distance covered for {category} activities in the OpenTracks app from {start_date} to "
        "{end_date}? Express your answer as a single number in meters rounded to the nearest integer."
    )

    @classmethod
    def relevant(cls, rng):
        category = rng.choice(list(CATEGORIES))
        first = rng.randint(1, 10)
        last = first + rng.randint(2, 5)
        days = rng.sample(range(first, last + 1), 2)
        rows = [activity(rng, category, datetime.date(2023, 10, d)) for d in days]
        params = {
            "category": category,
            "start_date": datetime.date(2023, 10, first).strftime("%B %-d %Y"),
            "end_date": datetime.date(2023, 10, last).strftime("%B %-d %Y"),
            "first": first,
            "last": last,
        }
        return params, rows

    @classmethod
    def excluded(cls, params, row):
        return params["category"] in row["category"] and params["first"] <= day_of(row).day <= params["last"]

    @classmethod
    def expected_of(cls, params, rows):
        return [str(round(sum(r["totaldistance"] for r in rows)))]


TASKS = (
    SportsTrackerActivitiesOnDate,
    SportsTrackerActivitiesCountForWeek,
    SportsTrackerActivityDuration,
    SportsTrackerLongestDistanceActivity,
    SportsTrackerTotalDurationForCategoryThisWeek,
    SportsTrackerTotalDistanceForCategoryOverInterval,
)
