"""``compare_table`` rules beyond values: printed CSV, fuzzy ranges, charts, pivot tables, styles, freeze panes,
zoom, data validation and row properties, with OSWorld's semantics.

Each rule is ``rule(spec, books) -> bool``. ``books`` (:class:`Books`) resolves OSWorld's sheet references (``0``,
``"RI0"``, ``"RNSheet1"``, ``"EI0"``, ``"ENSheet1"``) and opens both workbooks with openpyxl (charts and pivot
tables included) only when a rule needs them. Where OSWorld's code raises on some input (an unknown property, a
conditional format that is not a formula), these rules raise too, so the task errors rather than scores.
"""

from __future__ import annotations

import itertools
import os
import warnings
from typing import Any

from .table_styles import cell_style, match_rule, sheet_styles


class ResultUnreadable(Exception):
    """The result workbook does not open in openpyxl; OSWorld scores that 0."""


class Books:
    """The result and expected workbooks of one ``compare_table`` call: paths, sheet names, openpyxl books."""

    def __init__(self, result: str, expected: str | None, result_names: list[str], expected_names: list[str] | None):
        self.paths = {"R": result, "E": expected}
        self.names = {"R": result_names, "E": expected_names}
        self._books: dict[str, Any] = {}

    def resolve(self, spec) -> tuple[str, str]:
        """A sheet reference -> (side "R" | "E", sheet name); an index out of range names no sheet ("")."""
        if isinstance(spec, int):
            side, index = "R", spec
        elif isinstance(spec, str) and spec[:2] in ("RI", "EI"):
            side, index = spec[0], spec[2:]
        elif isinstance(spec, str) and spec[:2] in ("RN", "EN"):
            return spec[0], spec[2:]
        else:
            raise ValueError(f"compare_table: unrecognized sheet reference {spec!r} (use 0, RI0, RNname, EI0, ENname)")
        try:
            return side, self.names[side][int(index)]
        except (TypeError, ValueError, IndexError):
            return side, ""

    def path(self, side: str) -> str | None:
        return self.paths[side]

    def book(self, side: str):
        """The openpyxl workbook (not read-only, formulas as written) of one side."""
        if side not in self._books:
            import openpyxl

            path = self.paths[side]
            if path is None:
                raise ValueError(
                    "compare_table: the rule refers to the expected workbook, which this task does not give"
                )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                try:
                    self._books[side] = openpyxl.load_workbook(path)
                except Exception as e:
                    if side == "R":
                        raise ResultUnreadable(str(e)) from e
                    raise
        return self._books[side]

    def sheet(self, spec):
        """The openpyxl worksheet a reference names, or None when there is no such sheet."""
        side, name = self.resolve(spec)
        try:
            return self.book(side)[name]
        except KeyError:
            return None

    def book_and_name(self, spec):
        """(openpyxl workbook, sheet name) of a reference; the name may be one the book lacks."""
        side, name = self.resolve(spec)
        return self.book(side), name


# -- printed form ------------------------------------------------------------------------------------------------


def printed_lines(path: str | None, sheet_name: str) -> list[str] | None:
    """``<book>-<sheet>.csv`` beside the workbook (LibreOffice's per-sheet CSV export) as stripped lines, last
    line first, trailing blank lines dropped; None when the file is missing or unreadable."""
    if path is None:
        return None
    try:
        with open(f"{os.path.splitext(path)[0]}-{sheet_name}.csv", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except Exception:
        return None
    return list(itertools.dropwhile(lambda line: not line, (line.strip() for line in reversed(lines))))


def sheet_print(spec: dict, books: Books) -> bool:
    def printed(key: str) -> list[str] | None:
        side, name = books.resolve(spec[key])
        return printed_lines(books.path(side), name)

    first = printed("sheet_idx0")
    if first is None:
        return False
    second = printed("sheet_idx1")
    if spec.get("ignore_case", False):
        if second is None:
            raise ValueError("compare_table sheet_print: the second sheet has no printed CSV")
        first, second = [line.lower() for line in first], [line.lower() for line in second]
    return first == second


# -- fuzzy ranges ------------------------------------------------------------------------------------------------


def _normalized(text: str, rule: dict) -> str:
    for old, new in rule.get("normalization", []):
        text = text.replace(old, new)
    if "trim_leadings" in rule:
        text = text.lstrip(rule["trim_leadings"])
    if "trim_trailings" in rule:
        text = text.rstrip(rule["trim_trailings"])
    if "ignore_chars" in rule:
        text = "".join(ch for ch in text if ch not in set(rule["ignore_chars"]))
    if rule.get("ignore_case", False):
        text = text.lower()
    return text


def _fuzzy_ratio(a: str, b: str) -> float:
    try:
        from rapidfuzz import fuzz
    except ImportError as e:
        raise ImportError("compare_table sheet_fuzzy needs rapidfuzz: pip install 'steprl[osworld]'") from e
    return fuzz.ratio(a, b)


def sheet_fuzzy(spec: dict, books: Books) -> bool:
    """Cell by cell over ranges, each value as text (``str()`` of the raw cell: ``3.0``, ``None``), every cell
    checked: ``includes`` (first contains second), ``included_by``, ``fuzzy_match`` (ratio >= threshold, default
    85) or ``exact_match``."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange

    from .xlsx_cells import read_cell_value

    side0, name0 = books.resolve(spec["sheet_idx0"])
    side1, name1 = books.resolve(spec["sheet_idx1"])
    ok = True
    for rule in spec["rules"]:
        kind = rule["type"]
        if kind not in ("includes", "included_by", "fuzzy_match", "exact_match"):
            raise ValueError(f"compare_table sheet_fuzzy: unknown match type {kind!r}")
        for cells in MultiCellRange(rule["range"]):
            for row, col in cells.cells:
                coordinate = f"{get_column_letter(col)}{row}"
                a = _normalized(str(read_cell_value(books.path(side0), name0, coordinate)), rule)
                b = _normalized(str(read_cell_value(books.path(side1), name1, coordinate)), rule)
                if kind == "includes":
                    hit = b in a
                elif kind == "included_by":
                    hit = a in b
                elif kind == "fuzzy_match":
                    hit = _fuzzy_ratio(a, b) >= rule.get("threshold", 85.0)
                else:
                    hit = a == b
                ok = ok and hit
    return ok


# -- charts and pivot tables -------------------------------------------------------------------------------------


def _ref(data) -> str:
    for kind in ("numRef", "strRef"):
        ref = getattr(data, kind, None)
        if ref is not None and hasattr(ref, "f"):
            return ref.f
    return ""


def _rich_title(title) -> Any:
    try:
        return title.tx.rich.p[0].r[0].t
    except Exception:
        return None


CHART_PROPS = ("title", "legend", "anchor", "width", "height", "type", "direction", "xtitle", "ytitle", "ztitle")


def load_charts(book, sheet_name: str, props) -> dict:
    """Charts of a sheet keyed by their series ("values,categories;..."), each with the asked properties."""
    try:
        sheet = book[sheet_name]
    except KeyError:
        return {}
    props = set(props)
    charts = {}
    for chart in sheet._charts:
        key = ";".join(f"{_ref(s.val)},{_ref(s.cat)}" for s in chart.series)
        info: dict[str, Any] = {}
        if "title" in props:
            info["title"] = _rich_title(chart.title)
        if "legend" in props:
            info["legend"] = chart.legend.position if chart.legend is not None else None
        if "anchor" in props:  # OSWorld records the end row twice, never the start row
            a = chart.anchor
            info["anchor"] = [a.editAs, a._from.col, a.to.row, a.to.col, a.to.row]
        if "width" in props:
            info["width"] = chart.width
        if "height" in props:
            info["height"] = chart.height
        if "type" in props:
            info["type"] = chart.tagname
        if "direction" in props:
            info["direction"] = chart.barDir
        for axis in ("x", "y", "z"):
            if f"{axis}title" in props:
                try:
                    info[f"{axis}title"] = getattr(chart, f"{axis}_axis").title.tx.rich.p[0].r[0].t
                except Exception:
                    info[f"{axis}title"] = None
        charts[key] = info
    return charts


def chart(spec: dict, books: Books) -> bool:
    props = spec.get("chart_props", [])
    return load_charts(*books.book_and_name(spec["sheet_idx0"]), props) == load_charts(
        *books.book_and_name(spec["sheet_idx1"]), props
    )


def _trim_empty(fields: list[list]) -> tuple[list[list], int, int]:
    """Drop leading and trailing fields without selected items; return them with the counts dropped each side."""
    start = 0
    while start < len(fields) and not fields[start]:
        start += 1
    end = len(fields)
    while end > start and not fields[end - 1]:
        end -= 1
    return fields[start:end], start, len(fields) - end


def load_pivot_tables(book, sheet_name: str, props) -> dict:
    """Pivot tables of a sheet keyed by "source type;(row, col):(row, col);source sheet", with field indices
    counted from the first source column that has items (as OSWorld does)."""
    from openpyxl.utils import coordinate_to_tuple

    try:
        sheet = book[sheet_name]
    except KeyError:
        return {}
    props = set(props)
    pivots = {}
    for pivot in sheet._pivots:
        items = [[(item.h, item.x) for item in field.items if item.x is not None] for field in pivot.pivotFields]
        selection, left, right = _trim_empty(items)
        source = pivot.cache.cacheSource
        first, last = source.worksheetSource.ref.split(":")
        r1, c1 = coordinate_to_tuple(first)
        r2, c2 = coordinate_to_tuple(last)
        key = f"{source.type};{(r1, c1 + left)}:{(r2, c2 - right)};{source.worksheetSource.sheet}"
        info: dict[str, Any] = {}
        if "name" in props:
            info["name"] = pivot.name
        for prop, attr in (
            ("show_total", "visualTotals"),
            ("show_empty_row", "showEmptyRow"),
            ("show_empty_col", "showEmptyCol"),
            ("show_headers", "showHeaders"),
            ("location", "location"),
        ):
            if prop in props:
                info[prop] = getattr(pivot, attr)
        if "filter" in props or "selection" in props:
            info["selection"] = selection if "ordered" in props else [set(s) for s in selection]
        if "filter" in props:
            info["filter_fields"] = {f.fld for f in pivot.pageFields}
        if "col_fields" in props:
            info["col_fields"] = [f.x - left for f in pivot.colFields]
        if "row_fields" in props:
            info["row_fields"] = [f.x - left for f in pivot.rowFields]
        if "data_fields" in props:
            named = "data_fields_name" in props
            info["data_fields"] = [
                f"{f.fld - left:d};{f.name if named else ''};{f.subtotal};{f.showDataAs}" for f in pivot.dataFields
            ]
        pivots[key] = info
    return pivots


def pivot_table(spec: dict, books: Books) -> bool:
    props = spec.get("pivot_props", [])
    return load_pivot_tables(*books.book_and_name(spec["sheet_idx0"]), props) == load_pivot_tables(
        *books.book_and_name(spec["sheet_idx1"]), props
    )


# -- styles, panes, zoom, validation, rows -----------------------------------------------------------------------


def style(spec: dict, books: Books) -> bool:
    props = spec.get("props", [])
    styles = []
    for key in ("sheet_idx0", "sheet_idx1"):
        side, name = books.resolve(spec[key])
        styles.append(sheet_styles(books.book(side), name, books.path(side), props))
    return styles[0] == styles[1]


def freeze(spec: dict, books: Books) -> bool:
    first = books.sheet(spec["sheet_idx0"])
    if first is None:
        return False
    second = books.sheet(spec["sheet_idx1"])
    if second is None:
        raise ValueError(f"compare_table freeze: no sheet {spec['sheet_idx1']!r}")
    return first.freeze_panes == second.freeze_panes


def zoom(spec: dict, books: Books) -> bool:
    sheet = books.sheet(spec["sheet_idx"])
    if sheet is None:
        return False
    return match_rule(sheet.sheet_view.zoomScale or 100.0, spec)


def data_validation(spec: dict, books: Books) -> bool:
    """Every validation on the sheet must match one of ``dv_props`` and there must be at least as many
    validations as entries there."""
    sheet = books.sheet(spec["sheet_idx"])
    if sheet is None:
        return False
    validations = sheet.data_validations.dataValidation
    wanted = spec["dv_props"]
    if len(validations) < len(wanted):
        return False
    for validation in validations:
        if not any(all(match_rule(getattr(validation, a), r) for a, r in props.items()) for props in wanted):
            return False
    return True


def _dimensions(book, sheet_name: str, kind: str, props) -> dict:
    try:
        sheet = book[sheet_name]
    except KeyError:
        return {}
    holder = sheet.row_dimensions if kind == "row" else sheet.column_dimensions
    return {key: {p: getattr(dims, p) for p in set(props)} for key, dims in holder.items()}


def row_props(spec: dict, books: Books) -> bool:
    props = spec.get("props", [])
    return _dimensions(*books.book_and_name(spec["sheet_idx0"]), "row", props) == _dimensions(
        *books.book_and_name(spec["sheet_idx1"]), "row", props
    )


def check_cell_style(spec: dict, books: Books) -> bool:
    """``check_cell`` properties other than ``value`` (font, fill, number format, hyperlink) on the cell."""
    sheet = books.sheet(spec.get("sheet_idx", 0))
    if sheet is None:
        return False
    cell = sheet[spec["coordinate"]]
    return all(match_rule(cell_style(prop, cell), rule) for prop, rule in spec["props"].items() if prop != "value")


RULES = {
    "sheet_print": sheet_print,
    "sheet_fuzzy": sheet_fuzzy,
    "chart": chart,
    "pivot_table": pivot_table,
    "style": style,
    "freeze": freeze,
    "zoom": zoom,
    "data_validation": data_validation,
    "row_props": row_props,
}
