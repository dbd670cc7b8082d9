"""Cell values read straight from an xlsx file's XML, the way OSWorld's ``read_cell_value`` reads them.

Some ``compare_table`` rules (``sheet_fuzzy``, conditional formats in ``style``) see a cell through the raw sheet
XML rather than through openpyxl: numbers (dates too) come back as floats, shared and formula strings as text, and
booleans, errors and inline strings as None. The sheet part is found by the sheet's ``sheetId``
(``xl/worksheets/sheet<id>.xml``), as OSWorld does, so a workbook whose parts are numbered otherwise fails the same
way there and here.
"""

from __future__ import annotations

import zipfile
from typing import Any
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _SharedStringsUnreadable(Exception):
    """A shared-string cell in a book whose shared strings could not be read (OSWorld raises there too)."""


def _shared_strings(archive: zipfile.ZipFile) -> list[str] | None:
    try:
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        if root.tag != MAIN + "sst":
            return []
        # every <t> below an <si>, phonetic runs included; an empty <t/> makes the whole table unreadable
        return ["".join(_text(t) for t in si.iter(MAIN + "t")) for si in root.findall(MAIN + "si")]
    except Exception:
        return None


def _text(element) -> str:
    if element.text is None:
        raise TypeError("empty <t> in the shared strings")
    return element.text


def _xml_text(element) -> str | None:
    """Element text as a dict parse of the XML gives it: whitespace stripped, empty as None."""
    if element is None:
        raise KeyError("no value")
    text = "".join(element.itertext()).strip()
    return text or None


def read_cell_value(path: str, sheet_name: str, coordinate: str) -> Any:
    try:
        with zipfile.ZipFile(path, "r") as archive:
            shared = _shared_strings(archive)
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            ids = {}
            if book.tag == MAIN + "workbook":
                for sheets in book.findall(MAIN + "sheets"):
                    for sheet in sheets.findall(MAIN + "sheet"):
                        ids[sheet.get("name")] = sheet.get("sheetId")
            part = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{ids[sheet_name]}.xml"))
    except zipfile.BadZipFile:
        return None
    cell = next(
        (c for row in part.iter(MAIN + "row") for c in row.findall(MAIN + "c") if c.get("r") == coordinate), None
    )
    if cell is None:
        return None
    kind = cell.get("t")
    try:
        if kind is None or kind == "n":
            text = _xml_text(cell.find(MAIN + "v"))
            if text is None:
                raise TypeError(f"cell {coordinate} has an empty value")
            return float(text)
        if kind == "s":
            if shared is None:
                raise _SharedStringsUnreadable(f"{path}: shared strings unreadable")
            return shared[int(_xml_text(cell.find(MAIN + "v")))]
        if kind == "str":
            return _xml_text(cell.find(MAIN + "v"))
    except (KeyError, ValueError):
        return None
    return None
