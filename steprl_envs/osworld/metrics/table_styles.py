"""Cell styles as OSWorld's spreadsheet rules see them, and its value-matching rule for those checks.

A style property of a cell (``font_color``, ``bgcolor``, ``number_format`` ...) comes from openpyxl; font
properties and number formats of an empty cell are None. A sheet's styles (the ``style`` rule) are every cell's
properties, overridden where a conditional format's formula holds for the cell; OSWorld evaluates those formulas
with the ``formulas`` package, passing the cell's own value as the first input and the values of absolute
references (``$B$2``, ``$B$2:$B$9``) after it, and only knows formula (``expression``) conditions.
"""

from __future__ import annotations

import builtins
import functools
import operator
import re
from typing import Any


def cell_style(name: str, cell, diff=None) -> Any:
    """One style property of an openpyxl cell, or of a conditional format's differential style ``diff``."""
    source = diff or cell
    filled = cell.value is not None
    if name == "number_format":
        if not (filled and cell.data_type == "n"):
            return None
        return cell.number_format if diff is None else diff.numFmt.formatCode
    fonts = {
        "font_name": "name",
        "font_family": "family",
        "font_bold": "bold",
        "font_italic": "italic",
        "font_underline": "underline",
        "font_size": "size",
    }
    if name in fonts:
        return getattr(source.font, fonts[name]) if filled else None
    if name == "font_color":
        return source.font.color.rgb if filled else None
    fills = {"fill_type": ("tagname",), "bgcolor": ("bgColor", "rgb"), "fgcolor": ("fgColor", "rgb")}
    if name in fills:
        try:
            return functools.reduce(getattr, fills[name], source.fill)
        except Exception:
            return None
    if name == "hyperlink":
        return (cell.hyperlink or "") if filled else None
    raise ValueError(f"unsupported cell style {name!r}")


_ABSOLUTE = re.compile(r"\$([A-Z]{1,3})\$(\d+)(?::\$([A-Z]{1,3})\$(\d+))?")


def _condition_holds(formula: str, path: str, sheet_name: str):
    """A predicate ``(cell value) -> bool`` for one conditional-format formula."""
    try:
        import formulas
    except ImportError as e:
        raise ImportError(
            "compare_table style with conditional formats needs formulas: pip install 'steprl[osworld]'"
        ) from e
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    from .xlsx_cells import read_cell_value

    compiled = formulas.Parser().ast("=" + formula)[1].compile()
    arguments = []
    for col1, row1, col2, row2 in _ABSOLUTE.findall(formula):
        # a lone cell gives "B2:" here, which openpyxl rejects, as it does in OSWorld (its single-cell branch
        # tests the groups for None, and findall gives "")
        cells = CellRange(f"{col1}{row1}:{col2}{row2}").cells
        arguments.append([read_cell_value(path, sheet_name, f"{get_column_letter(c)}{r}") for r, c in cells])
    return lambda value: compiled(value, *arguments)


def sheet_styles(book, sheet_name: str, path: str, props) -> dict[str, list]:
    """Cell coordinate -> the listed style properties, conditional formats applied."""
    from openpyxl.utils import get_column_letter

    from .xlsx_cells import read_cell_value

    try:
        sheet = book[sheet_name]
    except KeyError:
        return {}
    styles = {c.coordinate: [cell_style(p, c) for p in props] for column in sheet.iter_cols() for c in column}
    for fmt in sheet.conditional_formatting:
        for rule in fmt.rules:
            if rule.type != "expression":
                raise ValueError(f"compare_table style: conditional format type {rule.type!r} is not supported")
            holds = _condition_holds(rule.formula[0], path, sheet_name)
            active = []
            for cells in fmt.cells:
                for row, col in cells.cells:
                    cell = sheet.cell(row=row, column=col)
                    if holds(read_cell_value(path, sheet_name, f"{get_column_letter(col)}{row}")):
                        active.append(cell)
            for cell in active:
                styles[cell.coordinate] = [cell_style(p, cell, rule.dxf) for p in props]
    return styles


def match_rule(value: Any, rule: dict) -> bool:
    """OSWorld's ``{"method", "ref"}`` check: ``re[.FLAG...]``, ``eq``/``ne``/``lt``/``le``/``gt``/``ge``,
    ``approx:TOL``, ``spreadsheet_range`` (value within ref[1] and covering ref[0]), ``range.XY`` (X, Y: ``t``
    strict or ``e`` inclusive bound), ``str_list_eq`` / ``str_set_eq`` (value split on commas, quotes stripped)."""
    method, ref = rule["method"], rule.get("ref")
    if method.startswith("re"):
        flags = functools.reduce(operator.or_, (getattr(re, f) for f in method.split(".")[1:]), re.RegexFlag(0))
        return re.search(ref, value, flags) is not None
    if method in ("eq", "ne", "le", "lt", "ge", "gt"):
        return getattr(operator, method)(value, ref)
    if method.startswith("approx"):
        tolerance = float(method.split(":")[1])
        try:
            value = float(value)
        except (ValueError, TypeError):
            return False
        return abs(value - ref) <= tolerance
    if method == "spreadsheet_range":
        from openpyxl.worksheet.cell_range import MultiCellRange

        inner, outer = MultiCellRange(ref[0]), MultiCellRange(ref[1])
        return all(r in value for r in inner) and all(r in outer for r in value)
    if method.startswith("range."):
        low, high = ref
        return getattr(operator, "l" + method[6])(low, value) and getattr(operator, "l" + method[7])(value, high)
    if method in ("str_list_eq", "str_set_eq"):
        kind = getattr(builtins, method[4:-3])
        return kind(value.strip("\"'").split(",")) == kind(ref)
    raise ValueError(f"unknown value-matching method {method!r}")
