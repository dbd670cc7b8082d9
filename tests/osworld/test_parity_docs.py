"""Writer metrics against the scores OSWorld's own code gives on the same files (docx and odt built here).

Case format and ``OFFICIAL_ERROR``: tests/osworld/parity.py.
"""

from __future__ import annotations

import pytest

from tests.osworld.parity import OFFICIAL_ERROR, check_case, skip_without


def R(text, **props) -> dict:  # noqa: N802  (reads like the spec it builds)
    return {"text": text, **props}


def P(*runs, **fmt) -> dict:  # noqa: N802
    return {"runs": list(runs), **fmt}


def DOC(*blocks, **spec) -> tuple:  # noqa: N802
    return ("doc", {"blocks": list(blocks), **spec})


def ODT(*paragraphs, **styles) -> tuple:  # noqa: N802
    return ("odt", {"paragraphs": list(paragraphs), "styles": styles})


TABLE = {"table": [["Task", "Hours"], ["Design", "4"]]}
TNR = {"font_name": "Times New Roman"}
REFS = ["Intro text.", "References", "Smith, J. (2020). A study of things. Journal 1.", "Doe, A. (2019). Others."]
REFS_EDITED = ["Intro text.", "References", "Smith J. 2020. A study of things, Journal 1", "Doe, A. (2019). Others."]
PLACES = {"expected": ["深圳市福田区正义街1号", "福田区莲科路18号", "北京市海淀区"]}
COLOURED = [
    [[R("apple", color="FF0000"), R(" ", color="0000FF")], [R("dog", color="0000FF")]],
    [[R("Egg", color="FF0000")], [R("x", color="0000FF")]],
]


def coloured(first: str, second: str = "0000FF") -> tuple:
    return DOC({"table": [[[R("apple", color=first)], [R("dog", color=second)]]]})


CASES = [
    # compare_docx_tables ------------------------------------------------------------------------------------
    ("tables-same", "compare_docx_tables", DOC("a", TABLE), DOC("b", TABLE), {}, 1.0),
    ("tables-cell", "compare_docx_tables", DOC({"table": [["Task", "Hours"], ["Design", "5"]]}), DOC(TABLE), {}, 0.0),
    (
        "tables-strip",
        "compare_docx_tables",
        DOC({"table": [[" Task ", "Hours"], ["Design", "4 "]]}),
        DOC(TABLE),
        {},
        1.0,
    ),
    ("tables-count", "compare_docx_tables", DOC(TABLE, TABLE), DOC(TABLE), {}, 0.0),
    ("tables-shape", "compare_docx_tables", DOC({"table": [["Task", "Hours"]]}), DOC(TABLE), {}, 0.0),
    ("tables-none", "compare_docx_tables", DOC("x"), DOC("y"), {}, 1.0),
    ("tables-missing", "compare_docx_tables", None, DOC(TABLE), {}, 0.0),
    # compare_docx_images ------------------------------------------------------------------------------------
    ("images-same", "compare_docx_images", DOC("a", {"image": "red"}), DOC({"image": "red"}), {}, 1.0),
    ("images-colour", "compare_docx_images", DOC({"image": "red"}), DOC({"image": "blue"}), {}, 0.0),
    ("images-count", "compare_docx_images", DOC("a"), DOC({"image": "red"}), {}, 0.0),
    ("images-none", "compare_docx_images", DOC("a"), DOC("b"), {}, 1.0),
    (
        "images-order",
        "compare_docx_images",
        DOC({"image": "red"}, {"image": "blue"}),
        DOC({"image": "blue"}, {"image": "red"}),
        {},
        0.0,
    ),
    (
        "images-two",
        "compare_docx_images",
        DOC({"image": "red"}, {"image": "blue"}),
        DOC({"image": "red"}, {"image": "blue"}),
        {},
        1.0,
    ),
    # compare_line_spacing -----------------------------------------------------------------------------------
    ("spacing-same", "compare_line_spacing", DOC(P("a", spacing=2.0), "b"), DOC(P("a", spacing=2.0), "b"), {}, 1.0),
    ("spacing-differs", "compare_line_spacing", DOC(P("a", spacing=1.5)), DOC(P("a", spacing=2.0)), {}, 0.0),
    ("spacing-text", "compare_line_spacing", DOC(P("a", spacing=2.0)), DOC(P("b", spacing=2.0)), {}, 0.0),
    ("spacing-unset", "compare_line_spacing", DOC("a", "b"), DOC("a", "b"), {}, 1.0),
    ("spacing-split", "compare_line_spacing", DOC("a b"), DOC("a", "b"), {}, 0.0),
    ("spacing-one-side", "compare_line_spacing", DOC("a", P("b", spacing=1.0)), DOC("a", "b"), {}, 0.0),
    # check_tabstops -----------------------------------------------------------------------------------------
    (
        "tabs-same",
        "check_tabstops",
        DOC(P("one two three\tx", tabs=[(3, "RIGHT")]), ""),
        DOC(P("one two three\tx", tabs=[(3, "RIGHT")])),
        {},
        1.0,
    ),
    (
        "tabs-shifted",
        "check_tabstops",
        DOC(P("a\tb", tabs=[(3.5, "RIGHT")]), P("c\td", tabs=[(1, "LEFT")])),
        DOC(P("a\tb", tabs=[(3, "RIGHT")]), P("c\td", tabs=[(1, "LEFT")])),
        {},
        0.958333333333,
    ),
    ("tabs-align", "check_tabstops", DOC(P("a\tb", tabs=[(3, "LEFT")])), DOC(P("a\tb", tabs=[(3, "RIGHT")])), {}, 0.0),
    ("tabs-count", "check_tabstops", DOC(P("a\tb")), DOC(P("a\tb", tabs=[(3, "RIGHT")])), {}, 0.0),
    ("tabs-paragraphs", "check_tabstops", DOC("a", "b"), DOC("a"), {}, 0.0),
    (
        "tabs-ignored",
        "check_tabstops",
        DOC(P("a\tb", tabs=[(0, "LEFT"), (2, "CLEAR"), (3, "CENTER")])),
        DOC(P("a\tb", tabs=[(3, "CENTER")])),
        {},
        1.0,
    ),
    (
        "tabs-words",
        "check_tabstops",
        DOC(P("one two three\tx", tabs=[(3, "RIGHT")]), P("four five six\ty", tabs=[(3, "RIGHT")])),
        DOC(P("a\tx", tabs=[(3, "RIGHT")]), P("b\ty", tabs=[(3, "RIGHT")])),
        {"word_number_split_by_tabstop": 3, "index": 0},
        1.0,
    ),
    (
        "tabs-words-short",
        "check_tabstops",
        DOC(P("one two\tthree x", tabs=[(3, "RIGHT")])),
        DOC(P("one two three\tx", tabs=[(3, "RIGHT")])),
        {"word_number_split_by_tabstop": 3, "index": 0},
        0.0,
    ),
    ("tabs-empty", "check_tabstops", DOC(""), DOC(""), {}, OFFICIAL_ERROR),
    # compare_subscript_contains -----------------------------------------------------------------------------
    (
        "sub-both",
        "compare_subscript_contains",
        DOC(P("H", R("2", subscript=True), "O")),
        DOC(P("H", R("2", subscript=True), "O")),
        {},
        1.0,
    ),
    (
        "sub-result-only",
        "compare_subscript_contains",
        DOC(P("H", R("2", subscript=True), "O")),
        DOC(P("H", "2", "O")),
        {},
        0.0,
    ),
    (
        "sub-elsewhere",
        "compare_subscript_contains",
        DOC(P(R("H", subscript=True), "2O")),
        DOC(P("H", R("2", subscript=True), "O")),
        {},
        0.0,
    ),
    ("sub-none", "compare_subscript_contains", DOC("H2O"), DOC("H2O"), {}, 0.0),
    (
        "sub-second",
        "compare_subscript_contains",
        DOC("x", P("C", R("6", subscript=True))),
        DOC("y", P("C", R("6", subscript=True))),
        {},
        1.0,
    ),
    # compare_contains_image ---------------------------------------------------------------------------------
    ("img-both", "compare_contains_image", DOC("a", {"image": "red"}), DOC("b", {"image": "blue"}), {}, 1.0),
    ("img-missing", "compare_contains_image", DOC("a", "text"), DOC("a", {"image": "red"}), {}, 0.0),
    ("img-neither", "compare_contains_image", DOC("a"), DOC("b"), {}, 1.0),
    ("img-against-empty", "compare_contains_image", DOC({"image": "red"}), DOC(""), {}, 1.0),
    ("img-moved", "compare_contains_image", DOC({"image": "red"}, "a"), DOC("a", {"image": "red"}), {}, 0.0),
    # compare_docx_lines -------------------------------------------------------------------------------------
    ("lines-reordered", "compare_docx_lines", DOC("b", "a"), DOC("a", "b"), {}, 1.0),
    ("lines-duplicates", "compare_docx_lines", DOC("a", "a", "b"), DOC("b", "a"), {}, 1.0),
    ("lines-differ", "compare_docx_lines", DOC("a", "c"), DOC("a", "b"), {}, 0.0),
    ("lines-blank", "compare_docx_lines", DOC("  a ", "", "b"), DOC("a", "b"), {}, 1.0),
    ("lines-extra", "compare_docx_lines", DOC("a", "b", "c"), DOC("a", "b"), {}, 0.0),
    # has_page_numbers_in_footers ----------------------------------------------------------------------------
    ("footer-digit", "has_page_numbers_in_footers", DOC("a", footers=["Page 1"]), None, {}, 1.0),
    ("footer-word", "has_page_numbers_in_footers", DOC("a", footers=["Page"]), None, {}, 0.0),
    ("footer-none", "has_page_numbers_in_footers", DOC("a"), None, {}, 0.0),
    ("footer-two", "has_page_numbers_in_footers", DOC("a", footers=["1", "2"]), None, {}, 1.0),
    ("footer-second-bare", "has_page_numbers_in_footers", DOC("a", footers=["1", "end"]), None, {}, 0.0),
    ("footer-superscript", "has_page_numbers_in_footers", DOC("a", footers=["p²"]), None, {}, 1.0),
    # is_first_line_centered ---------------------------------------------------------------------------------
    ("centered", "is_first_line_centered", DOC(P("Title", align="CENTER"), "b"), None, {}, 1.0),
    ("centered-left", "is_first_line_centered", DOC(P("Title", align="LEFT")), None, {}, 0.0),
    ("centered-unset", "is_first_line_centered", DOC("Title"), None, {}, 0.0),
    ("centered-second", "is_first_line_centered", DOC("Title", P("b", align="CENTER")), None, {}, 0.0),
    ("centered-right", "is_first_line_centered", DOC(P("Title", align="RIGHT")), None, {}, 0.0),
    ("centered-missing", "is_first_line_centered", None, None, {}, 0.0),
    # compare_font_names -------------------------------------------------------------------------------------
    (
        "font-all",
        "compare_font_names",
        DOC(P(R("a", font="Times New Roman"), R("b", font="Times New Roman"))),
        TNR,
        {},
        1.0,
    ),
    (
        "font-one-off",
        "compare_font_names",
        DOC(P(R("a", font="Times New Roman")), P(R("b", font="Arial"))),
        TNR,
        {},
        0.0,
    ),
    ("font-inherited", "compare_font_names", DOC("a"), TNR, {}, 0.0),
    ("font-no-runs", "compare_font_names", DOC(""), TNR, {}, 1.0),
    (
        "font-table-ignored",
        "compare_font_names",
        DOC(P(R("a", font="Times New Roman")), {"table": [[[R("x", font="Arial")]]]}),
        TNR,
        {},
        1.0,
    ),
    # contains_page_break ------------------------------------------------------------------------------------
    ("break-page", "contains_page_break", DOC("a", P(R("b", **{"break": "PAGE"}))), None, {}, 1.0),
    ("break-none", "contains_page_break", DOC("a", "b"), None, {}, 0.0),
    ("break-line", "contains_page_break", DOC(P(R("b", **{"break": "LINE"}))), None, {}, 0.0),
    ("break-column", "contains_page_break", DOC(P(R("b", **{"break": "COLUMN"}))), None, {}, 0.0),
    ("break-in-table", "contains_page_break", DOC({"table": [[[R("x", **{"break": "PAGE"})]]]}), None, {}, 0.0),
    ("break-missing", "contains_page_break", None, None, {}, 0.0),
    # evaluate_strike_through_last_paragraph -----------------------------------------------------------------
    (
        "strike-last",
        "evaluate_strike_through_last_paragraph",
        DOC("a", P(R("b", strike=True), R("c", strike=True))),
        DOC("a", "bc"),
        {},
        1.0,
    ),
    (
        "strike-partial",
        "evaluate_strike_through_last_paragraph",
        DOC("a", P(R("b", strike=True), R("c"))),
        DOC("a", "bc"),
        {},
        0.0,
    ),
    ("strike-text", "evaluate_strike_through_last_paragraph", DOC("a", P(R("x", strike=True))), DOC("a", "b"), {}, 0.0),
    ("strike-empty-last", "evaluate_strike_through_last_paragraph", DOC("a", ""), DOC("a", ""), {}, 1.0),
    (
        "strike-first",
        "evaluate_strike_through_last_paragraph",
        DOC(P(R("a", strike=True)), "b"),
        DOC("a", "b"),
        {},
        0.0,
    ),
    # check_italic_font_size_14 ------------------------------------------------------------------------------
    ("italic-14", "check_italic_font_size_14", DOC(P(R("a", italic=True, size=14), "b")), DOC("ab"), {}, 1.0),
    ("italic-12", "check_italic_font_size_14", DOC(P(R("a", italic=True, size=12))), DOC("a"), {}, 0.0),
    ("italic-unsized", "check_italic_font_size_14", DOC(P(R("a", italic=True))), DOC("a"), {}, 0.0),
    ("italic-none", "check_italic_font_size_14", DOC(P(R("a", size=12))), DOC("a"), {}, 1.0),
    ("italic-text", "check_italic_font_size_14", DOC(P(R("a", italic=True, size=14))), DOC("b"), {}, 0.0),
    (
        "italic-mixed",
        "check_italic_font_size_14",
        DOC(P(R("a", size=12), R("b", italic=True, size=14))),
        DOC("ab"),
        {},
        1.0,
    ),
    # evaluate_colored_words_in_tables -----------------------------------------------------------------------
    ("colour-right", "evaluate_colored_words_in_tables", coloured("FF0000"), coloured("FF0000"), {}, 1.0),
    ("colour-vowel-blue", "evaluate_colored_words_in_tables", coloured("0000FF"), coloured("FF0000"), {}, 0.0),
    ("colour-near-red", "evaluate_colored_words_in_tables", coloured("FE0202"), coloured("FF0000"), {}, 1.0),
    ("colour-off-red", "evaluate_colored_words_in_tables", coloured("E01010"), coloured("FF0000"), {}, 0.0),
    (
        "colour-threshold",
        "evaluate_colored_words_in_tables",
        coloured("E01010"),
        coloured("FF0000"),
        {"threshold": 50},
        1.0,
    ),
    ("colour-grid", "evaluate_colored_words_in_tables", DOC({"table": COLOURED}), DOC({"table": COLOURED}), {}, 1.0),
    ("colour-text", "evaluate_colored_words_in_tables", coloured("FF0000"), DOC("other"), {}, 0.0),
    (
        "colour-unset",
        "evaluate_colored_words_in_tables",
        DOC({"table": [["apple"]]}),
        DOC({"table": [["apple"]]}),
        {},
        OFFICIAL_ERROR,
    ),
    # compare_references -------------------------------------------------------------------------------------
    ("refs-same", "compare_references", DOC(*REFS), DOC(*REFS), {}, 1.0),
    ("refs-neither", "compare_references", DOC("a"), DOC("b"), {}, 1.0),
    ("refs-one-side", "compare_references", DOC(*REFS), DOC(*REFS[:1]), {}, 0.0),
    ("refs-count", "compare_references", DOC(*REFS, "Extra, E. (2001)."), DOC(*REFS), {}, 0.0),
    ("refs-edited", "compare_references", DOC(*REFS_EDITED), DOC(*REFS), {}, 0.933333333333),
    (
        "refs-edited-strict",
        "compare_references",
        DOC(*REFS_EDITED),
        DOC(*REFS),
        {"reference_base_result": 0.92},
        0.583333333333,
    ),
    (
        "refs-heading",
        "compare_references",
        DOC("Sources", "x"),
        DOC("Sources", "x y"),
        {"reference_indicator": "Sources"},
        0.0,
    ),
    ("refs-blank-items", "compare_references", DOC(*REFS, "", " "), DOC(*REFS), {"content_only": True}, 1.0),
    # fuzzy_place_math ---------------------------------------------------------------------------------------
    (
        "places-exact",
        "fuzzy_place_math",
        DOC("深圳市福田区正义街1号", "福田区莲科路18号 北京市海淀区"),
        PLACES,
        {},
        1.0,
    ),
    ("places-two", "fuzzy_place_math", DOC("深圳市福田区正义街1号 福田区莲科路18号"), PLACES, {}, 0.0),
    ("places-fuzzy", "fuzzy_place_math", DOC("福田区正义街1号", "莲科路18号", "北京海淀"), PLACES, {}, 0.814035087719),
    ("places-four", "fuzzy_place_math", DOC("a b c d"), PLACES, {}, 0.0),
    ("places-latin", "fuzzy_place_math", DOC("one two three"), {"expected": ["one", "tow", "x"]}, {}, 0.638888888889),
    ("places-missing", "fuzzy_place_math", None, PLACES, {}, 0.0),
    # check_highlighted_words --------------------------------------------------------------------------------
    ("highlight-clean", "check_highlighted_words", ODT(("Call now", "")), ODT(("Call now", "")), {}, 1.0),
    (
        "highlight-left",
        "check_highlighted_words",
        ODT(("Call now", "T1"), T1="#ffff00"),
        ODT(("Call now", "")),
        {},
        0.0,
    ),
    (
        "highlight-green",
        "check_highlighted_words",
        ODT(("Call now", "T1"), T1="#00ff00"),
        ODT(("Call now", "")),
        {},
        1.0,
    ),
    ("highlight-text", "check_highlighted_words", ODT(("Call later", "")), ODT(("Call now", "")), {}, 0.0),
    ("highlight-docx", "check_highlighted_words", DOC("Call now"), DOC("Call now"), {}, OFFICIAL_ERROR),
    (
        "highlight-unused",
        "check_highlighted_words",
        ODT(("Call now", "T2"), T1="#ffff00"),
        ODT(("Call now", "")),
        {},
        1.0,
    ),
    (
        "highlight-upper",
        "check_highlighted_words",
        ODT(("Call now", "T1"), T1="#FFFF00"),
        ODT(("Call now", "")),
        {},
        1.0,
    ),
    (
        "highlight-yellow",
        "check_highlighted_words",
        ODT(("Call", ""), ("now", "T1"), T1="#ffff00"),
        ODT(("Call", ""), ("now", "")),
        {},
        0.0,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_writer_metric_matches_official_score(case, tmp_path):
    skip_without(case, *(["skimage"] if case[1] == "evaluate_colored_words_in_tables" else []))
    check_case(case, tmp_path)
