"""Metrics written for one OSWorld task each: a speed-test export's time, conference cities in a sheet column, a
text box at an image's left edge."""

from __future__ import annotations

import datetime

from . import METRICS


def _clock() -> datetime.datetime:
    """Local time now (OSWorld compares the export's clock time with the evaluating machine's)."""
    return datetime.datetime.now()


@METRICS.register()
def compare_time_in_speedtest_results(speedtest_result_path, time_diff) -> float:
    """The second line's second CSV field ends in an ``HH:MM`` within ``time_diff`` minutes of now (by clock time
    of day, so minutes on either side of midnight are a day apart, as in OSWorld)."""
    if not speedtest_result_path:
        return 0.0
    try:
        with open(speedtest_result_path, encoding="utf-8") as f:
            f.readline()
            field = f.readline().split(",")[1]
        then = datetime.datetime.strptime(field[-5:], "%H:%M")
        now = datetime.datetime.strptime(_clock().strftime("%H:%M"), "%H:%M")
        return float(abs((then - now).total_seconds()) / 60 < int(time_diff))
    except (OSError, IndexError, ValueError, TypeError):  # no such line or field, not a time: a wrong answer
        return 0.0


@METRICS.register()
def compare_conference_city_in_order(actual_city_list_path, expected_city) -> float:
    """Cells C2:C22 of the active sheet contain, in order, each expected city (a string, or a list of accepted
    spellings); an empty or non-text cell, or fewer expected cities than cells, scores 0."""
    if not actual_city_list_path:
        return 0.0
    import openpyxl

    expected = expected_city["expected"]
    cells = [cell.value for row in openpyxl.load_workbook(actual_city_list_path).active["C2:C22"] for cell in row]
    if len(expected) < len(cells):
        return 0.0
    for want, got in zip(expected, cells, strict=False):
        if not isinstance(got, str):
            return 0.0
        if not isinstance(want, str | list) or not _contains_one(got, [want] if isinstance(want, str) else want):
            return 0.0
    return 1.0


def _contains_one(text: str, spellings: list) -> bool:
    """Some spelling occurs in ``text``; a non-string met before a match fails (OSWorld errors there)."""
    for spelling in spellings:
        if not isinstance(spelling, str):
            return False
        if spelling in text:
            return True
    return False


@METRICS.register()
def check_textbox_on_leftside(src_path) -> float:
    """Some dark pixel (grey below 128) lies in the left 5% of the image."""
    if src_path is None:
        return 0.0
    from PIL import Image

    image = Image.open(src_path)
    width = image.size[0]
    dark = image.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    left = width if dark is None else dark[0]
    return float(left < width * 0.05)
