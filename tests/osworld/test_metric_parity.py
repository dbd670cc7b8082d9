"""Scores OSWorld's own metric code gives on files built here, asserted against ours.

Each case builds its input files from a small spec (xlsx: sheet -> rows; pptx: slides of shapes; docx: paragraphs
of runs), runs one of our metrics and compares the score with the literal the official implementation returned for
the same files, so behaviour the tasks depend on (rounding, split runs, notes, ``examine_*`` options ...) stays put.
"""

from __future__ import annotations

import pytest

from steprl_envs.osworld.metrics import METRICS
from tests.osworld.builders import materialize, one_slide, text

# -- corpus --------------------------------------------------------------------------------------------------------
# (id, metric, result, expected, options, official score)

NUMS = [["name", "value"], ["a", 0.3], ["b", 2]]
SHEET_DATA = [{"type": "sheet_data", "sheet_idx0": 0, "sheet_idx1": "EI0"}]
TITLE = text("Quarterly report")
BOX2 = (1828800, 1828800, 3657600, 914400)
TIMEDATECTL = (
    "               Local time: Thu 2024-01-25 12:56:06 {0}\n"
    "           Universal time: Thu 2024-01-25 12:56:06 UTC\n"
    "                 RTC time: Thu 2024-01-25 12:56:05\n"
    "                Time zone: {1}\n"
    "System clock synchronized: yes\n"
)

CASES = [
    # compare_table --------------------------------------------------------------------------------------------
    # identical sheets
    ("table-same", "compare_table", ("xlsx", {"S": NUMS}), ("xlsx", {"S": NUMS}), {"rules": SHEET_DATA}, 1.0),
    # 0.30001 rounds to 0.3 at the default precision of 4 digits
    (
        "table-round",
        "compare_table",
        ("xlsx", {"S": [["name", "value"], ["a", 0.30001], ["b", 2]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": SHEET_DATA},
        1.0,
    ),
    # precision 5 keeps the difference
    (
        "table-precision",
        "compare_table",
        ("xlsx", {"S": [["name", "value"], ["a", 0.30001], ["b", 2]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": [{**SHEET_DATA[0], "precision": 5}]},
        0.0,
    ),
    # numbers stored as text in a whole column
    (
        "table-text-numbers",
        "compare_table",
        ("xlsx", {"S": [["name", "value"], ["a", "0.3"], ["b", "2"]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": SHEET_DATA},
        1.0,
    ),
    # one number stored as text next to a word stays text
    (
        "table-text-mixed",
        "compare_table",
        ("xlsx", {"S": [["k"], ["3"], ["x"]]}),
        ("xlsx", {"S": [["k"], [3], ["x"]]}),
        {"rules": SHEET_DATA},
        0.0,
    ),
    # a changed value
    (
        "table-diff",
        "compare_table",
        ("xlsx", {"S": [["name", "value"], ["a", 0.4], ["b", 2]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": SHEET_DATA},
        0.0,
    ),
    # a different header is a different sheet
    (
        "table-header",
        "compare_table",
        ("xlsx", {"S": [["name", "amount"], ["a", 0.3], ["b", 2]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": SHEET_DATA},
        0.0,
    ),
    # booleans are not the numbers 1 and 0
    (
        "table-bool",
        "compare_table",
        ("xlsx", {"S": [["k"], [True], [False]]}),
        ("xlsx", {"S": [["k"], [1], [0]]}),
        {"rules": SHEET_DATA},
        0.0,
    ),
    # "NA" text reads as a missing value, like an empty cell in the middle of a column
    (
        "table-na",
        "compare_table",
        ("xlsx", {"S": [["k", "v"], ["NA", 1], ["x", 2]]}),
        ("xlsx", {"S": [["k", "v"], [None, 1], ["x", 2]]}),
        {"rules": SHEET_DATA},
        1.0,
    ),
    # trailing empty rows do not count
    (
        "table-trailing",
        "compare_table",
        ("xlsx", {"S": NUMS + [[None, None]]}),
        ("xlsx", {"S": NUMS}),
        {"rules": SHEET_DATA},
        1.0,
    ),
    # sheets picked by name on both sides
    (
        "table-by-name",
        "compare_table",
        ("xlsx", {"A": NUMS, "B": [["x"]]}),
        ("xlsx", {"B": [["y"]], "A": NUMS}),
        {"rules": [{"type": "sheet_data", "sheet_idx0": "RNA", "sheet_idx1": "ENA"}]},
        1.0,
    ),
    # sheet names in order
    (
        "table-sheet-name",
        "compare_table",
        ("xlsx", {"A": NUMS, "B": NUMS}),
        ("xlsx", {"A": NUMS, "C": NUMS}),
        {"rules": [{"type": "sheet_name"}]},
        0.0,
    ),
    # a missing sheet scores 0
    (
        "table-missing-sheet",
        "compare_table",
        ("xlsx", {"A": NUMS}),
        ("xlsx", {"A": NUMS}),
        {"rules": [{"type": "sheet_data", "sheet_idx0": "RNZ", "sheet_idx1": "ENA"}]},
        0.0,
    ),
    # check_cell reads numbers as floats
    (
        "table-cell-float",
        "compare_table",
        ("xlsx", {"S": NUMS}),
        None,
        {
            "rules": [
                {
                    "type": "check_cell",
                    "sheet_idx": 0,
                    "coordinate": "B3",
                    "props": {"value": {"method": "eq", "ref": 2.0}},
                }
            ]
        },
        1.0,
    ),
    # check_cell: a boolean cell reads as no value
    (
        "table-cell-bool",
        "compare_table",
        ("xlsx", {"S": [["k"], [True]]}),
        None,
        {
            "rules": [
                {
                    "type": "check_cell",
                    "sheet_idx": 0,
                    "coordinate": "A2",
                    "props": {"value": {"method": "ne", "ref": None}},
                }
            ]
        },
        0.0,
    ),
    # check_cell eq on a number
    (
        "table-cell-eq",
        "compare_table",
        ("xlsx", {"S": NUMS}),
        None,
        {
            "rules": [
                {
                    "type": "check_cell",
                    "sheet_idx": "RI0",
                    "coordinate": "B3",
                    "props": {"value": {"method": "eq", "ref": 2}},
                }
            ]
        },
        1.0,
    ),
    # check_cell approx with a threshold
    (
        "table-cell-approx",
        "compare_table",
        ("xlsx", {"S": NUMS}),
        None,
        {
            "rules": [
                {
                    "type": "check_cell",
                    "sheet_idx": 0,
                    "coordinate": "B2",
                    "props": {"value": {"method": "approx:0.01", "ref": 0.305}},
                }
            ]
        },
        1.0,
    ),
    # check_cell range: 0 < x <= 2
    (
        "table-cell-range",
        "compare_table",
        ("xlsx", {"S": NUMS}),
        None,
        {
            "rules": [
                {
                    "type": "check_cell",
                    "sheet_idx": 0,
                    "coordinate": "B3",
                    "props": {"value": {"method": "range.te", "ref": [0, 2]}},
                }
            ]
        },
        1.0,
    ),
    # compare_pptx_files ---------------------------------------------------------------------------------------
    # identical decks
    ("pptx-same", "compare_pptx_files", ("pptx", one_slide(TITLE)), ("pptx", one_slide(TITLE)), {}, 1.0),
    # the same text split into two runs
    (
        "pptx-split-runs",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly ", "report"))),
        ("pptx", one_slide(TITLE)),
        {},
        1.0,
    ),
    # different text
    (
        "pptx-text",
        "compare_pptx_files",
        ("pptx", one_slide(text("Yearly report"))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    # different text, text not examined (the slide's bullet list still holds it)
    (
        "pptx-text-off",
        "compare_pptx_files",
        ("pptx", one_slide(text("Yearly report"))),
        ("pptx", one_slide(TITLE)),
        {"examine_text": False},
        0.0,
    ),
    # different text, neither text nor bullets examined
    (
        "pptx-text-bullets-off",
        "compare_pptx_files",
        ("pptx", one_slide(text("Yearly report"))),
        ("pptx", one_slide(TITLE)),
        {"examine_text": False, "examine_bullets": False},
        1.0,
    ),
    # strike-through
    (
        "pptx-strike",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "strike": True}))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-strike-off",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "strike": True}))),
        ("pptx", one_slide(TITLE)),
        {"examine_strike_through": False},
        1.0,
    ),
    # indent level
    (
        "pptx-level",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", level=1))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-level-off",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", level=1))),
        ("pptx", one_slide(TITLE)),
        {"examine_indent": False, "examine_bullets": False},
        1.0,
    ),
    # speaker notes
    (
        "pptx-notes",
        "compare_pptx_files",
        ("pptx", one_slide(TITLE, notes="say hello")),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-notes-off",
        "compare_pptx_files",
        ("pptx", one_slide(TITLE, notes="say hello")),
        ("pptx", one_slide(TITLE)),
        {"examine_note": False},
        1.0,
    ),
    # bullet characters
    (
        "pptx-bullet",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", bullet="*"))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-bullet-off",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", bullet="*"))),
        ("pptx", one_slide(TITLE)),
        {"examine_bullets": False},
        1.0,
    ),
    # alignment
    (
        "pptx-align",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", align="CENTER"))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-align-off",
        "compare_pptx_files",
        ("pptx", one_slide(text("Quarterly report", align="CENTER"))),
        ("pptx", one_slide(TITLE)),
        {"examine_alignment": False},
        1.0,
    ),
    # font properties, each with its switch
    (
        "pptx-font-name",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "name": "Arial"}))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-font-name-off",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "name": "Arial"}))),
        ("pptx", one_slide(TITLE)),
        {"examine_font_name": False},
        1.0,
    ),
    (
        "pptx-font-size-off",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "size": 30}))),
        ("pptx", one_slide(TITLE)),
        {"examine_font_size": False},
        1.0,
    ),
    (
        "pptx-italic",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "italic": True}))),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-underline-off",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "underline": True}))),
        ("pptx", one_slide(TITLE)),
        {"examine_font_underline": False},
        1.0,
    ),
    # a colour on one side only is not compared; on both sides it is
    (
        "pptx-color-one-side",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "color": "FF0000"}))),
        ("pptx", one_slide(TITLE)),
        {},
        1.0,
    ),
    (
        "pptx-color",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "color": "FF0000"}))),
        ("pptx", one_slide(text({"text": "Quarterly report", "color": "00FF00"}))),
        {},
        0.0,
    ),
    (
        "pptx-color-off",
        "compare_pptx_files",
        ("pptx", one_slide(text({"text": "Quarterly report", "color": "FF0000"}))),
        ("pptx", one_slide(text({"text": "Quarterly report", "color": "00FF00"}))),
        {"examine_color_rgb": False},
        1.0,
    ),
    # slide count, with and without its switch
    ("pptx-slides", "compare_pptx_files", ("pptx", one_slide(TITLE) * 2), ("pptx", one_slide(TITLE)), {}, 0.0),
    (
        "pptx-slides-off",
        "compare_pptx_files",
        ("pptx", one_slide(TITLE) * 2),
        ("pptx", one_slide(TITLE)),
        {"examine_number_of_slides": False},
        1.0,
    ),
    # an extra shape is not looked at
    (
        "pptx-extra-shape",
        "compare_pptx_files",
        ("pptx", one_slide(TITLE, {"kind": "table", "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    # background colour
    (
        "pptx-background",
        "compare_pptx_files",
        ("pptx", one_slide(TITLE, background="FF0000")),
        ("pptx", one_slide(TITLE)),
        {},
        1.0,
    ),
    # a moved shape, with and without examine_shape
    (
        "pptx-moved",
        "compare_pptx_files",
        ("pptx", one_slide({**TITLE, "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {},
        0.0,
    ),
    (
        "pptx-moved-shape-off",
        "compare_pptx_files",
        ("pptx", one_slide({**TITLE, "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {"examine_shape": False},
        1.0,
    ),
    # shift_size checks geometry even with examine_shape off ...
    (
        "pptx-shift-size",
        "compare_pptx_files",
        ("pptx", one_slide({**TITLE, "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {"examine_shape": False, "examine_shape_for_shift_size": True},
        0.0,
    ),
    # ... except for the placeholder text its task moves
    (
        "pptx-shift-size-exempt",
        "compare_pptx_files",
        ("pptx", one_slide({**text("Elaborate on what you want to discuss."), "box": BOX2})),
        ("pptx", one_slide(text("Elaborate on what you want to discuss."))),
        {"examine_shape": False, "examine_shape_for_shift_size": True},
        1.0,
    ),
    # image_size: a moved picture of the same size passes, a resized one fails
    (
        "pptx-image-moved",
        "compare_pptx_files",
        ("pptx", one_slide({"kind": "picture", "box": (1828800, 1828800, 914400, 914400)})),
        ("pptx", one_slide({"kind": "picture", "box": (914400, 914400, 914400, 914400)})),
        {"examine_shape": False, "examine_image_size": True},
        1.0,
    ),
    (
        "pptx-image-resized",
        "compare_pptx_files",
        ("pptx", one_slide({"kind": "picture", "box": (914400, 914400, 1828800, 914400)})),
        ("pptx", one_slide({"kind": "picture", "box": (914400, 914400, 914400, 914400)})),
        {"examine_shape": False, "examine_image_size": True},
        0.0,
    ),
    # image_size: other shapes must keep their geometry
    (
        "pptx-image-size-text",
        "compare_pptx_files",
        ("pptx", one_slide({**TITLE, "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {"examine_shape": False, "examine_image_size": True},
        0.0,
    ),
    # modify_height: a freeform may only change height
    (
        "pptx-height-freeform",
        "compare_pptx_files",
        ("pptx", one_slide({"kind": "freeform", "box": (914400, 914400, 914400, 1828800)})),
        ("pptx", one_slide({"kind": "freeform", "box": (914400, 914400, 914400, 914400)})),
        {"examine_shape": False, "examine_modify_height": True},
        0.0,
    ),
    (
        "pptx-height-moved-text",
        "compare_pptx_files",
        ("pptx", one_slide({**TITLE, "box": BOX2})),
        ("pptx", one_slide(TITLE)),
        {"examine_shape": False, "examine_modify_height": True},
        0.0,
    ),
    # title_bottom_position: the "Product Comparison" title must move down below 3600000 EMU
    (
        "pptx-title-bottom-ok",
        "compare_pptx_files",
        ("pptx", one_slide({**text("Product Comparison"), "box": (914400, 4000000, 3657600, 914400)})),
        ("pptx", one_slide(text("Product Comparison"))),
        {"examine_shape": False, "examine_title_bottom_position": True},
        1.0,
    ),
    (
        "pptx-title-bottom-high",
        "compare_pptx_files",
        ("pptx", one_slide({**text("Product Comparison"), "box": (914400, 3000000, 3657600, 914400)})),
        ("pptx", one_slide({**text("Product Comparison"), "box": (914400, 2000000, 3657600, 914400)})),
        {"examine_shape": False, "examine_title_bottom_position": True},
        0.0,
    ),
    # table_bottom_position: the table on slide 3 must move down below 3600000 EMU
    (
        "pptx-table-bottom",
        "compare_pptx_files",
        ("pptx", [{}, {}, {"shapes": [{"kind": "table", "box": (914400, 4000000, 3657600, 914400)}]}]),
        ("pptx", [{}, {}, {"shapes": [{"kind": "table", "box": (914400, 914400, 3657600, 914400)}]}]),
        {"examine_shape": False, "examine_table_bottom_position": True},
        1.0,
    ),
    (
        "pptx-table-bottom-high",
        "compare_pptx_files",
        ("pptx", [{}, {}, {"shapes": [{"kind": "table", "box": (914400, 3000000, 3657600, 914400)}]}]),
        ("pptx", [{}, {}, {"shapes": [{"kind": "table", "box": (914400, 914400, 3657600, 914400)}]}]),
        {"examine_shape": False, "examine_table_bottom_position": True},
        0.0,
    ),
    # right_position: a text-less shape on slide 2 must move right past 4320000 EMU
    (
        "pptx-right",
        "compare_pptx_files",
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (5000000, 914400, 914400, 914400)}]}]),
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 914400, 914400, 914400)}]}]),
        {"examine_shape": False, "examine_right_position": True},
        1.0,
    ),
    (
        "pptx-right-short",
        "compare_pptx_files",
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (4000000, 914400, 914400, 914400)}]}]),
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 914400, 914400, 914400)}]}]),
        {"examine_shape": False, "examine_right_position": True},
        0.0,
    ),
    # top_position: the picture on slide 2 must move up above 1980000 EMU
    (
        "pptx-top",
        "compare_pptx_files",
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 914400, 914400, 914400)}]}]),
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 3000000, 914400, 914400)}]}]),
        {"examine_shape": False, "examine_top_position": True},
        1.0,
    ),
    (
        "pptx-top-low",
        "compare_pptx_files",
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 2500000, 914400, 914400)}]}]),
        ("pptx", [{}, {"shapes": [{"kind": "picture", "box": (914400, 3000000, 914400, 914400)}]}]),
        {"examine_shape": False, "examine_top_position": True},
        0.0,
    ),
    # compare_docx_files ---------------------------------------------------------------------------------------
    # identical documents
    (
        "docx-same",
        "compare_docx_files",
        ("docx", ["Hello world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {},
        1.0,
    ),
    # one paragraph split in two
    (
        "docx-split",
        "compare_docx_files",
        ("docx", ["Hello", "world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {},
        1.0,
    ),
    # split paragraph without ignore_blanks compares paragraph by paragraph
    (
        "docx-split-strict",
        "compare_docx_files",
        ("docx", ["Hello", "world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {"ignore_blanks": False},
        0.0,
    ),
    # runs do not matter
    (
        "docx-runs",
        "compare_docx_files",
        ("docx", [["Hello ", "world"], "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {"ignore_blanks": False},
        1.0,
    ),
    # extra blanks inside a paragraph
    (
        "docx-blanks",
        "compare_docx_files",
        ("docx", ["Hello   world ", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {},
        1.0,
    ),
    # content_only is a fuzzy ratio over the blank-collapsed text
    (
        "docx-content-only",
        "compare_docx_files",
        ("docx", ["Hello  world", "", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {"content_only": True},
        1.0,
    ),
    (
        "docx-content-only-typo",
        "compare_docx_files",
        ("docx", ["Hello world", "Secend lines here"]),
        ("docx", ["Hello world", "Second line"]),
        {"content_only": True},
        0.846153846154,
    ),
    (
        "docx-content-only-case",
        "compare_docx_files",
        ("docx", ["HELLO world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {"content_only": True, "ignore_case": True},
        1.0,
    ),
    # case
    (
        "docx-case",
        "compare_docx_files",
        ("docx", ["HELLO world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {},
        0.0,
    ),
    (
        "docx-case-off",
        "compare_docx_files",
        ("docx", ["HELLO world", "Second line"]),
        ("docx", ["Hello world", "Second line"]),
        {"ignore_case": True, "ignore_blanks": False},
        1.0,
    ),
    # order
    (
        "docx-order",
        "compare_docx_files",
        ("docx", ["Second line", "Hello world"]),
        ("docx", ["Hello world", "Second line"]),
        {"ignore_order": True},
        1.0,
    ),
    # compare_docx_files_and_ignore_new_lines: a blank-only paragraph is not an empty one
    (
        "docx-newlines-space",
        "compare_docx_files_and_ignore_new_lines",
        ("docx", ["Hello world", " ", "Second"]),
        ("docx", ["Hello world", "Second"]),
        {"ignore_blanks": False},
        0.0,
    ),
    (
        "docx-newlines-empty",
        "compare_docx_files_and_ignore_new_lines",
        ("docx", ["Hello world", "", "Second"]),
        ("docx", ["Hello world", "Second"]),
        {"ignore_blanks": False},
        1.0,
    ),
    # is_utc_0 -------------------------------------------------------------------------------------------------
    ("utc-etc", "is_utc_0", TIMEDATECTL.format("UTC", "Etc/UTC (UTC, +0000)"), None, {}, 1.0),
    # London in winter is UTC+0 too
    ("utc-london", "is_utc_0", TIMEDATECTL.format("GMT", "Europe/London (GMT, +0000)"), None, {}, 1.0),
    ("utc-faroe", "is_utc_0", TIMEDATECTL.format("WET", "Atlantic/Faroe (WET, +0000)"), None, {}, 1.0),
    ("utc-paris", "is_utc_0", TIMEDATECTL.format("CET", "Europe/Paris (CET, +0100)"), None, {}, 0.0),
    ("utc-minus", "is_utc_0", TIMEDATECTL.format("GMT", "America/Scoresbysund (-01, -0100)"), None, {}, 0.0),
    # fuzzy_match: the ratio rapidfuzz computes (2 * common subsequence / total length) ----------------------
    ("fuzzy-one-letter", "fuzzy_match", "hallo", {"expected": "hello"}, {}, 0.8),
    ("fuzzy-reordered", "fuzzy_match", "abcdefgh xyz", {"expected": "xyz abcdefgh"}, {}, 0.666666666667),
    # the longest common subsequence, where difflib's greedy blocks find less (1/3)
    ("fuzzy-subsequence", "fuzzy_match", "acbbbacbb", {"expected": " babca  c"}, {}, 0.444444444444),
    ("fuzzy-empty", "fuzzy_match", "", {"expected": ""}, {}, 1.0),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_official_score(case, tmp_path):
    case_id, metric, result, expected, options, score = case
    for kind in {v[0] for v in (result, expected) if isinstance(v, tuple)}:
        pytest.importorskip({"xlsx": "openpyxl", "pptx": "pptx", "docx": "docx"}[kind])
    args = [materialize(result, tmp_path, "result")]
    if expected is not None or metric == "compare_table":
        args.append(materialize(expected, tmp_path, "expected"))
    assert METRICS.get(metric)(*args, **options) == pytest.approx(score, abs=1e-9)
