"""Parity cases for OSWorld's metrics over plain values (strings, lists, JSON objects, command output), with the
scores OSWorld's own metric code gave on the same inputs: ``(id, metric, result, expected, options, official)``."""

from __future__ import annotations

from tests.osworld.parity import OFFICIAL_ERROR

FAVOURITES = "['thunderbird.desktop', 'vim.desktop', 'google-chrome.desktop']"
FAVOURITE_SET = {"expected": ["google-chrome.desktop", "thunderbird.desktop", "vim.desktop"]}
FLIGHT = {"start": "SEA", "end": "NYC", "category": "Miles"}

CASES = [
    # exact_match ------------------------------------------------------------------------------------------------
    ("exact-same", "exact_match", "Hello", {"expected": "Hello"}, {}, 1.0),
    ("exact-case", "exact_match", "hello", {"expected": "Hello"}, {}, 0.0),
    ("exact-trailing-blank", "exact_match", "Hello ", {"expected": "Hello"}, {}, 0.0),
    ("exact-number-vs-text", "exact_match", 1, {"expected": "1"}, {}, 0.0),
    ("exact-none", "exact_match", None, {"expected": "Hello"}, {}, 0.0),
    ("exact-list", "exact_match", ["a", "b"], {"expected": ["a", "b"]}, {}, 1.0),
    # is_in_list: the expected item is in the result ----------------------------------------------------------------
    ("in-list-hit", "is_in_list", ["a.txt", "b.txt"], {"expected": "b.txt"}, {}, 1.0),
    ("in-list-miss", "is_in_list", ["a.txt", "b.txt"], {"expected": "c.txt"}, {}, 0.0),
    ("in-list-substring", "is_in_list", "report_final.pdf", {"expected": "final"}, {}, 1.0),
    ("in-list-partial-item", "is_in_list", ["report_final.pdf"], {"expected": "final"}, {}, 0.0),
    ("in-list-empty", "is_in_list", [], {"expected": "a"}, {}, 0.0),
    ("in-list-none", "is_in_list", None, {"expected": "a"}, {}, OFFICIAL_ERROR),
    # check_include_exclude ------------------------------------------------------------------------------------------
    ("incl-all", "check_include_exclude", "ok: 3 files copied", {"include": ["ok", "3 files"], "exclude": []}, {}, 1.0),
    ("incl-missing", "check_include_exclude", "ok: 2 files copied", {"include": ["ok", "3 files"]}, {}, 0.0),
    ("incl-excluded", "check_include_exclude", "ok: error later", {"include": ["ok"], "exclude": ["error"]}, {}, 0.0),
    ("incl-no-rules", "check_include_exclude", "anything", {}, {}, 1.0),
    ("incl-none", "check_include_exclude", None, {"include": []}, {}, 0.0),
    ("incl-case", "check_include_exclude", "OK done", {"include": ["ok"]}, {}, 0.0),
    # literal_match --------------------------------------------------------------------------------------------------
    ("literal-str", "literal_match", "Paris", "Paris", {}, 1.0),
    ("literal-number-text", "literal_match", 3, "3", {}, 1.0),
    ("literal-case", "literal_match", "PARIS", "paris", {"ignore_case": True}, 1.0),
    ("literal-case-strict", "literal_match", "PARIS", "paris", {}, 0.0),
    ("literal-list", "literal_match", ["A", 2], ["a", "2"], {"type": "list", "ignore_case": True}, 1.0),
    ("literal-list-length", "literal_match", ["a"], ["a", "b"], {"type": "list"}, 0.0),
    ("literal-list-vs-str", "literal_match", "a", ["a"], {"type": "list"}, 0.0),
    ("literal-tuple", "literal_match", ("a", "b"), ["a", "b"], {"type": "list"}, 1.0),
    ("literal-none", "literal_match", None, "None", {}, 1.0),
    ("literal-bad-type", "literal_match", "a", "a", {"type": "set"}, OFFICIAL_ERROR),
    # check_direct_json_object ---------------------------------------------------------------------------------------
    ("json-obj-same", "check_direct_json_object", dict(FLIGHT, extra=1), {"expected": FLIGHT}, {}, 1.0),
    (
        "json-obj-string",
        "check_direct_json_object",
        " {'start': 'SEA', 'end': 'NYC', 'category': 'Miles'} ",
        {"expected": FLIGHT},
        {},
        1.0,
    ),
    ("json-obj-diff", "check_direct_json_object", dict(FLIGHT, end="BOS"), {"expected": FLIGHT}, {}, 0.0),
    ("json-obj-missing-key", "check_direct_json_object", {"start": "SEA"}, {"expected": FLIGHT}, {}, 0.0),
    ("json-obj-none", "check_direct_json_object", None, {"expected": FLIGHT}, {}, 0.0),
    ("json-obj-bad-text", "check_direct_json_object", "not json", {"expected": FLIGHT}, {}, OFFICIAL_ERROR),
    (
        "json-obj-in-str",
        "check_direct_json_object",
        {"title": "The Big Sleep (1946)"},
        {"expected": {"title": "Big Sleep"}, "expect_in_result": True},
        {},
        1.0,
    ),
    (
        "json-obj-in-list",
        "check_direct_json_object",
        {"tags": ["x", "y"]},
        {"expected": {"tags": ["z", "y"]}, "expect_in_result": True},
        {},
        1.0,
    ),
    (
        "json-obj-in-list-vs-str",
        "check_direct_json_object",
        {"tags": "y"},
        {"expected": {"tags": ["y"]}, "expect_in_result": True},
        {},
        0.0,
    ),
    (
        "json-obj-in-number",
        "check_direct_json_object",
        {"n": 3},
        {"expected": {"n": 3}, "expect_in_result": True},
        {},
        0.0,
    ),
    (
        "json-obj-in-missing",
        "check_direct_json_object",
        {},
        {"expected": {"t": "a"}, "expect_in_result": True},
        {},
        0.0,
    ),
    (
        "json-obj-list-order",
        "check_direct_json_object",
        {"l": [2, 1]},
        {"expected": {"l": [1, 2], "ignore_list_order": True}},
        {},
        0.0,
    ),
    # compare_answer -------------------------------------------------------------------------------------------------
    ("answer-same", "compare_answer", "42", {"expected": "42"}, {}, 1.0),
    ("answer-diff", "compare_answer", "41", {"expected": "42"}, {}, 0.0),
    ("answer-blank", "compare_answer", "42\n", {"expected": "42"}, {}, 0.0),
    ("answer-empty", "compare_answer", "", {"expected": ""}, {}, 0.0),
    ("answer-none", "compare_answer", None, {"expected": "42"}, {}, 0.0),
    # is_extension_installed: `code --list-extensions` output -------------------------------------------------------
    (
        "ext-contains",
        "is_extension_installed",
        "ms-python.python\nms-toolsai.jupyter\n",
        {"type": "contain", "expected": "ms-python.python"},
        {},
        1.0,
    ),
    (
        "ext-missing",
        "is_extension_installed",
        "ms-toolsai.jupyter\n",
        {"type": "contain", "expected": "ms-python.python"},
        {},
        0.0,
    ),
    (
        "ext-not-contain",
        "is_extension_installed",
        "ms-toolsai.jupyter\n",
        {"type": "not_contain", "expected": "ms-python.python"},
        {},
        1.0,
    ),
    (
        "ext-not-contain-present",
        "is_extension_installed",
        "ms-python.python\n",
        {"type": "not_contain", "expected": "ms-python.python"},
        {},
        0.0,
    ),
    (
        "ext-none",
        "is_extension_installed",
        None,
        {"type": "not_contain", "expected": "ms-python.python"},
        {},
        OFFICIAL_ERROR,
    ),
    ("ext-bad-type", "is_extension_installed", "x", {"type": "equal", "expected": "x"}, {}, OFFICIAL_ERROR),
    # check_text_enlarged: the text-scaling-factor gsettings value ---------------------------------------------------
    ("enlarged-yes", "check_text_enlarged", "1.25", None, {}, 1.0),
    ("enlarged-one", "check_text_enlarged", "1.0", None, {}, 0.0),
    ("enlarged-small", "check_text_enlarged", "0.8", None, {}, 0.0),
    ("enlarged-newline", "check_text_enlarged", " 1.5\n", None, {}, 1.0),
    ("enlarged-empty", "check_text_enlarged", "", None, {}, OFFICIAL_ERROR),
    ("enlarged-word", "check_text_enlarged", "large", None, {}, OFFICIAL_ERROR),
    # check_gnome_favorite_apps: the favorite-apps gsettings value, compared as a set ------------------------------
    ("favs-same-order", "check_gnome_favorite_apps", FAVOURITES, FAVOURITE_SET, {}, 1.0),
    ("favs-extra", "check_gnome_favorite_apps", FAVOURITES[:-1] + ", 'gedit.desktop']", FAVOURITE_SET, {}, 0.0),
    ("favs-missing", "check_gnome_favorite_apps", "['thunderbird.desktop', 'vim.desktop']", FAVOURITE_SET, {}, 0.0),
    (
        "favs-duplicate",
        "check_gnome_favorite_apps",
        "['vim.desktop', 'vim.desktop']",
        {"expected": ["vim.desktop", "gedit.desktop"]},
        {},
        0.0,
    ),
    (
        "favs-double-quotes",
        "check_gnome_favorite_apps",
        '["vim.desktop", "it\'s.desktop"]',
        {"expected": ["vim.desktop", "it's.desktop"]},
        {},
        1.0,
    ),
    ("favs-empty-typed", "check_gnome_favorite_apps", "@as []", {"expected": []}, {}, OFFICIAL_ERROR),
    # fuzzy_match (beside test_metric_parity's cases) ---------------------------------------------------------------
    ("fuzzy-case", "fuzzy_match", "Hello World", {"expected": "hello world"}, {}, 0.818181818182),
    ("fuzzy-one-empty", "fuzzy_match", "", {"expected": "abc"}, {}, 0.0),
]
