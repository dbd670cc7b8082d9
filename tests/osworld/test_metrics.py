"""Every registered metric on files and values the tests write: right answers score 1, wrong ones 0 (or the
fraction the metric defines), a missing result scores 0."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile

import pytest

from steprl_envs.osworld.metrics import METRICS


def m(name):
    return METRICS.get(name)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_registry_has_osworlds_most_used_metrics():
    for name in (
        "exact_match",
        "check_include_exclude",
        "fuzzy_match",
        "check_direct_json_object",
        "compare_text_file",
        "check_csv",
        "compare_csv",
        "compare_table",
        "check_json",
        "diff_text_file",
        "file_contains",
        "check_list",
        "is_in_list",
        "literal_match",
        "compare_python_pure_text",
        "check_line_number",
        "compare_docx_files",
        "compare_pptx_files",
        "infeasible",
    ):
        assert name in METRICS
    assert len(METRICS) >= 25
    with pytest.raises(KeyError, match="unknown metric 'nope'"):
        METRICS.get("nope")


def test_string_and_list_metrics():
    assert m("exact_match")("a", {"expected": "a"}) == 1.0
    assert m("exact_match")("a\n", {"expected": "a"}) == 0.0
    assert m("match_in_list")("b", {"expected": ["a", "b"]}) == 1.0
    assert m("match_in_list")("c", {"expected": ["a", "b"]}) == 0.0
    assert m("is_in_list")(["a", "b"], {"expected": "b"}) == 1.0
    assert m("is_in_list")(["a"], {"expected": "b"}) == 0.0
    assert m("is_in_list")(None, {"expected": "b"}) == 0.0
    rules = {"include": ["x", "y"], "exclude": ["z"]}
    assert m("check_include_exclude")("x y", rules) == 1.0
    assert m("check_include_exclude")("x y z", rules) == 0.0
    assert m("check_include_exclude")("x", rules) == 0.0
    assert m("check_include_exclude")(None, rules) == 0.0
    assert m("fuzzy_match")("hello", {"expected": "hello"}) == 1.0
    assert 0.0 < m("fuzzy_match")("hallo", {"expected": "hello"}) < 1.0
    assert m("literal_match")(5, "5") == 1.0
    assert m("literal_match")("ABC", "abc", ignore_case=True) == 1.0
    assert m("literal_match")("ABC", "abc") == 0.0
    assert m("literal_match")(["A", 1], ["a", "1"], type="list", ignore_case=True) == 1.0
    assert m("literal_match")(["a"], ["a", "b"], type="list") == 0.0
    with pytest.raises(ValueError):
        m("literal_match")(1, 1, type="dict")
    assert m("compare_answer")("42", {"expected": "42"}) == 1.0
    assert m("compare_answer")("", {"expected": ""}) == 0.0
    assert m("is_extension_installed")("a.b\nc.d", {"type": "contain", "expected": "c.d"}) == 1.0
    assert m("is_extension_installed")("a.b", {"type": "not_contain", "expected": "a.b"}) == 0.0
    assert m("check_text_enlarged")("1.25\n") == 1.0
    assert m("check_text_enlarged")("1.0") == 0.0
    assert m("check_gnome_favorite_apps")("['a.desktop', 'b.desktop']", {"expected": ["b.desktop", "a.desktop"]}) == 1
    assert m("check_gnome_favorite_apps")("['a.desktop']", {"expected": ["b.desktop"]}) == 0.0
    assert m("is_utc_0")("  Time zone: Etc/UTC (UTC, +0000)\n") == 1.0
    assert m("is_utc_0")("  Time zone: Europe/Paris (CET, +0100)\n") == 0.0
    assert m("infeasible")() == 0.0


def test_json_metrics(tmp_path):
    rules = {"expected": {"a": 1, "b": "x"}}
    assert m("check_direct_json_object")({"a": 1, "b": "x", "c": 0}, rules) == 1.0
    assert m("check_direct_json_object")("{'a': 1, 'b': 'x'}", rules) == 1.0
    assert m("check_direct_json_object")({"a": 2, "b": "x"}, rules) == 0.0
    assert m("check_direct_json_object")("not json", rules) == 0.0
    assert m("check_direct_json_object")(None, rules) == 0.0
    inside = {"expected": {"name": "ell", "tags": ["x", "y"]}, "expect_in_result": True}
    assert m("check_direct_json_object")({"name": "hello", "tags": ["y"]}, inside) == 1.0
    assert m("check_direct_json_object")({"name": "hello", "tags": ["z"]}, inside) == 0.0

    path = write(tmp_path, "s.json", json.dumps({"editor": {"size": 14, "theme": "dark"}, "n": 3}))
    rules = {
        "expect": [
            {"key": ["editor", "size"], "method": "eq", "ref": 14},
            {"key": ["editor", "theme"], "method": "re", "ref": "^da"},
            {"key": ["n"], "method": "gt", "ref": 2},
        ],
        "unexpect": [{"key": ["editor", "font"], "method": "eq", "ref": "Comic"}],
    }
    assert m("check_json")(path, rules) == 1.0
    assert m("check_json")(path, {"expect": [{"key": ["editor", "size"], "method": "eq", "ref": 12}]}) == 0.0
    assert m("check_json")(path, {"expect": [{"key": ["missing"], "method": "eq", "ref": 1}]}) == 0.0
    assert m("check_json")(path, {"unexpect": [{"key": ["n"], "method": "eq", "ref": 3}]}) == 0.0
    assert m("check_json")(write(tmp_path, "bad.json", "{"), rules) == 0.0
    assert m("check_json")(None, rules) == 0.0

    gold = write(tmp_path, "gold.json", json.dumps({"a": 1}))
    assert m("is_included_all_json_objects")(gold, write(tmp_path, "r.json", json.dumps({"a": 1, "b": 2}))) == 1
    assert m("is_included_all_json_objects")(gold, write(tmp_path, "r2.json", json.dumps({"a": 2}))) == 0

    settings = write(tmp_path, "settings.json", json.dumps({"editor.fontSize": 14}))
    assert m("check_json_settings")(settings, {"expected": {"editor.fontSize": 14}}) == 1.0
    assert m("check_json_settings")(settings, {"expected": {"editor.fontSize": 12}}) == 0.0
    keys = write(tmp_path, "keybindings.json", "// comment\n" + json.dumps([{"key": "ctrl+j", "command": "x"}]))
    assert m("check_json_keybindings")(keys, {"expected": {"key": "ctrl+j", "command": "x"}}) == 1.0
    assert m("check_json_keybindings")(keys, {"expected": {"key": "ctrl+k", "command": "x"}}) == 0.0


def test_text_file_metrics(tmp_path):
    a = write(tmp_path, "a.txt", "Hello  World\n")
    b = write(tmp_path, "b.txt", "hello world")
    assert m("compare_text_file")(a, a) == 1.0
    assert m("compare_text_file")(a, b) == 0.0
    assert m("compare_text_file")(a, b, ignore_blanks=True, ignore_case=True) == 1.0
    assert m("compare_text_file")(None, b) == 0.0
    one = write(tmp_path, "one.txt", "l1\nl2\nl3\nl4\n")
    assert m("diff_text_file")(one, one) == 1.0
    half = m("diff_text_file")(one, write(tmp_path, "two.txt", "l1\nl2\nx3\nx4\n"))
    assert half == pytest.approx(0.5)
    assert m("diff_text_file")(None, one) == 0.0
    assert m("file_contains")(one, {"expected": ["l2\nl3", "l4"]}) == 1.0
    assert m("file_contains")(one, {"expected": ["l5"]}) == 0.0
    assert m("file_contains")(str(tmp_path / "missing"), {"expected": ["x"]}) == 0.0
    log = write(tmp_path, "t.log", "a 10:00:00\nb\nc 23:59:59 d\n25:00:00 no\n")
    assert m("check_line_number")(log, {"expected": 2}) == 1.0
    assert m("check_line_number")(log, {"expected": "3"}) == 0.0
    assert m("check_line_number")(None, {"expected": 0}) == 0.0
    lines = write(tmp_path, "list.txt", "apple pie\nbanana\n")
    assert m("check_list")(lines, {"expect": ["^apple", "nan"], "unexpect": ["cherry"]}) == 1.0
    assert m("check_list")(lines, {"expect": ["cherry"]}) == 0.0
    assert m("check_list")(lines, {"unexpect": ["banana"]}) == 0.0
    assert m("compare_terminal_and_txt")(lines, "apple pie\nbanana\n") == 1.0
    assert m("compare_terminal_and_txt")(lines, "apple") == 0.0
    assert m("compare_config")(lines, {"expected": "apple pie\nbanana\n"}) == 1.0
    assert m("compare_config")(lines, {"expected": "x"}) == 0.0
    assert m("compare_result_files")(write(tmp_path, "r.txt", "The answer is 42"), write(tmp_path, "g.txt", "42")) == 1
    assert m("compare_result_files")(write(tmp_path, "r2.txt", "42.00001"), write(tmp_path, "g2.txt", "42")) == 1.0
    assert m("compare_result_files")(write(tmp_path, "r3.txt", "41"), write(tmp_path, "g3.txt", "42")) == 0.0
    assert m("compare_result_files")(write(tmp_path, "r4.txt", "abc"), write(tmp_path, "g4.txt", "abc")) == 1.0


def test_python_and_zip_metrics(tmp_path):
    gold = write(tmp_path, "gold.py", "def f():\n    return 1\n")
    same = write(tmp_path, "same.py", "\ndef f():\n\treturn  1   \n\n")
    shebang = write(tmp_path, "shebang.py", "#!/usr/bin/env python\ndef f():\n    return 1\n")
    other = write(tmp_path, "other.py", "def f():\n    return 2\n")
    assert m("compare_python_pure_text")(same, gold) == 1.0
    assert m("compare_python_pure_text")(shebang, gold) == 0.0  # all whitespace goes, nothing else (as in OSWorld)
    assert m("compare_python_pure_text")(other, gold) == 0.0
    assert m("compare_python_pure_text")(None, gold) == 0.0

    def zipped(name, files):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as z:
            for n, data in files.items():
                z.writestr(n, data)
        return str(path)

    a = zipped("a.zip", {"x.txt": "1", "y.txt": "2"})
    assert m("compare_zip_files")(a, zipped("b.zip", {"y.txt": "2", "x.txt": "1"})) == 1.0
    assert m("compare_zip_files")(a, zipped("c.zip", {"x.txt": "1"})) == 0.0
    assert m("compare_zip_files")(a, zipped("d.zip", {"x.txt": "1", "y.txt": "3"})) == 0.0
    assert m("compare_zip_files")(write(tmp_path, "notzip.zip", "x"), a) == 0.0


def test_csv_metrics(tmp_path):
    path = tmp_path / "p.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([["name", "age"], ["alice", "31"], ["bob", "27"]])
    assert m("check_csv")(str(path), {"expect": [{"name": "bob", "age": "27"}], "unexpect": [{"name": "eve"}]}) == 1
    assert m("check_csv")(str(path), {"expect": [{"name": "bob", "age": "28"}]}) == 0.0
    assert m("check_csv")(str(path), {"expect": [], "unexpect": [{"name": "alice"}]}) == 0.0
    assert m("check_csv")(None, {}) == 0.0
    gold = write(tmp_path, "g.csv", "name,age\r\nalice,31\r\nbob,27\r\n")
    assert m("compare_csv")(str(path), gold) == 1.0
    assert m("compare_csv")(write(tmp_path, "x.csv", "name,age\nALICE,31\nbob,27 \n"), gold) == 0.0
    assert (
        m("compare_csv")(
            write(tmp_path, "y.csv", "name,age\nALICE,31\nbob,27 \n"), gold, strict=False, ignore_case=True
        )
        == 1.0
    )


def test_compare_table_on_xlsx_and_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in (["item", "qty", "total"], ["pen", 3, 4.5], ["book", 2, 24.0]):
        sheet.append(row)
    xlsx = tmp_path / "r.xlsx"
    book.save(xlsx)
    same_csv = write(tmp_path, "Data.csv", "item,qty,total\npen,3,4.5\nbook,2,24\n")
    other_csv = write(tmp_path, "o.csv", "item,qty,total\npen,3,4.5\nbook,2,25\n")
    assert m("compare_table")(str(xlsx), same_csv) == 1.0
    assert m("compare_table")(str(xlsx), other_csv) == 0.0
    cell = {
        "type": "check_cell",
        "sheet_idx": 0,
        "coordinate": "C2",
        "props": {"value": {"method": "approx:0.01", "ref": 4.501}},
    }
    assert m("compare_table")(str(xlsx), rules=[cell]) == 1.0
    wrong = {**cell, "coordinate": "C3"}
    assert m("compare_table")(str(xlsx), rules=[wrong]) == 0.0
    assert (
        m("compare_table")(
            str(xlsx), same_csv, rules=[{"type": "sheet_data", "sheet_idx0": "RI0", "sheet_idx1": "EI0"}]
        )
        == 1.0
    )
    assert m("compare_table")(str(xlsx), same_csv, rules=[{"type": "sheet_name"}]) == 1.0
    assert m("compare_table")(str(xlsx), other_csv, rules=[{"type": "sheet_name"}]) == 0.0
    with pytest.raises(ValueError, match="not supported"):
        m("compare_table")(str(xlsx), rules=[{"type": "sparkline"}])
    assert m("compare_table")(None, same_csv) == 0.0
    assert m("compare_table")(write(tmp_path, "broken.xlsx", "not a workbook"), same_csv) == 0.0


def test_docx_metrics(tmp_path):
    docx = pytest.importorskip("docx")

    def doc(name, paragraphs):
        d = docx.Document()
        for p in paragraphs:
            d.add_paragraph(p)
        d.save(tmp_path / name)
        return str(tmp_path / name)

    a = doc("a.docx", ["Hello  world", "Second"])
    assert m("compare_docx_files")(a, doc("b.docx", ["Hello world", "Second"])) == 1.0
    assert m("compare_docx_files")(a, doc("c.docx", ["Hello world", "Other"])) == 0.0
    assert (
        m("compare_docx_files")(a, doc("d.docx", ["second", "hello world"]), ignore_case=True, ignore_order=True) == 1.0
    )
    assert 0.5 < m("compare_docx_files")(a, doc("e.docx", ["Hello  world", "Secend"]), content_only=True) < 1.0
    assert m("compare_docx_files")(None, a) == 0.0
    assert m("compare_docx_files")(write(tmp_path, "x.docx", "nope"), a) == 0.0
    assert m("compare_docx_files_and_ignore_new_lines")(a, doc("f.docx", ["Hello world", "", "Second"])) == 1.0
    assert m("check_file_exists")(str(tmp_path), "a.docx") == 1.0
    assert m("check_file_exists")(str(tmp_path), "zzz.docx") == 0.0


def test_pptx_metric(tmp_path):
    pptx = pytest.importorskip("pptx")
    from pptx.util import Inches, Pt

    def deck(name, title, bold=False, left=1):
        p = pptx.Presentation()
        slide = p.slides.add_slide(p.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(left), Inches(1), Inches(4), Inches(1))
        run = box.text_frame.paragraphs[0].add_run()
        run.text = title
        run.font.bold = bold
        run.font.size = Pt(20)
        p.save(tmp_path / name)
        return str(tmp_path / name)

    a = deck("a.pptx", "Quarterly")
    assert m("compare_pptx_files")(a, deck("b.pptx", "Quarterly")) == 1.0
    assert m("compare_pptx_files")(a, deck("c.pptx", "Yearly")) == 0.0
    assert m("compare_pptx_files")(a, deck("d.pptx", "Quarterly", bold=True)) == 0.0
    assert m("compare_pptx_files")(a, deck("e.pptx", "Quarterly", bold=True), examine_font_bold=False) == 1.0
    assert m("compare_pptx_files")(a, deck("f.pptx", "Quarterly", left=2)) == 0.0
    assert m("compare_pptx_files")(a, deck("g.pptx", "Quarterly", left=2), examine_shape=False) == 1.0
    assert m("compare_pptx_files")(None, a) == 0.0


def test_accessibility_and_sqlite(tmp_path):
    xml = (
        '<desktop-frame xmlns:st="uri:deskat:state.at-spi.gnome.org" name="main">'
        '<application name="XTerm"><frame name="Terminal" st:active="true">Terminal</frame></application>'
        "</desktop-frame>"
    )
    assert m("check_accessibility_tree")(xml, [{"xpath": "//application[@name='XTerm']/frame"}]) == 1.0
    assert m("check_accessibility_tree")(xml, [{"xpath": "//application[@name='Gedit']"}]) == 0.0
    assert (
        m("check_accessibility_tree")(xml, [{"xpath": "//frame[@st:active='true']", "text": "Terminal", "exact": True}])
        == 1.0
    )
    assert 0 < m("check_accessibility_tree")(xml, [{"xpath": "//frame", "text": "Terminus", "exact": False}]) < 1
    db = tmp_path / "x.db"
    con = sqlite3.connect(db)
    con.execute("create table t (v int)")
    con.execute("insert into t values (3)")
    con.commit()
    con.close()
    assert m("run_sqlite3")(str(db), {"sql": "select count(*) = 1 from t"}) == 1.0
    assert m("run_sqlite3")(str(db), {"sql": "select count(*) = 2 from t"}) == 0.0


def test_a_name_registered_twice_is_refused():
    from steprl_envs.osworld.registry import NameRegistry

    registry = NameRegistry("metric")
    registry.register("same")(lambda: 0.0)
    with pytest.raises(ValueError, match="metric 'same' is registered twice"):

        @registry.register("same")
        def other() -> float:
            return 1.0
