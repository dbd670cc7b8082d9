"""Metrics over LibreOffice's user settings (``registrymodifications.xcu``): Writer's default font, Impress's
presenter console and the autosave interval. A file that is not XML scores 0."""

from __future__ import annotations

from xml.etree import ElementTree

from . import METRICS

_OOR = "{http://openoffice.org/2001/registry}"


def _items(path, item_path: str, prop_name: str, nested: bool = True) -> list | None:
    """The ``prop`` elements named ``prop_name`` under (``nested``) or directly in every ``item`` with
    ``oor:path == item_path``; None when the file cannot be parsed."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return None
    return [
        prop
        for item in root.iter("item")
        if item.get(f"{_OOR}path") == item_path
        for prop in (item.iter("prop") if nested else item.findall("prop"))
        if prop.get(f"{_OOR}name") == prop_name
    ]


@METRICS.register()
def find_default_font(config_file_path, rules) -> float:
    """Writer's default (Standard) font, the last one set, is ``rules["font_name"]``."""
    if not config_file_path:
        return 0.0
    props = _items(config_file_path, "/org.openoffice.Office.Writer/DefaultFont", "Standard") or []
    values = [v.text for prop in props for v in prop.findall("value")]
    return float(bool(values) and values[-1] == rules["font_name"])


@METRICS.register()
def check_presenter_console_disable(config_file_path) -> float:
    """Impress's ``EnablePresenterScreen`` (first setting found) is false."""
    if not config_file_path:
        return 0.0
    props = _items(config_file_path, "/org.openoffice.Office.Impress/Misc/Start", "EnablePresenterScreen", nested=False)
    if not props:
        return 0.0
    value = props[0].find("value")
    return float(value is not None and value.text is not None and value.text.lower() == "false")


@METRICS.register()
def check_auto_saving_time(pptx_file, rules) -> float:
    """The autosave interval (``AutoSaveTimeIntervall``, the last one set) is ``rules["minutes"]``. The first
    argument is the settings file (OSWorld's parameter name says pptx)."""
    if not pptx_file:
        return 0.0
    found = None
    for item_props in _per_item(pptx_file):
        if item_props:
            found = item_props[0]
    if found is None:
        return 0.0
    value = found.find(".//value")
    text = None if value is None else value.text
    try:
        minutes = int(text)
    except (TypeError, ValueError) as e:
        raise ValueError(f"check_auto_saving_time: the autosave interval {text!r} is not a number") from e
    return float(minutes == rules["minutes"])


def _per_item(path) -> list:
    """For each ``/org.openoffice.Office.Common/Save/Document`` item, its ``AutoSaveTimeIntervall`` props."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return []
    return [
        [p for p in item.iter("prop") if p.get(f"{_OOR}name") == "AutoSaveTimeIntervall"]
        for item in root.iter("item")
        if item.get(f"{_OOR}path") == "/org.openoffice.Office.Common/Save/Document"
    ]
