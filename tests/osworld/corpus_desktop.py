"""Parity corpus, Thunderbird and desktop checks: prefs, filters, mbox folders, clipboard, shortcuts, moved files,
speed-test time, place names, archives, conference cities and test suites. Cases and ``EXPECTED`` (OSWorld's own
scores) as described in :mod:`tests.osworld.apps_corpus`."""

from __future__ import annotations

from tests.osworld.corpus_vlc_media import rule

# -- Thunderbird ---------------------------------------------------------------------------------------------------
PREFS = """// Mozilla User Preferences
user_pref("mail.identity.id1.auto_quote", false);
user_pref("mail.identity.id1.htmlSigText", "Anonym\\nXYZ Lab");
user_pref("extensions.activeThemeID", "thunderbird-compact-dark@mozilla.org");
user_pref("mail.server.default.applyIncomingFilters", true);
user_pref("mail.server.server2.check_time", 5);
"""


def prefs(extra: str = "") -> tuple:
    return ("text", "prefs.js", PREFS + extra)


FILTERS = """version="9"
logging="no"
name="Promotions"
enabled="yes"
type="17"
action="Move to folder"
actionValue="mailbox://nobody@Local%20Folders/Promotions"
condition="AND (subject,contains,discount)"
name="Fwd \\"all\\""
enabled="no"
type="17"
action="Forward"
actionValue="anonym-x2024@gmail.com"
condition="ALL"
"""
MOVE = {"enabled": "yes", "action": "Move to folder", "actionValue": "mailbox://nobody@Local%20Folders/Promotions"}
MBOX = "FROM - Mon Jan 1 00:00:00 2024\nX-Mozilla-Status: 0001\nSubject: a\n\nbody a\n"
MBOX2 = "FROM - Tue Jan 2 00:00:00 2024\nX-Mozilla-Status: 0009\nSubject: b\n\nbody b\n"

THUNDERBIRD_CASES = [
    (
        "prefs-eq-false",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.identity.id1.auto_quote": {"method": "eq", "ref": False}}),
        {},
    ),
    (
        "prefs-eq-true-wanted",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.identity.id1.auto_quote": {"method": "eq", "ref": True}}),
        {},
    ),
    (
        "prefs-missing-key",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.imap.use_status_for_biff": {"method": "eq", "ref": False}}),
        {},
    ),
    (
        "prefs-re-s",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.identity.id1.htmlSigText": {"method": "re.S", "ref": "Anonym.+XYZ Lab"}}),
        {},
    ),
    (
        "prefs-re-no-s",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.identity.id1.htmlSigText": {"method": "re", "ref": "Anonym.+XYZ Lab"}}),
        {},
    ),
    (
        "prefs-re-theme",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"extensions.activeThemeID": {"method": "re", "ref": "dark"}}),
        {},
    ),
    (
        "prefs-unexpect-hit",
        "check_thunderbird_prefs",
        prefs('user_pref("mail.server.default.autosync_offline_stores", false);\n'),
        rule(
            expect={"mail.server.default.applyIncomingFilters": {"method": "eq", "ref": True}},
            unexpect={"mail.server.default.autosync_offline_stores": {"method": "eq", "ref": False}},
        ),
        {},
    ),
    (
        "prefs-unexpect-absent",
        "check_thunderbird_prefs",
        prefs(),
        rule(
            expect={"mail.server.default.applyIncomingFilters": {"method": "eq", "ref": True}},
            unexpect={"mail.server.default.autosync_offline_stores": {"method": "eq", "ref": False}},
        ),
        {},
    ),
    (
        "prefs-last-wins",
        "check_thunderbird_prefs",
        prefs('user_pref("mail.identity.id1.auto_quote", true);\n'),
        rule(expect={"mail.identity.id1.auto_quote": {"method": "eq", "ref": False}}),
        {},
    ),
    (
        "prefs-number-ge",
        "check_thunderbird_prefs",
        prefs(),
        rule(expect={"mail.server.server2.check_time": {"method": "ge", "ref": 5}}),
        {},
    ),
    ("prefs-none", "check_thunderbird_prefs", None, rule(expect={}), {}),
    (
        "filter-move",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", FILTERS),
        rule(expect=[{**MOVE, "condition": ["AND (subject,contains,discount)"]}]),
        {},
    ),
    (
        "filter-forward-disabled",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", FILTERS),
        rule(expect=[{"enabled": "yes", "action": "Forward", "condition": ["ALL"]}]),
        {},
    ),
    (
        "filter-forward-name",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", FILTERS),
        rule(expect=[{"name": 'Fwd "all"', "action": "Forward"}]),
        {},
    ),
    (
        "filter-unexpect",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", FILTERS),
        rule(expect=[MOVE], unexpect=[{"action": "Forward"}]),
        {},
    ),
    (
        "filter-wrong-condition",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", FILTERS),
        rule(expect=[{**MOVE, "condition": ["AND (subject,contains,sale)"]}]),
        {},
    ),
    (
        "filter-empty-file",
        "check_thunderbird_filter",
        ("text", "msgFilterRules.dat", 'version="9"\n'),
        rule(expect=[MOVE]),
        {},
    ),
    ("filter-empty-rules", "check_thunderbird_filter", ("text", "msgFilterRules.dat", 'version="9"\n'), rule(), {}),
    ("folder-same", "check_thunderbird_folder", ("text", "Bills", MBOX), ("text", "Bills_gold", MBOX), {}),
    ("folder-other-text", "check_thunderbird_folder", ("text", "Bills", MBOX), ("text", "Bills_gold", MBOX2), {}),
    (
        "folder-leading-text",
        "check_thunderbird_folder",
        ("text", "Bills", "junk\n" + MBOX),
        ("text", "Bills_gold", MBOX),
        {},
    ),
    ("folder-empty-vs-mail", "check_thunderbird_folder", ("text", "Bills", ""), ("text", "Bills_gold", MBOX), {}),
    (
        "folder-list",
        "check_thunderbird_folder",
        ("list", [("text", "a", MBOX), ("text", "b", MBOX2)]),
        ("list", [("text", "ga", MBOX), ("text", "gb", "x" + MBOX2)]),
        {},
    ),
    (
        "folder-list-same",
        "check_thunderbird_folder",
        ("list", [("text", "a", MBOX), ("text", "b", MBOX2)]),
        ("list", [("text", "ga", MBOX2), ("text", "gb", MBOX)]),
        {},
    ),
    ("folder-list-none", "check_thunderbird_folder", ("value", [None]), ("value", ["gold"]), {}),
    (
        "folder-double-sep",
        "check_thunderbird_folder",
        ("text", "Bills", MBOX + "FROM - FROM - x"),
        ("text", "Bills_gold", MBOX),
        {"remove_duplicate": False},
    ),
]

# -- desktop checks, archives, dates ---------------------------------------------------------------------------------
SHORTCUT = "[Desktop Entry]\nVersion=1.0\nName=Play Puzzle Game 2048\nExec=chrome --app=https://play2048.co/\n"
TREE = {
    "name": "photos",
    "type": "directory",
    "children": [{"name": "a.jpg", "type": "file"}, {"name": "b.jpg", "type": "file"}],
}
SPEEDTEST = "Date,Time,Download,Upload\n2024-01-25,2024-01-25 {0},93.1,40.2\n"
TEXTS = {"notes/a.txt": "alpha\n", "notes/b.txt": "beta\n"}

DESKTOP_CASES = [
    (
        "clip-one",
        "is_in_vm_clickboard",
        rule(expected="/home/user/Data3/List3/secret.docx"),
        ("value", "/home/user/Data3/List3/secret.docx\n"),
        {},
    ),
    (
        "clip-one-missing",
        "is_in_vm_clickboard",
        rule(expected="/home/user/secret.docx"),
        ("value", "/home/user/other.docx"),
        {},
    ),
    ("clip-list", "is_in_vm_clickboard", rule(expected=["None", "Tom"]), ("value", "None\nTom\n"), {}),
    ("clip-list-partial", "is_in_vm_clickboard", rule(expected=["None", "Tom"]), ("value", "None\n"), {}),
    ("clip-empty", "is_in_vm_clickboard", rule(expected=""), ("value", ""), {}),
    (
        "shortcut-yes",
        "is_shortcut_on_desktop",
        ("value", {"2048.desktop": SHORTCUT}),
        rule(type="name", name="Play Puzzle Game 2048"),
        {},
    ),
    (
        "shortcut-prefix-only",
        "is_shortcut_on_desktop",
        ("value", {"2048.desktop": SHORTCUT}),
        rule(type="name", name="Play Puzzle"),
        {},
    ),
    ("shortcut-none", "is_shortcut_on_desktop", ("value", {}), rule(type="name", name="Play Puzzle Game 2048"), {}),
    (
        "shortcut-no-newline",
        "is_shortcut_on_desktop",
        ("value", {"a.desktop": "Name=Play Puzzle Game 2048"}),
        rule(type="name", name="Play Puzzle Game 2048"),
        {},
    ),
    (
        "shortcut-second",
        "is_shortcut_on_desktop",
        ("value", {"a.desktop": "Name=x\n", "b.desktop": SHORTCUT}),
        rule(type="name", name="Play Puzzle Game 2048"),
        {},
    ),
    ("jpgs-same", "check_moved_jpgs", ("value", TREE), rule(expected=["b.jpg", "a.jpg"]), {}),
    ("jpgs-extra", "check_moved_jpgs", ("value", TREE), rule(expected=["a.jpg"]), {}),
    ("jpgs-other", "check_moved_jpgs", ("value", TREE), rule(expected=["a.jpg", "c.jpg"]), {}),
    ("jpgs-empty", "check_moved_jpgs", ("value", {**TREE, "children": []}), rule(expected=[]), {}),
    ("jpgs-dup", "check_moved_jpgs", ("value", TREE), rule(expected=["a.jpg", "a.jpg"]), {}),
    (
        "speed-now",
        "compare_time_in_speedtest_results",
        ("text", "s.csv", SPEEDTEST.format("14:30")),
        ("value", "60"),
        {},
    ),
    (
        "speed-59",
        "compare_time_in_speedtest_results",
        ("text", "s.csv", SPEEDTEST.format("13:31")),
        ("value", "60"),
        {},
    ),
    (
        "speed-60",
        "compare_time_in_speedtest_results",
        ("text", "s.csv", SPEEDTEST.format("13:30")),
        ("value", "60"),
        {},
    ),
    (
        "speed-later",
        "compare_time_in_speedtest_results",
        ("text", "s.csv", SPEEDTEST.format("15:00")),
        ("value", 60),
        {},
    ),
    ("speed-one-line", "compare_time_in_speedtest_results", ("text", "s.csv", "Date,Time\n"), ("value", "60"), {}),
    (
        "speed-bad-time",
        "compare_time_in_speedtest_results",
        ("text", "s.csv", SPEEDTEST.format("2:30pm")),
        ("value", "60"),
        {},
    ),
    ("speed-missing", "compare_time_in_speedtest_results", None, ("value", "60"), {}),
    (
        "places-exact",
        "fuzzy_place_math",
        ("docx", "list.docx", ["Paris", "", "Rome Berlin"]),
        rule(expected=["Paris", "Rome", "Berlin", "Madrid"]),
        {},
    ),
    (
        "places-typo",
        "fuzzy_place_math",
        ("docx", "list.docx", ["Pariss", "Rom", "Berlin"]),
        rule(expected=["Paris", "Rome", "Berlin"]),
        {},
    ),
    (
        "places-four",
        "fuzzy_place_math",
        ("docx", "list.docx", ["Paris", "Rome", "Berlin", "Madrid"]),
        rule(expected=["Paris", "Rome", "Berlin"]),
        {},
    ),
    (
        "places-two-words-city",
        "fuzzy_place_math",
        ("docx", "list.docx", ["New York", "Rome"]),
        rule(expected=["New York", "Rome"]),
        {},
    ),
    ("places-none", "fuzzy_place_math", None, rule(expected=["Paris"]), {}),
    (
        "archive-same-zip",
        "compare_archive",
        ("zip", "out.zip", TEXTS),
        ("zip", "gold.zip", TEXTS),
        {"file_path": "notes"},
    ),
    (
        "archive-one-differs",
        "compare_archive",
        ("zip", "out.zip", {**TEXTS, "notes/b.txt": "gamma\n"}),
        ("zip", "gold.zip", TEXTS),
        {"file_path": "notes"},
    ),
    (
        "archive-other-names",
        "compare_archive",
        ("zip", "out.zip", {"notes/a.txt": "alpha\n"}),
        ("zip", "gold.zip", TEXTS),
        {"file_path": "notes"},
    ),
    (
        "archive-tar-vs-zip",
        "compare_archive",
        ("tar.gz", "out.tar.gz", TEXTS),
        ("zip", "gold.zip", TEXTS),
        {"file_path": "notes", "file_type": "text"},
    ),
    (
        "archive-ignore-case",
        "compare_archive",
        ("zip", "out.zip", {"a.txt": "ALPHA"}),
        ("zip", "gold.zip", {"a.txt": "alpha"}),
        {"ignore_case": True},
    ),
    ("archive-missing", "compare_archive", None, ("zip", "gold.zip", TEXTS), {}),
]

SUITE = """import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def test():
    from game import score
    return score(2) == 4


def test_raises():
    raise RuntimeError("boom")
"""
PYTHON_CASES = [
    (
        "suite-pass",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n):\n    return n * 2\n")]),
        ("text", "test_suite.py", SUITE),
        {},
    ),
    (
        "suite-fail",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n):\n    return n + 3\n")]),
        ("text", "test_suite.py", SUITE),
        {},
    ),
    (
        "suite-import-error",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def scor(n):\n    return n\n")]),
        ("text", "test_suite.py", SUITE),
        {},
    ),
    (
        "suite-raises",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n):\n    return n * 2\n")]),
        ("text", "test_suite.py", SUITE),
        {"test_function_name": "test_raises"},
    ),
    (
        "suite-no-function",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n):\n    return n * 2\n")]),
        ("text", "test_suite.py", SUITE),
        {"test_function_name": "nope"},
    ),
    (
        "suite-broken-suite",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n):\n    return n * 2\n")]),
        ("text", "test_suite.py", "def test(:\n"),
        {},
    ),
    (
        "suite-syntax-error-in-game",
        "check_python_file_by_test_suite",
        ("list", [("text", "game.py", "def score(n)\n")]),
        ("text", "test_suite.py", SUITE),
        {},
    ),
]

CITIES = [
    "Scottsdale",
    "Atlanta",
    "Lake Tahoe",
    "Banff",
    "Beijing",
    "Montréal",
    "San Diego",
    "Lille",
    "Montreal",
    "San Juan",
    "New York City",
    "Barcelona",
    "Toulon",
    "Sydney",
    "Long Beach",
    "Vancouver",
    "Stockholm",
    "Montreal",
    "New Orleans",
    "Long Beach",
    "Vancouver",
]
WANTED = CITIES[:5] + [["Montreal", "Montréal"]] + CITIES[6:10] + [["New York", "NYC"]] + CITIES[11:]
CITY_CASES = [
    ("cities-match", "compare_conference_city_in_order", ("column_c", "c.xlsx", CITIES), rule(expected=WANTED), {}),
    (
        "cities-longer-names",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", [c + ", USA" for c in CITIES]),
        rule(expected=WANTED),
        {},
    ),
    (
        "cities-swapped",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", CITIES[1:2] + CITIES[:1] + CITIES[2:]),
        rule(expected=WANTED),
        {},
    ),
    (
        "cities-too-few-expected",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", CITIES),
        rule(expected=WANTED[:20]),
        {},
    ),
    (
        "cities-empty-cell",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", CITIES[:20]),
        rule(expected=WANTED),
        {},
    ),
    (
        "cities-number",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", [7] + CITIES[1:]),
        rule(expected=WANTED),
        {},
    ),
    (
        "cities-bad-rule",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", CITIES),
        rule(expected=[1] + WANTED[1:]),
        {},
    ),
    (
        "cities-alternative-missing",
        "compare_conference_city_in_order",
        ("column_c", "c.xlsx", CITIES[:10] + ["Manhattan"] + CITIES[11:]),
        rule(expected=WANTED),
        {},
    ),
]


CASES = THUNDERBIRD_CASES + DESKTOP_CASES + CITY_CASES + PYTHON_CASES

EXPECTED: dict = {
    "prefs-eq-false": 1.0,
    "prefs-eq-true-wanted": 0.0,
    "prefs-missing-key": 0.0,
    "prefs-re-s": 1.0,
    "prefs-re-no-s": 0.0,
    "prefs-re-theme": 1.0,
    "prefs-unexpect-hit": 0.0,
    "prefs-unexpect-absent": 1.0,
    "prefs-last-wins": 0.0,
    "prefs-number-ge": 1.0,
    "prefs-none": 0.0,
    "filter-move": 1.0,
    "filter-forward-disabled": 0.0,
    "filter-forward-name": 1.0,
    "filter-unexpect": 0.0,
    "filter-wrong-condition": 0.0,
    "filter-empty-file": 0.0,
    "filter-empty-rules": 1.0,
    "folder-same": 1.0,
    "folder-other-text": 1.0,
    "folder-leading-text": 0.0,
    "folder-empty-vs-mail": 1.0,
    "folder-list": 0.0,
    "folder-list-same": 1.0,
    "folder-list-none": 0.0,
    "folder-double-sep": 0.0,
    "clip-one": 1.0,
    "clip-one-missing": 0.0,
    "clip-list": 1.0,
    "clip-list-partial": 0.0,
    "clip-empty": 1.0,
    "shortcut-yes": 1.0,
    "shortcut-prefix-only": 0.0,
    "shortcut-none": 0.0,
    "shortcut-no-newline": 0.0,
    "shortcut-second": 1.0,
    "jpgs-same": 1.0,
    "jpgs-extra": 0.0,
    "jpgs-other": 0.0,
    "jpgs-empty": 1.0,
    "jpgs-dup": 0.0,
    "speed-now": 1.0,
    "speed-59": 1.0,
    "speed-60": 0.0,
    "speed-later": 1.0,
    "speed-one-line": 0.0,
    "speed-bad-time": 0.0,
    "speed-missing": 0.0,
    "places-exact": 1.0,
    "places-typo": 0.9220779220779222,
    "places-four": 0.0,
    "places-two-words-city": 0.7373737373737373,
    "places-none": 0.0,
    "archive-same-zip": 1.0,
    "archive-one-differs": 0.5,
    "archive-other-names": 0.0,
    "archive-tar-vs-zip": 1.0,
    "archive-ignore-case": 1.0,
    "archive-missing": 0.0,
    "cities-match": 1.0,
    "cities-longer-names": 1.0,
    "cities-swapped": 0.0,
    "cities-too-few-expected": 0.0,
    "cities-empty-cell": 0.0,
    "cities-number": 0.0,
    "cities-bad-rule": 0.0,
    "cities-alternative-missing": 0.0,
    "suite-pass": 1.0,
    "suite-fail": 0.0,
    "suite-import-error": 0.0,
    "suite-raises": 0.0,
    "suite-no-function": "error",
    "suite-broken-suite": "error",
    "suite-syntax-error-in-game": 0.0,
}
