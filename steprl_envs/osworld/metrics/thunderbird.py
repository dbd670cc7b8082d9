"""Thunderbird metrics over profile files: ``prefs.js`` preferences, ``msgFilterRules.dat`` filters and mbox folders.

The parsers follow OSWorld's line formats exactly (``user_pref("key", json);``, ``name="..."`` filter lines).
``check_thunderbird_folder`` keeps OSWorld's reading of an mbox, which keeps only the empty pieces between
``FROM - `` separators, so its verdict depends on how the two files start and on deleted-status markers, not on
the messages' text; scores stay comparable with the official ones that way.
"""

from __future__ import annotations

import json
import re

from . import METRICS
from .general import match_record, match_value

_PREF = re.compile(r'^user_pref\("(?P<key>(?:[^"]|\\")+)\", (?P<val>.+)\);$')
_CONDITION = re.compile(r'\b(?:AND|OR) \((?:[\w ]+),(?:[\w \']+),(?:"(?:(?:[^"]|\")+)"|(?:[^)]+))\)|\bALL\b')


def _pref_matches(value, rule: dict) -> bool:
    """OSWorld's value rules; a regular expression never matches a value that is not a string."""
    if str(rule.get("method", "")).startswith("re") and not isinstance(value, str):
        return False
    return match_value(value, rule)


@METRICS.register()
def check_thunderbird_prefs(result, rule) -> float:
    """Every ``expect`` preference is set and matches its rule; no ``unexpect`` preference matches its rule."""
    if result is None:
        return 0.0
    expect, unexpect = rule.get("expect", {}), rule.get("unexpect", {})
    found = dict.fromkeys(expect, False)
    clean = True
    with open(result, encoding="utf-8") as f:
        for line in f:
            m = _PREF.match(line.strip())
            if m is None:
                continue
            key = m.group("key")
            try:
                value = json.loads(m.group("val"))
            except ValueError:
                continue
            if key in expect:
                found[key] = _pref_matches(value, expect[key])
            elif key in unexpect:
                clean = clean and not _pref_matches(value, unexpect[key])
    return float(all(found.values()) and clean)


def _unescape(value: str) -> str:
    return value.replace('\\"', '"').replace("\\\\", "\\")


def read_filters(path: str) -> list[dict]:
    """Filters of a ``msgFilterRules.dat``; a filter is recorded when its ``condition`` line is read."""
    filters: list[dict] = []
    current: dict = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("name="):
                current = {"name": _unescape(line[6:-2])}
            elif line.startswith("enabled="):
                current["enabled"] = _unescape(line[9:-2])
            elif line.startswith("type="):
                current["type"] = _unescape(line[6:-2])
            elif line.startswith("action="):
                current["action"] = _unescape(line[8:-2])
            elif line.startswith("actionValue="):
                current["actionValue"] = _unescape(line[13:-2])
            elif line.startswith("condition="):
                current["condition"] = _CONDITION.findall(_unescape(line[11:-2]))
                filters.append(current)
    return filters


@METRICS.register()
def check_thunderbird_filter(result, rules) -> float:
    """Each ``expect`` record matches some filter; no filter matches an ``unexpect`` record."""
    if result is None:
        return 0.0
    filters = read_filters(result)
    expect, unexpect = rules.get("expect", []), rules.get("unexpect", [])
    found = [any(match_record(r, flt) for flt in filters) for r in expect]
    clean = not any(match_record(r, flt) for flt in filters for r in unexpect)
    return float(all(found) and clean)


def _folder_key(path: str, options: dict) -> str:
    with open(path, encoding="utf-8") as f:
        data = f.read().strip()
    messages = []
    for mail in data.split("FROM - "):
        if mail.strip():
            continue  # OSWorld's reading: only empty pieces are kept
        if options.get("remove_deleted", True) and re.search(r"X-Mozilla-Status: 000[89]", mail):
            continue
        messages.append("FROM - " + mail.strip())
    if options.get("remove_duplicate", True):
        messages = list(set(messages))
    return "\n".join(sorted(messages))


@METRICS.register()
def check_thunderbird_folder(result, reference, **options) -> float:
    """Each result folder file reads the same as its reference (one path, or lists of paths in pairs)."""
    if not isinstance(reference, list):
        result, reference = [result], [reference]
    for pred, gold in zip(result, reference, strict=False):
        if pred is None:
            return 0.0
        if _folder_key(pred, options) != _folder_key(gold, options):
            return 0.0
    return 1.0
