"""Spreadsheet metrics: ``compare_table`` (xlsx / csv, with OSWorld's rule list), ``compare_csv``.

``compare_table(result, expected=None, rules=[...])`` loads both workbooks as cell values (openpyxl for xlsx,
the csv module for csv). Without rules it compares every sheet's values. Rule types: ``sheet_name``,
``sheet_data`` (``sheet_idx0`` / ``sheet_idx1`` as ``RI<n>``, ``EI<n>``, ``RN<name>``, ``EN<name>`` or an int
index into the result; ``precision``, default 4), ``check_cell`` (``coordinate`` + ``props``: ``value`` and
style properties, each with ``method``/``ref``), and those of :mod:`.table_rules` (printed CSV, fuzzy ranges,
charts, pivot tables, styles, freeze panes, zoom, data validation, row properties). ``sheet_data`` compares
sheets the way OSWorld's pandas tables do (see :func:`frame`), since task answers are graded against that. A rule
type not in :data:`RULE_TYPES` raises, so the task errors instead of passing or failing silently; the coverage
report lists it.
"""

from __future__ import annotations

import csv
import datetime
import os
import warnings
from typing import Any

from . import METRICS
from .frames import frame, frames_equal
from .table_rules import RULES, Books, ResultUnreadable, check_cell_style
from .table_styles import match_rule

RULE_TYPES = ("sheet_name", "sheet_data", "check_cell", *RULES)


def load_sheets(path: str) -> dict[str, list[list[Any]]]:
    """Sheet name -> rows of raw cell values."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".csv", ".tsv", ".txt"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [[_csv_value(v) for v in row] for row in csv.reader(f, delimiter="\t" if ext == ".tsv" else ",")]
        return {os.path.splitext(os.path.basename(path))[0]: rows}
    try:
        import openpyxl
    except ImportError as e:
        raise ImportError("compare_table on xlsx needs openpyxl: pip install 'steprl[osworld]'") from e
    with warnings.catch_warnings():  # workbooks written by other apps often lack openpyxl's default style
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def _csv_value(text: str) -> Any:
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    rows = [[_norm(v) for v in row] for row in rows]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _pick(spec, result: dict, expected: dict | None):
    if isinstance(spec, int):
        spec = f"RI{spec}"
    book = result if spec[0] == "R" else expected
    if book is None:
        raise ValueError(f"sheet {spec!r} refers to the expected workbook, which this task does not give")
    if spec[1] == "I":
        sheets = list(book.values())
        index = int(spec[2:])
        return sheets[index] if -len(sheets) <= index < len(sheets) else None
    return book.get(spec[2:])


def _cell_value(value: Any) -> Any:
    """A cell as OSWorld reads it from the sheet XML: numbers (dates too) as floats, text as text, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        from openpyxl.utils.datetime import to_excel

        return float(to_excel(value))
    return value if isinstance(value, str) else None


def _cell(rows: list[list[Any]], coordinate: str) -> Any:
    letters = "".join(ch for ch in coordinate if ch.isalpha()).upper()
    number = int("".join(ch for ch in coordinate if ch.isdigit()))
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - ord("A") + 1
    row = rows[number - 1] if number - 1 < len(rows) else []
    return row[col - 1] if col - 1 < len(row) else None


@METRICS.register()
def compare_table(result, expected=None, **options) -> float:
    if result is None or not os.path.exists(result):
        return 0.0
    try:
        got = load_sheets(result)
    except Exception:  # an unreadable workbook is a wrong answer, as in OSWorld
        return 0.0
    want = load_sheets(expected) if expected else None
    rules = options.get("rules")
    if not rules:
        if want is None:
            raise ValueError("compare_table needs an expected file or rules")
        return float([_trim(rows) for rows in got.values()] == [_trim(rows) for rows in want.values()])
    books = Books(result, expected, list(got), list(want) if want is not None else None)
    try:
        return _apply_rules(rules, got, want, books)
    except ResultUnreadable:
        return 0.0


def _check_cell_value(rule: dict, rows: list[list[Any]], books: Books) -> Any:
    """The cell as OSWorld reads it: from the sheet XML for a workbook (so inline strings read as no value, as
    there), from the parsed rows for CSV."""
    path = books.path("R")
    if os.path.splitext(path)[1].lower() in (".csv", ".tsv", ".txt"):
        return _cell_value(_cell(rows, rule["coordinate"]))
    from .xlsx_cells import read_cell_value

    side, name = books.resolve(rule.get("sheet_idx", 0))
    return read_cell_value(books.path(side), name, rule["coordinate"])


def _apply_rules(rules: list[dict], got: dict, want: dict | None, books: Books) -> float:
    for rule in rules:
        kind = rule.get("type")
        if kind == "sheet_name":
            if want is None or list(got) != list(want):
                return 0.0
        elif kind == "sheet_data":
            a, b = _pick(rule["sheet_idx0"], got, want), _pick(rule["sheet_idx1"], got, want)
            if a is None or b is None:
                return 0.0
            precision = rule.get("precision", 4)
            if not frames_equal(frame(a, precision), frame(b, precision)):
                return 0.0
        elif kind == "check_cell":
            rows = _pick(rule.get("sheet_idx", 0), got, want)
            if rows is None:
                return 0.0
            props = rule.get("props", {})
            if "value" in props and not match_rule(_check_cell_value(rule, rows, books), props["value"]):
                return 0.0
            if set(props) - {"value"} and not check_cell_style(rule, books):
                return 0.0
        elif kind in RULES:
            if not RULES[kind](rule, books):
                return 0.0
        else:
            raise ValueError(f"compare_table: rule type {kind!r} is not supported (supported: {', '.join(RULE_TYPES)})")
    return 1.0


@METRICS.register()
def compare_csv(result, expected, **options) -> float:
    """Line by line; ``strict=False`` strips each line, ``ignore_case`` folds case."""
    if result is None:
        return 0.0

    def lines(path):
        with open(path, encoding="utf-8") as f:
            out = f.read().splitlines()
        if not options.get("strict", True):
            out = [line.strip() for line in out]
        if options.get("ignore_case", False):
            out = [line.lower() for line in out]
        return out

    return float(lines(result) == lines(expected))
