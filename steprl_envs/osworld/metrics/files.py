"""Metrics over text files, code, configs and archives (OSWorld's general and vscode groups)."""

from __future__ import annotations

import difflib
import json
import os
import re
import zipfile

from . import METRICS
from .general import match_record


def _read(path) -> str:
    """The file's text; undecodable bytes raise (OSWorld's metrics fail on them too)."""
    with open(path, encoding="utf-8") as f:
        return f.read()


@METRICS.register()
def compare_text_file(actual, expected, **options) -> float:
    if not actual:
        return 0.0
    a, b = _read(actual), _read(expected)
    if options.get("ignore_blanks", False):
        a, b = (re.sub(r"\s+", " ", re.sub(r"[\t\n]", " ", s).strip()) for s in (a, b))
    if options.get("ignore_case", False):
        a, b = a.lower(), b.lower()
    return float(a == b)


@METRICS.register()
def diff_text_file(result, expect) -> float:
    """Line-level similarity ratio in [0, 1] (a fractional score)."""
    if result is None:
        return 0.0
    a, b = _read(result).splitlines(), _read(expect).splitlines()
    # difflib's default junk heuristic stays on (as in OSWorld): on 200+ lines, lines that recur in over 1% of
    # the expected file are ignored as anchors, which changes the ratio
    return difflib.SequenceMatcher(a=a, b=b).ratio()


@METRICS.register()
def file_contains(file_path, config) -> float:
    if not file_path:
        return 0.0
    try:
        text = _read(file_path)
    except (OSError, ValueError):  # missing or undecodable: 0, as in OSWorld
        return 0.0
    return float(all(s in text for s in config["expected"]))


_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d")


@METRICS.register()
def check_line_number(file_path, line_number) -> float:
    """The number of lines holding an ``HH:MM:SS`` time equals ``line_number["expected"]``."""
    if not file_path or not os.path.isfile(file_path):
        return 0.0
    # lines as a text file yields them (newlines only; splitlines would also split at form feeds and the like)
    try:
        with open(file_path, encoding="utf-8") as f:
            count = sum(1 for line in f if _TIME.search(line))
        return float(count == int(line_number["expected"]))
    except (OSError, ValueError):  # unreadable file or a count that is not a number: 0, as in OSWorld
        return 0.0


@METRICS.register()
def compare_python_pure_text(py_file_path, gold_file_path) -> float:
    """Python sources equal once all whitespace is removed (so ``a+b`` equals ``a + b``; a shebang still counts)."""
    if not py_file_path or not gold_file_path:
        return 0.0
    return float("".join(_read(py_file_path).split()) == "".join(_read(gold_file_path).split()))


@METRICS.register()
def compare_terminal_and_txt(txt_file_path, terminal_output) -> float:
    if not txt_file_path or not terminal_output:
        return 0.0
    return float(_read(txt_file_path) == terminal_output)


@METRICS.register()
def compare_config(actual, rules, **options) -> float:
    if not actual:
        return 0.0
    return float(_read(actual) == rules["expected"])


@METRICS.register()
def compare_result_files(src_path, tgt_path) -> float:
    """Same content; numbers compared with a 1e-4 tolerance (and a number found inside a longer answer counts)."""
    if not src_path or not tgt_path:
        return 0.0
    src, tgt = _read(src_path).strip(), _read(tgt_path).strip()
    try:
        target = float(tgt)
    except ValueError:
        return float(src == tgt)
    if tgt in src:
        return 1.0
    try:
        return float(abs(float(src) - target) < 1e-4)
    except ValueError:
        return 0.0


def _pdf_text(content: bytes) -> str:
    from .pdf import _fitz

    with _fitz().open(stream=content, filetype="pdf") as doc:
        return "".join(page.get_text() for page in doc)


def _same_member(name: str, a: bytes, b: bytes) -> bool:
    """Equal bytes; PDFs (which differ in timestamps and ids) need only 95% alike text, as in OSWorld."""
    if name.lower().endswith(".pdf"):
        return difflib.SequenceMatcher(None, _pdf_text(a), _pdf_text(b)).ratio() >= 0.95
    return a == b


@METRICS.register()
def compare_zip_files(actual, expected, **options) -> float:
    """The archives hold the same member names with the same contents."""
    if not actual:
        return 0.0
    try:
        with zipfile.ZipFile(actual) as za, zipfile.ZipFile(expected) as zb:
            names = set(za.namelist())
            if names != set(zb.namelist()):
                return 0.0
            return float(all(_same_member(n, za.read(n), zb.read(n)) for n in names))
    except (OSError, zipfile.BadZipFile):
        return 0.0


def _load_json_lenient(path):
    """JSON, or JSON after a first comment line (VS Code writes one into keybindings.json)."""
    text = _read(path)
    for candidate in (text, text.split("\n", 1)[1] if "\n" in text else ""):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _json_file_or_none(actual):
    """The parsed (comment-tolerant) JSON of a retrieved file, or None when there is no readable file."""
    if not actual:
        return None
    try:
        return _load_json_lenient(actual)
    except OSError:
        return None


@METRICS.register()
def check_json_settings(actual, expected, **options) -> float:
    """settings.json holds every expected entry; the file must be plain JSON (a comment line fails, as in OSWorld)."""
    if not actual:
        return 0.0
    try:
        data = json.loads(_read(actual))
    except (OSError, ValueError):
        return 0.0
    if not isinstance(data, dict):
        return 0.0
    return float(match_record(expected["expected"], data))


@METRICS.register()
def check_json_keybindings(actual, expected, **options) -> float:
    data = _json_file_or_none(actual)
    return float(isinstance(data, list) and expected["expected"] in data)
