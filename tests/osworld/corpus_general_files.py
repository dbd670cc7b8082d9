"""Parity cases for OSWorld's metrics over files (text, CSV, JSON, SQLite, archives, Python sources), with the scores
OSWorld's own metric code gave on the same files: ``(id, metric, result, expected, options, official)``.

Inputs are ``builders_docs`` specs plus ``("dir", {name: text})`` (a folder), ``("sqlite", [SQL ...])`` (a database)
and ``("missing", extension)`` (a path with no file), built by :func:`build`."""

from __future__ import annotations

import json
import pathlib
import sqlite3

from tests.osworld.builders_docs import build as build_document
from tests.osworld.parity import OFFICIAL_ERROR


def txt(content: str, extension: str = "txt"):
    return ("file", extension, content)


def js(value, extension: str = "json"):
    return ("file", extension, json.dumps(value))


def build(value, folder, name: str):
    """A case input as the metric receives it (a path for files, the value itself otherwise)."""
    folder = pathlib.Path(folder)
    if isinstance(value, tuple) and value and value[0] == "dir":
        root = folder / name
        root.mkdir()
        for member, content in value[1].items():
            (root / member).write_text(content)
        return str(root)
    if isinstance(value, tuple) and value and value[0] == "sqlite":
        path = folder / f"{name}.db"
        with sqlite3.connect(path) as connection:
            for statement in value[1]:
                connection.execute(statement)
        connection.close()
        return str(path)
    if isinstance(value, tuple) and value and value[0] == "missing":
        return str(folder / f"{name}-absent.{value[1]}")
    return build_document(value, folder, name)


CSV = "name,city\nAda,London\nAlan,Wilmslow\n"
LOG = "10:00:01 start\nno time here\n23:59:59 stop\n"
CODE = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"
SETTINGS = {"editor.fontSize": 14, "files.autoSave": "afterDelay", "workbench.colorTheme": "Default Dark+"}
KEY = {"key": "ctrl+j", "command": "workbench.action.togglePanel"}
#: 260 lines where "}" and "" recur often enough for difflib's automatic junk heuristic to ignore them
BLOCKS = [line for i in range(65) for line in (f"def f{i}():", f"    return {i}", "}", "")]
EDITED = [line.replace("return 1", "return -1") for line in BLOCKS[:200]] + ["}"] * 30
PDF_ZIP = {"notes/a.pdf": ("pdf", [["Week 1: Introduction to the course"]]), "readme.txt": "slides"}
PDF_ZIP_EDITED = {"notes/a.pdf": ("pdf", [["Week 1: Introduction to the course."]]), "readme.txt": "slides"}

CASES = [
    # check_csv: every expected record present, no unexpected one ---------------------------------------------------
    ("csv-expect", "check_csv", txt(CSV, "csv"), {"expect": [{"name": "Ada"}, {"city": "Wilmslow"}]}, {}, 1.0),
    ("csv-missing-record", "check_csv", txt(CSV, "csv"), {"expect": [{"name": "Grace"}]}, {}, 0.0),
    (
        "csv-unexpected",
        "check_csv",
        txt(CSV, "csv"),
        {"expect": [{"name": "Ada"}], "unexpect": [{"name": "Alan"}]},
        {},
        0.0,
    ),
    ("csv-same-record", "check_csv", txt(CSV, "csv"), {"expect": [{"name": "Ada", "city": "Wilmslow"}]}, {}, 0.0),
    ("csv-header-only", "check_csv", txt("name,city\n", "csv"), {"expect": []}, {}, 1.0),
    ("csv-none", "check_csv", None, {"expect": []}, {}, 0.0),
    (
        "csv-quoted-crlf",
        "check_csv",
        txt('name,note\r\nAda,"line 1\r\nline 2"\r\n', "csv"),
        {"expect": [{"note": "line 1\nline 2"}]},
        {},
        1.0,
    ),
    ("csv-bad-bytes", "check_csv", txt(b"name\n\xff\n", "csv"), {"expect": []}, {}, OFFICIAL_ERROR),
    # check_list: regexes found on some line, forbidden ones on none -----------------------------------------------
    ("list-expect", "check_list", txt(LOG), {"expect": [r"^10:00", "stop$"]}, {}, 1.0),
    ("list-missing", "check_list", txt(LOG), {"expect": ["restart"]}, {}, 0.0),
    ("list-unexpect", "check_list", txt(LOG), {"expect": ["start"], "unexpect": ["no time"]}, {}, 0.0),
    ("list-empty-file", "check_list", txt(""), {"expect": ["."]}, {}, 0.0),
    ("list-empty-rules", "check_list", txt(""), {}, {}, 1.0),
    ("list-none", "check_list", None, {"expect": ["a"]}, {}, 0.0),
    # check_json: values at key paths -------------------------------------------------------------------------------
    (
        "json-eq",
        "check_json",
        js({"a": {"b": 3}}),
        {"expect": [{"key": ["a", "b"], "method": "eq", "ref": 3}]},
        {},
        1.0,
    ),
    (
        "json-missing-key",
        "check_json",
        js({"a": {}}),
        {"expect": [{"key": ["a", "b"], "method": "eq", "ref": 3}]},
        {},
        0.0,
    ),
    (
        "json-regex",
        "check_json",
        js({"theme": "Solarized Dark"}),
        {"expect": [{"key": ["theme"], "method": "re.I", "ref": "solarized"}]},
        {},
        1.0,
    ),
    (
        "json-unexpect-absent",
        "check_json",
        js({"a": 1}),
        {"expect": [], "unexpect": [{"key": ["b"], "method": "eq", "ref": 1}]},
        {},
        1.0,
    ),
    (
        "json-unexpect-present",
        "check_json",
        js({"a": 1}),
        {"unexpect": [{"key": ["a"], "method": "eq", "ref": 1}]},
        {},
        0.0,
    ),
    (
        "json-approx",
        "check_json",
        js({"v": 0.5004}),
        {"expect": [{"key": ["v"], "method": "approx:0.001", "ref": 0.5}]},
        {},
        1.0,
    ),
    (
        "json-yaml",
        "check_json",
        txt("server:\n  port: 8080\n", "yaml"),
        {"expect": [{"key": ["server", "port"], "method": "ge", "ref": 8000}]},
        {"is_yaml": True},
        1.0,
    ),
    (
        "json-regex-number",
        "check_json",
        js({"n": 5}),
        {"expect": [{"key": ["n"], "method": "re", "ref": "5"}]},
        {},
        OFFICIAL_ERROR,
    ),
    (
        "json-approx-no-tolerance",
        "check_json",
        js({"v": 0.5}),
        {"expect": [{"key": ["v"], "method": "approx", "ref": 0.5}]},
        {},
        OFFICIAL_ERROR,
    ),
    (
        "json-approx-text-ref",
        "check_json",
        js({"v": 0.5}),
        {"expect": [{"key": ["v"], "method": "approx:0.1", "ref": "0.5"}]},
        {},
        OFFICIAL_ERROR,
    ),
    (
        "json-approx-text-value",
        "check_json",
        js({"v": "0.52"}),
        {"expect": [{"key": ["v"], "method": "approx:0.1", "ref": 0.5}]},
        {},
        1.0,
    ),
    (
        "json-set-quoted",
        "check_json",
        js({"langs": "'fr,en'"}),
        {"expect": [{"key": ["langs"], "method": "str_set_eq", "ref": ["en", "fr"]}]},
        {},
        1.0,
    ),
    (
        "json-list-order",
        "check_json",
        js({"langs": "fr,en"}),
        {"expect": [{"key": ["langs"], "method": "str_list_eq", "ref": ["en", "fr"]}]},
        {},
        0.0,
    ),
    (
        "json-range",
        "check_json",
        js({"n": 2}),
        {"expect": [{"key": ["n"], "method": "range.te", "ref": [0, 2]}]},
        {},
        1.0,
    ),
    (
        "json-unexpect-order-mixed",
        "check_json",
        js({"n": "5"}),
        {"unexpect": [{"key": ["n"], "method": "gt", "ref": 10}]},
        {},
        OFFICIAL_ERROR,
    ),
    (
        "json-regex-flags",
        "check_json",
        js({"t": "a\nB"}),
        {"expect": [{"key": ["t"], "method": "re.IGNORECASE.DOTALL", "ref": "a.b"}]},
        {},
        1.0,
    ),
    (
        "json-regex-lower-flag",
        "check_json",
        js({"t": "A"}),
        {"expect": [{"key": ["t"], "method": "re.i", "ref": "a"}]},
        {},
        OFFICIAL_ERROR,
    ),
    (
        "json-unexpect-regex-missing",
        "check_json",
        js({}),
        {"unexpect": [{"key": ["t"], "method": "re", "ref": "x"}]},
        {},
        OFFICIAL_ERROR,
    ),
    ("json-bad-file", "check_json", txt("{not json", "json"), {"expect": []}, {}, OFFICIAL_ERROR),
    ("json-none", "check_json", None, {"expect": []}, {}, 0.0),
    # is_included_all_json_objects(gold, result) --------------------------------------------------------------------
    ("incl-json-subset", "is_included_all_json_objects", js({"a": 1}), js({"a": 1, "b": 2}), {}, 1.0),
    ("incl-json-diff", "is_included_all_json_objects", js({"a": 1}), js({"a": 2}), {}, 0.0),
    ("incl-json-missing", "is_included_all_json_objects", js({"a": 1, "c": 3}), js({"a": 1}), {}, 0.0),
    ("incl-json-empty", "is_included_all_json_objects", js({}), js({"a": 1}), {}, 1.0),
    ("incl-json-nested", "is_included_all_json_objects", js({"a": {"x": 1}}), js({"a": {"x": 1, "y": 2}}), {}, 0.0),
    ("incl-json-none", "is_included_all_json_objects", None, js({"a": 1}), {}, 0.0),
    # run_sqlite3: the first column of the query's first row ------------------------------------------------------
    (
        "sql-count",
        "run_sqlite3",
        ("sqlite", ["CREATE TABLE t(x)", "INSERT INTO t VALUES (1), (2)"]),
        {"sql": "SELECT COUNT(*) = 2 FROM t"},
        {},
        1.0,
    ),
    ("sql-false", "run_sqlite3", ("sqlite", ["CREATE TABLE t(x)"]), {"sql": "SELECT COUNT(*) > 0 FROM t"}, {}, 0.0),
    ("sql-null", "run_sqlite3", ("sqlite", ["CREATE TABLE t(x)"]), {"sql": "SELECT MAX(x) FROM t"}, {}, 0.0),
    ("sql-fraction", "run_sqlite3", ("sqlite", ["CREATE TABLE t(x)"]), {"sql": "SELECT 0.25"}, {}, 0.25),
    ("sql-no-row", "run_sqlite3", ("sqlite", ["CREATE TABLE t(x)"]), {"sql": "SELECT x FROM t"}, {}, OFFICIAL_ERROR),
    ("sql-none", "run_sqlite3", None, {"sql": "SELECT 1"}, {}, OFFICIAL_ERROR),
    # compare_text_file ---------------------------------------------------------------------------------------------
    ("text-same", "compare_text_file", txt("a\nb\n"), txt("a\nb\n"), {}, 1.0),
    ("text-trailing-newline", "compare_text_file", txt("a\nb"), txt("a\nb\n"), {}, 0.0),
    ("text-blanks", "compare_text_file", txt(" a\t b\n\n"), txt("a b"), {"ignore_blanks": True}, 1.0),
    ("text-case", "compare_text_file", txt("Hello"), txt("hello"), {"ignore_case": True}, 1.0),
    ("text-case-strict", "compare_text_file", txt("Hello"), txt("hello"), {}, 0.0),
    ("text-none", "compare_text_file", None, txt("a"), {}, 0.0),
    ("text-crlf", "compare_text_file", txt("a\r\nb\r\n"), txt("a\nb\n"), {}, 1.0),
    ("text-bad-bytes", "compare_text_file", txt(b"caf\xe9"), txt(b"caf\xe9"), {}, OFFICIAL_ERROR),
    # diff_text_file: the line-level difflib ratio --------------------------------------------------------------------
    ("diff-same", "diff_text_file", txt("a\nb\nc\n"), txt("a\nb\nc\n"), {}, 1.0),
    ("diff-one-line", "diff_text_file", txt("a\nx\nc\n"), txt("a\nb\nc\n"), {}, 0.666666666667),
    ("diff-empty", "diff_text_file", txt(""), txt("a\n"), {}, 0.0),
    ("diff-long-junk", "diff_text_file", txt("\n".join(EDITED)), txt("\n".join(BLOCKS)), {}, 0.773006134969),
    ("diff-long-reversed", "diff_text_file", txt("\n".join(BLOCKS[::-1])), txt("\n".join(BLOCKS)), {}, 0.003853564547),
    ("diff-none", "diff_text_file", None, txt("a"), {}, 0.0),
    # file_contains -------------------------------------------------------------------------------------------------
    ("contains-all", "file_contains", txt("alpha beta gamma"), {"expected": ["alpha", "gamma"]}, {}, 1.0),
    ("contains-missing", "file_contains", txt("alpha beta"), {"expected": ["alpha", "delta"]}, {}, 0.0),
    ("contains-none-expected", "file_contains", txt("alpha"), {"expected": []}, {}, 1.0),
    ("contains-across-lines", "file_contains", txt("alpha\nbeta"), {"expected": ["alpha beta"]}, {}, 0.0),
    ("contains-no-file", "file_contains", ("missing", "txt"), {"expected": ["a"]}, {}, 0.0),
    ("contains-none", "file_contains", None, {"expected": ["a"]}, {}, 0.0),
    ("contains-bad-bytes", "file_contains", txt(b"\xffalpha"), {"expected": ["alpha"]}, {}, 0.0),
    # check_line_number: lines holding an HH:MM:SS time ---------------------------------------------------------------
    ("lines-two", "check_line_number", txt(LOG), {"expected": 2}, {}, 1.0),
    ("lines-text-count", "check_line_number", txt(LOG), {"expected": "2"}, {}, 1.0),
    ("lines-wrong", "check_line_number", txt(LOG), {"expected": 3}, {}, 0.0),
    ("lines-leap-second", "check_line_number", txt("23:59:60\n24:00:00\n"), {"expected": 0}, {}, 1.0),
    ("lines-form-feed", "check_line_number", txt("10:00:00\x0c10:00:01\n"), {"expected": 1}, {}, 1.0),
    ("lines-no-file", "check_line_number", ("missing", "txt"), {"expected": 0}, {}, 0.0),
    ("lines-bad-count", "check_line_number", txt(LOG), {"expected": "two"}, {}, 0.0),
    ("lines-crlf", "check_line_number", txt("10:00:00\r\n10:00:01\r11:00:00\n"), {"expected": 3}, {}, 1.0),
    # compare_python_pure_text: the sources without any whitespace ----------------------------------------------------
    ("py-same", "compare_python_pure_text", txt(CODE, "py"), txt(CODE, "py"), {}, 1.0),
    ("py-blank-lines", "compare_python_pure_text", txt(CODE.replace("\n\n\n", "\n"), "py"), txt(CODE, "py"), {}, 1.0),
    ("py-spaces", "compare_python_pure_text", txt(CODE.replace("a + b", "a+b"), "py"), txt(CODE, "py"), {}, 1.0),
    ("py-indent", "compare_python_pure_text", txt(CODE.replace("    ", "\t"), "py"), txt(CODE, "py"), {}, 1.0),
    ("py-changed", "compare_python_pure_text", txt(CODE.replace("a + b", "a - b"), "py"), txt(CODE, "py"), {}, 0.0),
    ("py-shebang", "compare_python_pure_text", txt("#!/usr/bin/env python3\n" + CODE, "py"), txt(CODE, "py"), {}, 0.0),
    ("py-none", "compare_python_pure_text", None, txt(CODE, "py"), {}, 0.0),
    # compare_terminal_and_txt(file, terminal output) -----------------------------------------------------------------
    ("term-same", "compare_terminal_and_txt", txt("total 0\n"), "total 0\n", {}, 1.0),
    ("term-no-newline", "compare_terminal_and_txt", txt("total 0\n"), "total 0", {}, 0.0),
    ("term-crlf", "compare_terminal_and_txt", txt("a\r\nb\n"), "a\nb\n", {}, 1.0),
    ("term-empty-output", "compare_terminal_and_txt", txt(""), "", {}, 0.0),
    ("term-none", "compare_terminal_and_txt", None, "x", {}, 0.0),
    ("term-bad-bytes", "compare_terminal_and_txt", txt(b"\xff"), "\ufffd", {}, OFFICIAL_ERROR),
    # compare_config: the file's text equals the rule's --------------------------------------------------------------
    (
        "config-same",
        "compare_config",
        txt("[core]\nautocrlf = false\n", "cfg"),
        {"expected": "[core]\nautocrlf = false\n"},
        {},
        1.0,
    ),
    ("config-no-newline", "compare_config", txt("a=1\n", "cfg"), {"expected": "a=1"}, {}, 0.0),
    ("config-diff", "compare_config", txt("a=1\n", "cfg"), {"expected": "a=2\n"}, {}, 0.0),
    ("config-empty", "compare_config", txt("", "cfg"), {"expected": ""}, {}, 1.0),
    ("config-none", "compare_config", None, {"expected": ""}, {}, 0.0),
    # compare_result_files(answer file, gold file) ------------------------------------------------------------------
    ("result-text", "compare_result_files", txt("Paris\n"), txt("Paris"), {}, 1.0),
    ("result-number-close", "compare_result_files", txt("3.14159"), txt("3.14160"), {}, 1.0),
    ("result-number-far", "compare_result_files", txt("3.1"), txt("3.14160"), {}, 0.0),
    ("result-number-in-text", "compare_result_files", txt("The answer is 42."), txt("42"), {}, 1.0),
    ("result-number-vs-word", "compare_result_files", txt("forty-two"), txt("42"), {}, 0.0),
    ("result-nan", "compare_result_files", txt("nan"), txt("nan"), {}, 1.0),
    ("result-none", "compare_result_files", None, txt("1"), {}, 0.0),
    # compare_zip_files: same names, same bytes (PDFs: text 95% alike) -----------------------------------------------
    (
        "zip-same",
        "compare_zip_files",
        ("zip", {"a.txt": "one", "b/c.txt": "two"}),
        ("zip", {"a.txt": "one", "b/c.txt": "two"}),
        {},
        1.0,
    ),
    ("zip-content", "compare_zip_files", ("zip", {"a.txt": "one"}), ("zip", {"a.txt": "One"}), {}, 0.0),
    ("zip-extra", "compare_zip_files", ("zip", {"a.txt": "one", "x.txt": ""}), ("zip", {"a.txt": "one"}), {}, 0.0),
    ("zip-pdf-similar", "compare_zip_files", ("zip", PDF_ZIP_EDITED), ("zip", PDF_ZIP), {}, 1.0),
    (
        "zip-pdf-different",
        "compare_zip_files",
        ("zip", {"notes/a.pdf": ("pdf", [["Week 9: Graphs"]])}),
        ("zip", {"notes/a.pdf": ("pdf", [["Week 1: Introduction to the course"]])}),
        {},
        0.0,
    ),
    ("zip-not-zip", "compare_zip_files", txt("plain", "zip"), ("zip", {"a.txt": "one"}), {}, OFFICIAL_ERROR),
    ("zip-none", "compare_zip_files", None, ("zip", {"a.txt": "one"}), {}, 0.0),
    # check_json_settings: settings.json holds the expected entries --------------------------------------------------
    ("settings-subset", "check_json_settings", js(SETTINGS), {"expected": {"editor.fontSize": 14}}, {}, 1.0),
    ("settings-diff", "check_json_settings", js(SETTINGS), {"expected": {"editor.fontSize": 16}}, {}, 0.0),
    ("settings-missing", "check_json_settings", js(SETTINGS), {"expected": {"editor.tabSize": 4}}, {}, 0.0),
    ("settings-empty-expected", "check_json_settings", js({}), {"expected": {}}, {}, 1.0),
    (
        "settings-comment",
        "check_json_settings",
        txt("// user\n" + json.dumps(SETTINGS), "json"),
        {"expected": {"editor.fontSize": 14}},
        {},
        OFFICIAL_ERROR,
    ),
    ("settings-none", "check_json_settings", None, {"expected": {}}, {}, 0.0),
    # check_json_keybindings: keybindings.json (a list, maybe after a comment line) holds the binding -----------------
    ("keys-present", "check_json_keybindings", js([KEY]), {"expected": KEY}, {}, 1.0),
    (
        "keys-comment",
        "check_json_keybindings",
        txt("// Place your key bindings here\n" + json.dumps([KEY]), "json"),
        {"expected": KEY},
        {},
        1.0,
    ),
    ("keys-other", "check_json_keybindings", js([dict(KEY, key="ctrl+k")]), {"expected": KEY}, {}, 0.0),
    ("keys-extra-field", "check_json_keybindings", js([dict(KEY, when="editorFocus")]), {"expected": KEY}, {}, 0.0),
    ("keys-object", "check_json_keybindings", js(KEY), {"expected": KEY}, {}, 0.0),
    ("keys-no-file", "check_json_keybindings", ("missing", "json"), {"expected": KEY}, {}, 0.0),
    # compare_csv: line by line -------------------------------------------------------------------------------------
    ("csv-lines-same", "compare_csv", txt(CSV, "csv"), txt(CSV, "csv"), {}, 1.0),
    (
        "csv-lines-blanks",
        "compare_csv",
        txt(" name,city \nAda,London\nAlan,Wilmslow", "csv"),
        txt(CSV, "csv"),
        {"strict": False},
        1.0,
    ),
    (
        "csv-lines-blanks-strict",
        "compare_csv",
        txt(" name,city \nAda,London\nAlan,Wilmslow", "csv"),
        txt(CSV, "csv"),
        {},
        0.0,
    ),
    ("csv-lines-case", "compare_csv", txt(CSV.upper(), "csv"), txt(CSV, "csv"), {"ignore_case": True}, 1.0),
    ("csv-lines-order", "compare_csv", txt("name,city\nAlan,Wilmslow\nAda,London\n", "csv"), txt(CSV, "csv"), {}, 0.0),
    ("csv-lines-none", "compare_csv", None, txt(CSV, "csv"), {}, 0.0),
    # compare_docx_files_and_ignore_new_lines (beside test_metric_parity's cases) -------------------------------------
    (
        "docx-nl-blank-join",
        "compare_docx_files_and_ignore_new_lines",
        ("doc", {"blocks": ["Hello", "", "world"]}),
        ("doc", {"blocks": ["Hello world"]}),
        {},
        1.0,
    ),
    (
        "docx-nl-text",
        "compare_docx_files_and_ignore_new_lines",
        ("doc", {"blocks": ["Hello", "there"]}),
        ("doc", {"blocks": ["Hello world"]}),
        {},
        0.0,
    ),
    (
        "docx-nl-count",
        "compare_docx_files_and_ignore_new_lines",
        ("doc", {"blocks": ["Hello", "world"]}),
        ("doc", {"blocks": ["Hello world"]}),
        {"ignore_blanks": False},
        0.0,
    ),
    (
        "docx-nl-not-docx",
        "compare_docx_files_and_ignore_new_lines",
        txt("Hello world"),
        ("doc", {"blocks": ["Hello world"]}),
        {},
        0.0,
    ),
    ("docx-nl-none", "compare_docx_files_and_ignore_new_lines", None, ("doc", {"blocks": ["Hello world"]}), {}, 0.0),
    # check_file_exists(directory, name) ----------------------------------------------------------------------------
    ("exists-yes", "check_file_exists", ("dir", {"out.png": "x"}), "out.png", {}, 1.0),
    ("exists-no", "check_file_exists", ("dir", {"out.png": "x"}), "out.jpg", {}, 0.0),
    ("exists-case", "check_file_exists", ("dir", {"out.png": "x"}), "OUT.png", {}, 0.0),
    ("exists-directory", "check_file_exists", ("dir", {"out.png": "x"}), ".", {}, 0.0),
    ("exists-empty-dir", "check_file_exists", ("dir", {}), "out.png", {}, 0.0),
    ("exists-none", "check_file_exists", None, "out.png", {}, OFFICIAL_ERROR),
]
