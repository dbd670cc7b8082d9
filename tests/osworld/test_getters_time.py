"""``rule_relativeTime`` against OSWorld's own getter on frozen clocks (every weekday, year and month ends), and the
other date-dependent getters."""

from __future__ import annotations

import datetime

import pytest

from steprl_envs.osworld import getters_time
from steprl_envs.osworld.getters import GETTERS
from tests.osworld.fakes import FakeClient, context

ALL = "{DoW}|{Month}|{DayD}|{Year}|{Month0D}|{month}|{MonthFull}|{Day0D}"

#: (frozen now, relativeTime, what OSWorld's get_rule_relativeTime filled in ("error": it raised))
OFFICIAL = [
    ((2026, 12, 7, 9, 0), {"from": "tomorrow"}, {"time": "Tue|Dec|8|2026|12|december|December|08"}),
    ((2026, 12, 7, 9, 0), {"from": "5th next month"}, {"time": "Tue|Jan|5|2027|01|january|January|05"}),
    ((2026, 12, 7, 9, 0), {"from": "10th next month"}, {"time": "Sun|Jan|10|2027|01|january|January|10"}),
    ((2026, 12, 7, 9, 0), {"from": "this month"}, {"time": "Mon|Dec|7|2026|12|december|December|07"}),
    ((2026, 12, 7, 9, 0), {"from": "next Monday"}, {"time": "Mon|Dec|14|2026|12|december|December|14"}),
    ((2026, 12, 7, 9, 0), {"from": "first monday four months later"}, {"time": "Mon|Apr|5|2027|04|april|April|05"}),
    (
        (2026, 12, 7, 9, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Dec|14|2026|12|december|December|14", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    (
        (2026, 12, 7, 9, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Sun|Jan|10|2027|01|january|January|10", "to": "Mon|Jan|11|2027|01|january|January|11"},
    ),
    (
        (2026, 12, 7, 9, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Dec|12|2026|12|december|December|12", "to": "Sun|Dec|13|2026|12|december|December|13"},
    ),
    (
        (2026, 12, 7, 9, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Tue|Dec|8|2026|12|december|December|08", "to": "Fri|Dec|11|2026|12|december|December|11"},
    ),
    ((2026, 12, 10, 23, 59), {"from": "tomorrow"}, {"time": "Fri|Dec|11|2026|12|december|December|11"}),
    ((2026, 12, 10, 23, 59), {"from": "5th next month"}, {"time": "Tue|Jan|5|2027|01|january|January|05"}),
    ((2026, 12, 10, 23, 59), {"from": "10th next month"}, {"time": "Sun|Jan|10|2027|01|january|January|10"}),
    ((2026, 12, 10, 23, 59), {"from": "this month"}, {"time": "Thu|Dec|10|2026|12|december|December|10"}),
    ((2026, 12, 10, 23, 59), {"from": "next Monday"}, {"time": "Mon|Dec|14|2026|12|december|December|14"}),
    ((2026, 12, 10, 23, 59), {"from": "first monday four months later"}, {"time": "Mon|Apr|5|2027|04|april|April|05"}),
    (
        (2026, 12, 10, 23, 59),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Dec|14|2026|12|december|December|14", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    (
        (2026, 12, 10, 23, 59),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Sun|Jan|10|2027|01|january|January|10", "to": "Mon|Jan|11|2027|01|january|January|11"},
    ),
    (
        (2026, 12, 10, 23, 59),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Dec|12|2026|12|december|December|12", "to": "Sun|Dec|13|2026|12|december|December|13"},
    ),
    (
        (2026, 12, 10, 23, 59),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Fri|Dec|11|2026|12|december|December|11", "to": "Fri|Dec|11|2026|12|december|December|11"},
    ),
    ((2026, 12, 12, 0, 1), {"from": "tomorrow"}, {"time": "Sun|Dec|13|2026|12|december|December|13"}),
    ((2026, 12, 12, 0, 1), {"from": "5th next month"}, {"time": "Tue|Jan|5|2027|01|january|January|05"}),
    ((2026, 12, 12, 0, 1), {"from": "10th next month"}, {"time": "Sun|Jan|10|2027|01|january|January|10"}),
    ((2026, 12, 12, 0, 1), {"from": "this month"}, {"time": "Sat|Dec|12|2026|12|december|December|12"}),
    ((2026, 12, 12, 0, 1), {"from": "next Monday"}, {"time": "Mon|Dec|14|2026|12|december|December|14"}),
    ((2026, 12, 12, 0, 1), {"from": "first monday four months later"}, {"time": "Mon|Apr|5|2027|04|april|April|05"}),
    (
        (2026, 12, 12, 0, 1),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Dec|14|2026|12|december|December|14", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    (
        (2026, 12, 12, 0, 1),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Sun|Jan|10|2027|01|january|January|10", "to": "Mon|Jan|11|2027|01|january|January|11"},
    ),
    (
        (2026, 12, 12, 0, 1),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Dec|12|2026|12|december|December|12", "to": "Sun|Dec|13|2026|12|december|December|13"},
    ),
    (
        (2026, 12, 12, 0, 1),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Sun|Dec|13|2026|12|december|December|13", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    ((2026, 12, 13, 12, 0), {"from": "tomorrow"}, {"time": "Mon|Dec|14|2026|12|december|December|14"}),
    ((2026, 12, 13, 12, 0), {"from": "5th next month"}, {"time": "Tue|Jan|5|2027|01|january|January|05"}),
    ((2026, 12, 13, 12, 0), {"from": "10th next month"}, {"time": "Sun|Jan|10|2027|01|january|January|10"}),
    ((2026, 12, 13, 12, 0), {"from": "this month"}, {"time": "Sun|Dec|13|2026|12|december|December|13"}),
    ((2026, 12, 13, 12, 0), {"from": "next Monday"}, {"time": "Mon|Dec|14|2026|12|december|December|14"}),
    ((2026, 12, 13, 12, 0), {"from": "first monday four months later"}, {"time": "Mon|Apr|5|2027|04|april|April|05"}),
    (
        (2026, 12, 13, 12, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Dec|14|2026|12|december|December|14", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    (
        (2026, 12, 13, 12, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Sun|Jan|10|2027|01|january|January|10", "to": "Mon|Jan|11|2027|01|january|January|11"},
    ),
    (
        (2026, 12, 13, 12, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Dec|12|2026|12|december|December|12", "to": "Sun|Dec|13|2026|12|december|December|13"},
    ),
    (
        (2026, 12, 13, 12, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Mon|Dec|14|2026|12|december|December|14", "to": "Fri|Dec|18|2026|12|december|December|18"},
    ),
    ((2027, 1, 29, 8, 0), {"from": "tomorrow"}, {"time": "Sat|Jan|30|2027|01|january|January|30"}),
    ((2027, 1, 29, 8, 0), {"from": "5th next month"}, {"time": "Fri|Feb|5|2027|02|february|February|05"}),
    ((2027, 1, 29, 8, 0), {"from": "10th next month"}, {"time": "Wed|Feb|10|2027|02|february|February|10"}),
    ((2027, 1, 29, 8, 0), {"from": "this month"}, {"time": "Fri|Jan|29|2027|01|january|January|29"}),
    ((2027, 1, 29, 8, 0), {"from": "next Monday"}, {"time": "Mon|Feb|1|2027|02|february|February|01"}),
    ((2027, 1, 29, 8, 0), {"from": "first monday four months later"}, {"time": "Mon|May|3|2027|05|may|May|03"}),
    (
        (2027, 1, 29, 8, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Feb|1|2027|02|february|February|01", "to": "Fri|Feb|5|2027|02|february|February|05"},
    ),
    (
        (2027, 1, 29, 8, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Wed|Feb|10|2027|02|february|February|10", "to": "Thu|Feb|11|2027|02|february|February|11"},
    ),
    (
        (2027, 1, 29, 8, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Jan|30|2027|01|january|January|30", "to": "Sun|Jan|31|2027|01|january|January|31"},
    ),
    (
        (2027, 1, 29, 8, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Sat|Jan|30|2027|01|january|January|30", "to": "Fri|Feb|5|2027|02|february|February|05"},
    ),
    ((2026, 9, 30, 8, 0), {"from": "tomorrow"}, {"time": "Thu|Oct|1|2026|10|october|October|01"}),
    ((2026, 9, 30, 8, 0), {"from": "5th next month"}, {"time": "Mon|Oct|5|2026|10|october|October|05"}),
    ((2026, 9, 30, 8, 0), {"from": "10th next month"}, {"time": "Sat|Oct|10|2026|10|october|October|10"}),
    ((2026, 9, 30, 8, 0), {"from": "this month"}, {"time": "Wed|Sep|30|2026|09|september|September|30"}),
    ((2026, 9, 30, 8, 0), {"from": "next Monday"}, {"time": "Mon|Oct|5|2026|10|october|October|05"}),
    ((2026, 9, 30, 8, 0), {"from": "first monday four months later"}, {"time": "Mon|Jan|4|2027|01|january|January|04"}),
    (
        (2026, 9, 30, 8, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Oct|5|2026|10|october|October|05", "to": "Fri|Oct|9|2026|10|october|October|09"},
    ),
    (
        (2026, 9, 30, 8, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Sat|Oct|10|2026|10|october|October|10", "to": "Sun|Oct|11|2026|10|october|October|11"},
    ),
    (
        (2026, 9, 30, 8, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Oct|3|2026|10|october|October|03", "to": "Sun|Oct|4|2026|10|october|October|04"},
    ),
    (
        (2026, 9, 30, 8, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Thu|Oct|1|2026|10|october|October|01", "to": "Fri|Oct|2|2026|10|october|October|02"},
    ),
    ((2027, 2, 26, 8, 0), {"from": "tomorrow"}, {"time": "Sat|Feb|27|2027|02|february|February|27"}),
    ((2027, 2, 26, 8, 0), {"from": "5th next month"}, {"time": "Fri|Mar|5|2027|03|march|March|05"}),
    ((2027, 2, 26, 8, 0), {"from": "10th next month"}, {"time": "Wed|Mar|10|2027|03|march|March|10"}),
    ((2027, 2, 26, 8, 0), {"from": "this month"}, {"time": "Fri|Feb|26|2027|02|february|February|26"}),
    ((2027, 2, 26, 8, 0), {"from": "next Monday"}, {"time": "Mon|Mar|1|2027|03|march|March|01"}),
    ((2027, 2, 26, 8, 0), {"from": "first monday four months later"}, {"time": "Mon|Jun|7|2027|06|june|June|07"}),
    (
        (2027, 2, 26, 8, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Mar|1|2027|03|march|March|01", "to": "Fri|Mar|5|2027|03|march|March|05"},
    ),
    (
        (2027, 2, 26, 8, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Wed|Mar|10|2027|03|march|March|10", "to": "Thu|Mar|11|2027|03|march|March|11"},
    ),
    (
        (2027, 2, 26, 8, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Feb|27|2027|02|february|February|27", "to": "Sun|Feb|28|2027|02|february|February|28"},
    ),
    (
        (2027, 2, 26, 8, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Sat|Feb|27|2027|02|february|February|27", "to": "Fri|Mar|5|2027|03|march|March|05"},
    ),
    ((2026, 11, 6, 8, 0), {"from": "tomorrow"}, {"time": "Sat|Nov|7|2026|11|november|November|07"}),
    ((2026, 11, 6, 8, 0), {"from": "5th next month"}, {"time": "Sat|Dec|5|2026|12|december|December|05"}),
    ((2026, 11, 6, 8, 0), {"from": "10th next month"}, {"time": "Thu|Dec|10|2026|12|december|December|10"}),
    ((2026, 11, 6, 8, 0), {"from": "this month"}, {"time": "Fri|Nov|6|2026|11|november|November|06"}),
    ((2026, 11, 6, 8, 0), {"from": "next Monday"}, {"time": "Mon|Nov|9|2026|11|november|November|09"}),
    ((2026, 11, 6, 8, 0), {"from": "first monday four months later"}, {"time": "Mon|Mar|1|2027|03|march|March|01"}),
    (
        (2026, 11, 6, 8, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Nov|9|2026|11|november|November|09", "to": "Fri|Nov|13|2026|11|november|November|13"},
    ),
    (
        (2026, 11, 6, 8, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Thu|Dec|10|2026|12|december|December|10", "to": "Fri|Dec|11|2026|12|december|December|11"},
    ),
    (
        (2026, 11, 6, 8, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Nov|7|2026|11|november|November|07", "to": "Sun|Nov|8|2026|11|november|November|08"},
    ),
    (
        (2026, 11, 6, 8, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Sat|Nov|7|2026|11|november|November|07", "to": "Fri|Nov|13|2026|11|november|November|13"},
    ),
    ((2027, 8, 2, 8, 0), {"from": "tomorrow"}, {"time": "Tue|Aug|3|2027|08|august|August|03"}),
    ((2027, 8, 2, 8, 0), {"from": "5th next month"}, {"time": "Sun|Sep|5|2027|09|september|September|05"}),
    ((2027, 8, 2, 8, 0), {"from": "10th next month"}, {"time": "Fri|Sep|10|2027|09|september|September|10"}),
    ((2027, 8, 2, 8, 0), {"from": "this month"}, {"time": "Mon|Aug|2|2027|08|august|August|02"}),
    ((2027, 8, 2, 8, 0), {"from": "next Monday"}, {"time": "Mon|Aug|9|2027|08|august|August|09"}),
    ((2027, 8, 2, 8, 0), {"from": "first monday four months later"}, "error"),
    (
        (2027, 8, 2, 8, 0),
        {"from": "next Monday", "to": "next Friday"},
        {"from": "Mon|Aug|9|2027|08|august|August|09", "to": "Fri|Aug|13|2027|08|august|August|13"},
    ),
    (
        (2027, 8, 2, 8, 0),
        {"from": "10th next month", "to": "11th next month"},
        {"from": "Fri|Sep|10|2027|09|september|September|10", "to": "Sat|Sep|11|2027|09|september|September|11"},
    ),
    (
        (2027, 8, 2, 8, 0),
        {"from": "this Saturday", "to": "this Sunday"},
        {"from": "Sat|Aug|7|2027|08|august|August|07", "to": "Sun|Aug|8|2027|08|august|August|08"},
    ),
    (
        (2027, 8, 2, 8, 0),
        {"from": "tomorrow", "to": "next Friday"},
        {"from": "Tue|Aug|3|2027|08|august|August|03", "to": "Fri|Aug|6|2027|08|august|August|06"},
    ),
]


@pytest.mark.parametrize("now, relative, official", OFFICIAL, ids=[f"{r}-{n[:3]}" for n, r, _ in OFFICIAL])
def test_relative_time_matches_official(now, relative, official, tmp_path, monkeypatch):
    monkeypatch.setattr(getters_time, "now", lambda: datetime.datetime(*now))
    expected = {"time": ALL} if "to" not in relative else {"from": ALL, "to": ALL}
    config = {"type": "rule_relativeTime", "rules": {"relativeTime": dict(relative), "expected": expected, "other": 1}}
    get = GETTERS.get("rule_relativeTime")
    if official == "error":
        with pytest.raises(ValueError):
            get(context(tmp_path), config)
        return
    rules = get(context(tmp_path), config)
    assert rules["expected"] == official
    assert rules["other"] == 1
    assert config["rules"]["expected"] == expected  # the task's own rule is left as it was


def test_relative_time_keeps_other_text_and_names_unknown_phrases(tmp_path, monkeypatch):
    monkeypatch.setattr(getters_time, "now", lambda: datetime.datetime(2026, 12, 7, 9, 0))
    rules = {"relativeTime": {"from": "next Monday"}, "expected": {"time": "{Year}-{Month0D}-{Day0D}", "x": "BOM"}}
    got = GETTERS.get("rule_relativeTime")(context(tmp_path), {"rules": rules})
    assert got["expected"] == {"time": "2026-12-14", "x": "BOM"}
    with pytest.raises(ValueError, match="'in a fortnight'"):
        GETTERS.get("rule_relativeTime")(
            context(tmp_path), {"rules": {"relativeTime": {"from": "in a fortnight"}, "expected": {"time": ""}}}
        )


def test_time_diff_range_passes_the_tolerance_through(tmp_path):
    get = GETTERS.get("time_diff_range")
    assert get(context(tmp_path), {"type": "time_diff_range", "diff_range_in_minutes": "60"}) == "60"
    assert get(context(tmp_path), {"type": "time_diff_range"}) is None


def test_vm_file_time_suffix_adds_todays_date(tmp_path):
    today = datetime.datetime.now().strftime("%Y_%m_%d")
    path = f"/tmp/fakehome/Test/Speed/Speedtest Results Export-{today}.csv"
    ctx = context(tmp_path, client=FakeClient(files={path: b"Date,Time\n"}))
    config = {
        "path": "/tmp/fakehome/Test/Speed/Speedtest Results Export-.csv",
        "dest": "Export-.csv",
        "time_suffix": True,
    }
    local = GETTERS.get("vm_file")(ctx, config)
    assert local.endswith(f"Export-{today}.csv")
    assert open(local, "rb").read() == b"Date,Time\n"
    assert GETTERS.get("vm_file")(ctx, {**config, "time_suffix": False}) is None
