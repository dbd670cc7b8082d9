"""General metrics: strings, lists, JSON objects, CSV records, line lists, accessibility trees, SQLite."""

from __future__ import annotations

import ast
import csv
import functools
import json
import operator
import re
import sqlite3
from typing import Any

from . import METRICS


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyro) so long documents stay fast."""
    if len(a) < len(b):
        a, b = b, a
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for ch in b:
        match = masks.get(ch, 0)
        low = row & match
        row = ((row + low) | (row - low)) & full
    return len(a) - bin(row).count("1")


def ratio(a: Any, b: Any) -> float:
    """Similarity of two strings in [0, 1]: OSWorld's ``fuzz.ratio / 100``, i.e. twice the longest common
    subsequence over the total length (not difflib's greedy blocks, which can score lower)."""
    a, b = "" if a is None else str(a), "" if b is None else str(b)
    if not a and not b:
        return 1.0
    return 2 * lcs_length(a, b) / (len(a) + len(b))


@METRICS.register()
def exact_match(result, rules) -> float:
    return float(result == rules["expected"])


@METRICS.register()
def match_in_list(result, rules) -> float:
    return float(result in rules["expected"])


@METRICS.register()
def is_in_list(result, rules) -> float:
    if result is None:
        return 0.0
    return float(rules["expected"] in result)


@METRICS.register()
def check_include_exclude(result, rules) -> float:
    if result is None:
        return 0.0
    include, exclude = rules.get("include", []), rules.get("exclude", [])
    return float(all(s in result for s in include) and all(s not in result for s in exclude))


@METRICS.register()
def fuzzy_match(result, rules) -> float:
    return ratio(result, rules["expected"])


@METRICS.register()
def literal_match(result, expected, **options) -> float:
    kind = options.get("type", "str")
    fold = (lambda s: str(s).lower()) if options.get("ignore_case", False) else str
    if kind == "str":
        return float(fold(result) == fold(expected))
    if kind == "list":
        if (
            not isinstance(result, list | tuple)
            or not isinstance(expected, list | tuple)
            or len(result) != len(expected)
        ):
            return 0.0
        return float([fold(s) for s in result] == [fold(s) for s in expected])
    raise ValueError(f"literal_match: type {kind!r} is not supported (use 'str' or 'list')")


# -- records and values ------------------------------------------------------------------------------------------
def match_record(pattern: dict, record: dict) -> bool:
    """Every key of ``pattern`` is in ``record`` with the same value."""
    return all(k in record and record[k] == v for k, v in pattern.items())


_COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "le": operator.le,
    "lt": operator.lt,
    "ge": operator.ge,
    "gt": operator.gt,
}


def match_value(value: Any, rule: dict) -> bool:
    """OSWorld's value rules: ``{"method": "re" | "eq" | "ne" | "le" | "lt" | "ge" | "gt" | "approx:T" | "range.xy" |
    "str_list_eq" | "str_set_eq", "ref"}``. Where OSWorld's check raises (a regex over a number, an order between
    a number and a text ...) a TypeError or ValueError is raised here too, so the evaluation fails the same way."""
    method, ref = rule["method"], rule.get("ref")
    if method.startswith("re"):
        flags = re.RegexFlag(0)
        for name in method.split(".")[1:]:  # re flag names: "re.I", "re.IGNORECASE.MULTILINE"
            flag = getattr(re, name, None)
            if not isinstance(flag, re.RegexFlag):
                raise ValueError(f"unknown regular-expression flag {name!r} in method {method!r}")
            flags |= flag
        if not isinstance(value, str):
            raise TypeError(f"regular-expression rule {ref!r} applied to a non-text value {value!r}")
        return re.search(ref, value, flags) is not None
    if method in _COMPARE:
        return bool(_COMPARE[method](value, ref))
    if method.startswith("approx"):
        if ":" not in method:
            raise ValueError(f"approx rule {method!r} needs a tolerance (approx:0.01)")
        tolerance = float(method.split(":")[1])
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return abs(number - ref) <= tolerance
    if method.startswith("range."):  # "range.te": ref[0] < value <= ref[1] (t: less than, e: or equal)
        low, high = ref
        return bool(_COMPARE["l" + method[6]](low, value) and _COMPARE["l" + method[7]](value, high))
    if method in ("str_list_eq", "str_set_eq"):  # a comma-separated text, maybe quoted
        if not isinstance(value, str):
            raise TypeError(f"{method} rule applied to a non-text value {value!r}")
        container = list if method == "str_list_eq" else set
        return container(value.strip("\"'").split(",")) == container(ref)
    raise ValueError(f"unknown value-matching method {method!r}")


@METRICS.register()
def check_csv(result, rules) -> float:
    if result is None:
        return 0.0
    expect, unexpect = rules.get("expect", []), rules.get("unexpect", [])
    found = [False] * len(expect)
    clean = True
    # newlines translated as OSWorld reads the file (a quoted CRLF inside a field reads as "\n")
    with open(result, encoding="utf-8") as f:
        for record in csv.DictReader(f):
            found = [hit or match_record(p, record) for hit, p in zip(found, expect, strict=True)]
            clean = clean and not any(match_record(p, record) for p in unexpect)
    return float(all(found) and clean)


@METRICS.register()
def check_list(result, rules) -> float:
    if result is None:
        return 0.0
    expect = [re.compile(p) for p in rules.get("expect", [])]
    unexpect = [re.compile(p) for p in rules.get("unexpect", [])]
    found = [False] * len(expect)
    clean = True
    with open(result, encoding="utf-8") as f:
        for line in f:
            found = [hit or p.search(line) is not None for hit, p in zip(found, expect, strict=True)]
            clean = clean and all(p.search(line) is None for p in unexpect)
    return float(all(found) and clean)


def _dig(data: Any, keys: list) -> tuple[bool, Any]:
    for key in keys:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, data


@METRICS.register()
def check_json(result, rules, is_yaml: bool = False) -> float:
    if result is None:
        return 0.0
    try:
        with open(result, encoding="utf-8") as f:
            if is_yaml:
                import yaml  # only YAML tasks need PyYAML

                data = yaml.safe_load(f)
            else:
                data = json.load(f)
    except (OSError, ValueError):
        return 0.0
    if is_yaml and data is None:
        return 0.0
    for rule in rules.get("expect", []):
        ok, value = _dig(data, rule["key"])
        if not ok or not match_value(value, rule):
            return 0.0
    for rule in rules.get("unexpect", []):
        _, value = _dig(data, rule["key"])
        if match_value(value, rule):
            return 0.0
    return 1.0


@METRICS.register()
def check_direct_json_object(result, rules) -> float:
    if isinstance(result, str):
        try:
            result = json.loads(result.strip().replace("'", '"'))
        except ValueError:
            return 0.0
    if not isinstance(result, dict):
        return 0.0
    if "expected" not in rules:
        return 0.0
    expected = rules["expected"]
    if not rules.get("expect_in_result", False):
        return float(all(want == result.get(key) for key, want in expected.items()))
    for key, want in expected.items():
        got = result.get(key)
        if isinstance(want, list):
            if not (isinstance(got, list) and any(w in got for w in want)):
                return 0.0
        elif isinstance(want, str):  # a substring of a text, or an item of a list
            try:
                if want not in got:
                    return 0.0
            except TypeError:
                return 0.0
        else:
            return 0.0
    return 1.0


@METRICS.register()
def is_included_all_json_objects(gold_file_path, result_file_path) -> float:
    if not gold_file_path or not result_file_path:
        return 0.0
    with open(gold_file_path, encoding="utf-8") as f:
        gold = json.load(f)
    with open(result_file_path, encoding="utf-8") as f:
        got = json.load(f)
    return float(match_record(gold, got))


@METRICS.register()
def check_accessibility_tree(result, rules) -> float:
    """XPath (or CSS selectors when ``cssselect`` is installed) over the a11y XML; ``text`` checked exactly or
    fuzzily. Scores multiply across rules."""
    from xml.etree import ElementTree

    if result is None:
        return 0.0
    # The metric's own prefix map, as in OSWorld: its ``uri:deskat:`` names differ from those the official server
    # (and ours) writes, so a namespaced selector matches only trees in that older format, there as here.
    namespaces = {
        k: f"uri:deskat:{v}.at-spi.gnome.org"
        for k, v in (
            ("st", "state"),
            ("attr", "attributes"),
            ("cp", "component"),
            ("doc", "document"),
            ("docattr", "attributes.document"),
            ("txt", "text"),
            ("val", "value"),
            ("act", "action"),
        )
    }
    try:
        from lxml import etree
    except ImportError:
        etree = None

    @functools.cache  # the XML (up to 2 MB) is parsed once per parser, on first use
    def tree(parser: str):
        return etree.fromstring(result.encode()) if parser == "lxml" else ElementTree.fromstring(result)

    total = 1.0
    for rule in rules:
        if "xpath" in rule:
            if etree is not None:
                elements = tree("lxml").xpath(rule["xpath"], namespaces=namespaces)
            else:
                elements = tree("etree").findall(rule["xpath"], namespaces)
        elif "selectors" in rule:
            from lxml.cssselect import CSSSelector

            elements = CSSSelector(", ".join(rule["selectors"]), namespaces=namespaces)(tree("lxml"))
        else:
            raise ValueError("check_accessibility_tree: each rule needs 'xpath' or 'selectors'")
        if not elements:
            return 0.0
        if "text" in rule:
            exact = rule.get("exact", True)
            scores = [
                float((e.text or None) == rule["text"]) if exact else ratio(rule["text"], e.text) for e in elements
            ]
            total *= max(scores)
    return float(total)


@METRICS.register()
def run_sqlite3(result, rules) -> float:
    if result is None:
        return 0.0
    connection = sqlite3.connect(result)
    try:
        row = connection.execute(rules["sql"]).fetchone()
    finally:
        connection.close()
    return float((row[0] if row else 0) or 0)


@METRICS.register()
def compare_answer(actual, rules, **options) -> float:
    if not actual:
        return 0.0
    return float(actual == rules["expected"])


@METRICS.register()
def is_extension_installed(actual, rules, **options) -> float:
    if actual is None:  # no extension list was read (OSWorld's check fails on it)
        return 0.0
    if rules["type"] == "contain":
        return float(rules["expected"] in actual)
    if rules["type"] == "not_contain":
        return float(rules["expected"] not in actual)
    raise ValueError(f"is_extension_installed: unknown rule type {rules['type']!r}")


@METRICS.register()
def check_text_enlarged(scaling_factor_str) -> float:
    try:
        return float(float(str(scaling_factor_str).strip()) > 1.0)
    except ValueError:
        return 0.0


@METRICS.register()
def check_gnome_favorite_apps(apps_str, rule) -> float:
    """``gsettings get org.gnome.shell favorite-apps`` output against ``rule["expected"]`` (as a set)."""
    if not apps_str:
        return 0.0
    try:
        apps = ast.literal_eval(apps_str.strip())
    except (ValueError, SyntaxError) as error:
        raise ValueError(f"check_gnome_favorite_apps: not a list literal: {apps_str!r}") from error
    if not isinstance(apps, list | tuple | set):
        raise ValueError(f"check_gnome_favorite_apps: not a list literal: {apps_str!r}")
    return float(set(apps) == set(rule["expected"]) and len(apps) == len(rule["expected"]))


@METRICS.register()
def is_utc_0(timedatectl_output) -> float:
    """``timedatectl``'s time-zone line shows offset +0000 (Etc/UTC, but also Europe/London in winter)."""
    if not timedatectl_output:
        return 0.0
    for line in timedatectl_output.splitlines():
        if "Time zone" in line:
            return float(line.rstrip().endswith("+0000)"))
    return 0.0
