"""Parity corpus of the app metrics (VLC, Thunderbird, media, archives, desktop checks): the inputs as specs for
:func:`tests.osworld.apps_builders.build`, and in ``EXPECTED`` the score OSWorld's own metric gave on each.

A case is ``(id, metric, result spec, expected spec, options)``; an expected spec of ``"-"`` means the metric takes
no second argument. Scores written ``"error"`` are cases where OSWorld's metric raises (which ends in score 0).
"""

from __future__ import annotations

# -- VLC -----------------------------------------------------------------------------------------------------------
STATUS = """<?xml version="1.0" encoding="utf-8" standalone="yes" ?>
<root><fullscreen>false</fullscreen><volume>256</volume><state>{state}</state>
<information><category name="meta">{infos}</category></information></root>"""


def status(state: str, **infos: str) -> tuple:
    body = "".join(f'<info name="{k}">{v}</info>' for k, v in infos.items())
    return ("text", "status.xml", STATUS.format(state=state, infos=body))


VLCRC_HEAD = "###\n### vlc 3.0.16\n###\n\n[qt] # Qt interface\n\n"


def vlcrc(*lines: str) -> tuple:
    return ("text", "vlcrc", VLCRC_HEAD + "\n".join(lines) + "\n")


def rule(**kw) -> tuple:
    return ("value", kw)


SONG = "Rick Astley - Never Gonna Give You Up (Official Music Video).mp4"
URL = "https://www.youtube.com/watch?v=pgBsyTKAwLw"

VLC_CASES = [
    ("playing-file", "is_vlc_playing", status("playing", filename=SONG), rule(type="file_name", file_name=SONG), {}),
    (
        "playing-other-file",
        "is_vlc_playing",
        status("playing", filename="a.mp4"),
        rule(type="file_name", file_name=SONG),
        {},
    ),
    ("paused-file", "is_vlc_playing", status("paused", filename=SONG), rule(type="file_name", file_name=SONG), {}),
    ("playing-url", "is_vlc_playing", status("playing", url=URL, filename="watch"), rule(type="url", url=URL), {}),
    ("playing-url-suffix", "is_vlc_playing", status("playing", url="x" + URL), rule(type="url", url=URL), {}),
    ("playing-bad-type", "is_vlc_playing", status("playing", filename=SONG), rule(type="title", title=SONG), {}),
    (
        "playing-empty-name",
        "is_vlc_playing",
        status("playing", filename=""),
        rule(type="file_name", file_name=SONG),
        {},
    ),
    (
        "record-set",
        "is_vlc_recordings_folder",
        vlcrc("#input-record-path=", "input-record-path=/home/user/Desktop"),
        rule(recording_file_path="/home/user/Desktop"),
        {},
    ),
    (
        "record-commented",
        "is_vlc_recordings_folder",
        vlcrc("#input-record-path=/home/user/Desktop"),
        rule(recording_file_path="/home/user/Desktop"),
        {},
    ),
    (
        "record-other",
        "is_vlc_recordings_folder",
        vlcrc("input-record-path = /home/user/Videos "),
        rule(recording_file_path="/home/user/Desktop"),
        {},
    ),
    (
        "record-first-wins",
        "is_vlc_recordings_folder",
        vlcrc("input-record-path=/tmp", "input-record-path=/home/user/Desktop"),
        rule(recording_file_path="/home/user/Desktop"),
        {},
    ),
    (
        "record-spaces",
        "is_vlc_recordings_folder",
        vlcrc("input-record-path = /home/user/Desktop "),
        rule(recording_file_path="/home/user/Desktop"),
        {},
    ),
    (
        "fullscreen-yes",
        "is_vlc_fullscreen",
        ("value", {"width": 1920, "height": 1080}),
        ("value", {"width": 1920, "height": 1080}),
        {},
    ),
    (
        "fullscreen-no",
        "is_vlc_fullscreen",
        ("value", {"width": 1920, "height": 1080}),
        ("value", {"width": 1280, "height": 1080}),
        {},
    ),
    (
        "fullscreen-height",
        "is_vlc_fullscreen",
        ("value", {"width": 1920, "height": 1050}),
        ("value", {"width": 1920, "height": 1080}),
        {},
    ),
    (
        "fullscreen-tiny",
        "is_vlc_fullscreen",
        ("value", {"width": 1, "height": 1}),
        ("value", {"width": 1, "height": 1}),
        {},
    ),
    (
        "fullscreen-swapped",
        "is_vlc_fullscreen",
        ("value", {"width": 1080, "height": 1920}),
        ("value", {"width": 1920, "height": 1080}),
        {},
    ),
    ("bgcone-default", "check_qt_bgcone", vlcrc("#qt-bgcone=1"), rule(expected_qt_bgcone=1), {}),
    ("bgcone-off", "check_qt_bgcone", vlcrc("#qt-bgcone=1", "qt-bgcone=0"), rule(expected_qt_bgcone=0), {}),
    ("bgcone-off-wanted-on", "check_qt_bgcone", vlcrc("qt-bgcone=0"), rule(expected_qt_bgcone=1), {}),
    ("bgcone-missing", "check_qt_bgcone", vlcrc("qt-other=0"), rule(expected_qt_bgcone=0), {}),
    ("bgcone-last-wins", "check_qt_bgcone", vlcrc("qt-bgcone=0", "#qt-bgcone=1"), rule(expected_qt_bgcone="1"), {}),
    ("volume-default", "check_qt_max_volume", vlcrc("#qt-max-volume=125"), rule(expected_qt_max_volume=125), {}),
    (
        "volume-200",
        "check_qt_max_volume",
        vlcrc("#qt-max-volume=125", "qt-max-volume=200"),
        rule(expected_qt_max_volume=200),
        {},
    ),
    ("volume-200-str", "check_qt_max_volume", vlcrc("qt-max-volume=200"), rule(expected_qt_max_volume="200"), {}),
    ("volume-missing", "check_qt_max_volume", vlcrc(""), rule(expected_qt_max_volume=200), {}),
    (
        "volume-commented-after",
        "check_qt_max_volume",
        vlcrc("qt-max-volume=200", "#qt-max-volume=125"),
        rule(expected_qt_max_volume=200),
        {},
    ),
    (
        "minimal-on",
        "check_qt_minimal_view",
        vlcrc("#qt-minimal-view=0", "qt-minimal-view=1"),
        rule(expected_qt_minimal_view=1),
        {},
    ),
    ("minimal-default", "check_qt_minimal_view", vlcrc("#qt-minimal-view=0"), rule(expected_qt_minimal_view=1), {}),
    ("minimal-missing-default", "check_qt_minimal_view", vlcrc(), rule(expected_qt_minimal_view=0), {}),
    ("minimal-true", "check_qt_minimal_view", vlcrc("qt-minimal-view=1"), rule(expected_qt_minimal_view=True), {}),
    (
        "minimal-cr",
        "check_qt_minimal_view",
        ("text", "vlcrc", "qt-minimal-view=1\r\n"),
        rule(expected_qt_minimal_view="1"),
        {},
    ),
    (
        "instance-default",
        "check_one_instance_when_started_from_file",
        vlcrc("#one-instance-when-started-from-file=1"),
        rule(expected_one_instance_when_started_from_file=1),
        {},
    ),
    (
        "instance-off",
        "check_one_instance_when_started_from_file",
        vlcrc("one-instance-when-started-from-file=0"),
        rule(expected_one_instance_when_started_from_file=0),
        {},
    ),
    (
        "instance-off-wanted-on",
        "check_one_instance_when_started_from_file",
        vlcrc("one-instance-when-started-from-file=0"),
        rule(expected_one_instance_when_started_from_file=1),
        {},
    ),
    (
        "instance-missing",
        "check_one_instance_when_started_from_file",
        vlcrc(),
        rule(expected_one_instance_when_started_from_file=0),
        {},
    ),
    (
        "instance-str",
        "check_one_instance_when_started_from_file",
        vlcrc("one-instance-when-started-from-file=0"),
        rule(expected_one_instance_when_started_from_file="0"),
        {},
    ),
    (
        "key-unset",
        "check_global_key_play_pause",
        vlcrc("#global-key-play-pause=", "#key-play-pause=Space"),
        rule(expected_global_key_play_pause=0),
        {},
    ),
    (
        "key-set",
        "check_global_key_play_pause",
        vlcrc("#global-key-play-pause=", "global-key-play-pause=Ctrl+Alt+p"),
        rule(expected_global_key_play_pause=1),
        {},
    ),
    (
        "key-set-wanted-unset",
        "check_global_key_play_pause",
        vlcrc("global-key-play-pause=p"),
        rule(expected_global_key_play_pause="0"),
        {},
    ),
    (
        "key-only-local",
        "check_global_key_play_pause",
        vlcrc("key-play-pause=p"),
        rule(expected_global_key_play_pause=1),
        {},
    ),
    (
        "key-cleared",
        "check_global_key_play_pause",
        vlcrc("global-key-play-pause=p", "global-key-play-pause=  "),
        rule(expected_global_key_play_pause=0),
        {},
    ),
    (
        "slider-default-match",
        "check_qt_slider_colours",
        vlcrc(),
        rule(type="match", expected_qt_slider_colours="153;210;153;20;210;20;255;199;15;245;39;29"),
        {},
    ),
    (
        "slider-black",
        "check_qt_slider_colours",
        vlcrc("qt-slider-colours=0;0;0;10;10;10;20;20;20;99;99;99"),
        rule(type="blackish"),
        {},
    ),
    (
        "slider-not-black",
        "check_qt_slider_colours",
        vlcrc("qt-slider-colours=0;0;0;10;10;10;20;20;20;99;100;99"),
        rule(type="blackish"),
        {},
    ),
    (
        "slider-default-blackish",
        "check_qt_slider_colours",
        vlcrc("#qt-slider-colours=153;210;153;20;210;20;255;199;15;245;39;29"),
        rule(type="blackish"),
        {},
    ),
    ("slider-garbage", "check_qt_slider_colours", vlcrc("qt-slider-colours=black"), rule(type="blackish"), {}),
    ("slider-unknown-type", "check_qt_slider_colours", vlcrc(), rule(type="whitish"), {}),
    ("slider-partial-triple", "check_qt_slider_colours", vlcrc("qt-slider-colours=1;2;3;4"), rule(type="blackish"), {}),
]

# -- media ---------------------------------------------------------------------------------------------------------
A440 = [(440, 1.0, 0.5)]
MEDIA_CASES = [
    ("audio-same", "compare_audios", ("tone", "a.wav", A440), ("tone", "b.wav", A440), {}),
    ("audio-louder", "compare_audios", ("tone", "a.wav", [(440, 1.0, 0.9)]), ("tone", "b.wav", A440), {}),
    ("audio-other-pitch", "compare_audios", ("tone", "a.wav", [(880, 1.0, 0.5)]), ("tone", "b.wav", A440), {}),
    ("audio-delayed", "compare_audios", ("tone", "a.wav", [(0, 0.3, 0), (440, 1.0, 0.5)]), ("tone", "b.wav", A440), {}),
    (
        "audio-two-notes",
        "compare_audios",
        ("tone", "a.wav", [(440, 0.5, 0.5), (660, 0.5, 0.5)]),
        ("tone", "b.wav", [(440, 0.5, 0.5), (660, 0.5, 0.5)]),
        {},
    ),
    ("audio-mp3-same", "compare_audios", ("tone", "a.mp3", A440), ("tone", "b.mp3", A440), {}),
    ("audio-mp3-vs-wav", "compare_audios", ("tone", "a.mp3", A440), ("tone", "b.wav", A440), {}),
    ("audio-missing", "compare_audios", None, ("tone", "b.wav", A440), {}),
    (
        "video-same",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        {},
    ),
    (
        "video-few-diff",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 4 * i) for i in range(9)] + [(200, 200, 200, 40)] * 3),
        {},
    ),
    (
        "video-many-diff",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 44 - 4 * i) for i in range(12)]),
        {},
    ),
    (
        "video-shorter",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 4 * i) for i in range(8)]),
        {},
    ),
    (
        "video-longer-past-limit",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 4 * i) for i in range(8)]),
        {"max_frames_to_check": 5},
    ),
    (
        "video-threshold-0",
        "compare_videos",
        ("video", "a.avi", [(0, 0, 0, 4 * i) for i in range(12)]),
        ("video", "b.avi", [(0, 0, 0, 4 * i) for i in range(11)] + [(255, 255, 255, 0)]),
        {"threshold": 0},
    ),
    ("video-missing", "compare_videos", None, ("video", "b.avi", [(0, 0, 0, 0)]), {}),
    (
        "mp3-match",
        "check_mp3_meta",
        ("mp3tags", "s.mp3", {"title": "Missing You", "artist": "Cheng Xiang"}),
        rule(title={"method": "eq", "ref": "Missing You"}, artist={"method": "eq", "ref": "Cheng Xiang"}),
        {},
    ),
    (
        "mp3-wrong-artist",
        "check_mp3_meta",
        ("mp3tags", "s.mp3", {"title": "Missing You", "artist": "Han Baoyi"}),
        rule(title={"method": "eq", "ref": "Missing You"}, artist={"method": "eq", "ref": "Cheng Xiang"}),
        {},
    ),
    (
        "mp3-missing-tag",
        "check_mp3_meta",
        ("mp3tags", "s.mp3", {"title": "Missing You"}),
        rule(title={"method": "eq", "ref": "Missing You"}, artist={"method": "eq", "ref": "Cheng Xiang"}),
        {},
    ),
    (
        "mp3-two-artists",
        "check_mp3_meta",
        ("mp3tags", "s.mp3", {"artist": ["A", "B"]}),
        rule(artist={"method": "eq", "ref": "A,B"}),
        {},
    ),
    (
        "mp3-regex",
        "check_mp3_meta",
        ("mp3tags", "s.mp3", {"title": "Nights in Shanghai"}),
        rule(title={"method": "re", "ref": "^Nights"}),
        {},
    ),
    ("mp3-no-file", "check_mp3_meta", None, rule(title={"method": "eq", "ref": "x"}), {}),
]

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

CASES = VLC_CASES + MEDIA_CASES + THUNDERBIRD_CASES + DESKTOP_CASES + CITY_CASES + PYTHON_CASES

#: compare_time_in_speedtest_results' clock in these cases
FROZEN_NOW = (2026, 12, 7, 14, 30, 5)

EXPECTED: dict = {
    "playing-file": 1.0,
    "playing-other-file": 0.0,
    "paused-file": 0.0,
    "playing-url": 1.0,
    "playing-url-suffix": 1.0,
    "playing-bad-type": 0.0,
    "playing-empty-name": None,
    "record-set": 1.0,
    "record-commented": 0.0,
    "record-other": 0.0,
    "record-first-wins": 0.0,
    "record-spaces": 1.0,
    "fullscreen-yes": 1.0,
    "fullscreen-no": 0.0,
    "fullscreen-height": 0.0,
    "fullscreen-tiny": 1.0,
    "fullscreen-swapped": 0.0,
    "bgcone-default": 1.0,
    "bgcone-off": 1.0,
    "bgcone-off-wanted-on": 0.0,
    "bgcone-missing": 0.0,
    "bgcone-last-wins": 1.0,
    "volume-default": 1.0,
    "volume-200": 1.0,
    "volume-200-str": 1.0,
    "volume-missing": 0.0,
    "volume-commented-after": 0.0,
    "minimal-on": 1.0,
    "minimal-default": 0.0,
    "minimal-missing-default": 1.0,
    "minimal-true": 0.0,
    "minimal-cr": 1.0,
    "instance-default": 1.0,
    "instance-off": 1.0,
    "instance-off-wanted-on": 0.0,
    "instance-missing": 0.0,
    "instance-str": 1.0,
    "key-unset": 1.0,
    "key-set": 1.0,
    "key-set-wanted-unset": 0.0,
    "key-only-local": 0.0,
    "key-cleared": 1.0,
    "slider-default-match": 1.0,
    "slider-black": 1.0,
    "slider-not-black": 0.0,
    "slider-default-blackish": 0.0,
    "slider-garbage": 0.0,
    "slider-unknown-type": None,
    "slider-partial-triple": 1.0,
    "audio-same": 1.0,
    "audio-louder": 0.9988547251551183,
    "audio-other-pitch": 0.021923409471464483,
    "audio-delayed": 0.09223271165613965,
    "audio-two-notes": 1.0,
    "audio-mp3-same": 1.0,
    "audio-mp3-vs-wav": 0.13079334408258822,
    "audio-missing": 0.0,
    "video-same": 1.0,
    "video-few-diff": 1.0,
    "video-many-diff": 0.0,
    "video-shorter": 0.0,
    "video-longer-past-limit": 1.0,
    "video-threshold-0": 0.0,
    "video-missing": 0.0,
    "mp3-match": 1.0,
    "mp3-wrong-artist": 0.0,
    "mp3-missing-tag": 0.0,
    "mp3-two-artists": 1.0,
    "mp3-regex": 1.0,
    "mp3-no-file": 0.0,
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
