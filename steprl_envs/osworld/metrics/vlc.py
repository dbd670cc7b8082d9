"""VLC metrics: the player's HTTP status (``/requests/status.xml``), its ``vlcrc`` settings and window size.

The ``vlcrc`` checks read the file the way OSWorld does, on purpose: a key matches anywhere in a line, commented
defaults (``#qt-bgcone=1``) included, and the last matching line wins; only ``is_vlc_recordings_folder`` skips
comments and stops at the first match. A missing file (``None``) scores 0.
"""

from __future__ import annotations

from xml.etree import ElementTree

from . import METRICS


def _text(path) -> str | None:
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def _as_setting(value) -> str:
    """Task rules give numbers or strings; vlcrc values are strings."""
    return str(value) if isinstance(value, int) else value


def _last_setting(config: str, needle: str, default: str) -> str:
    value = default
    for line in config.split("\n"):
        if needle in line:
            value = line.split("=")[-1].strip()
    return value


def _setting_is(path, needle: str, default: str, expected) -> float:
    config = _text(path)
    if config is None:
        return 0.0
    return float(_last_setting(config, needle, default) == _as_setting(expected))


@METRICS.register()
def is_vlc_playing(actual_status_path, rule) -> float:
    """VLC is playing and the current item's file name (or URL) ends with the rule's."""
    status = _text(actual_status_path)
    if status is None:
        return 0.0
    try:
        tree = ElementTree.fromstring(status)
    except ElementTree.ParseError:
        return 0.0
    state = tree.find("state")
    if state is None or state.text != "playing":
        return 0.0
    kind = rule.get("type")
    if kind not in ("file_name", "url"):
        return 0.0
    field = "filename" if kind == "file_name" else "url"
    info = tree.find(f'information/category[@name="meta"]/info[@name="{field}"]')
    if info is None or not info.text:
        return 0.0
    return float(info.text.endswith(rule[kind]))


@METRICS.register()
def is_vlc_recordings_folder(actual_config_path, rule) -> float:
    config = _text(actual_config_path)
    if config is None:
        return 0.0
    for line in config.split("\n"):
        if line.startswith("#") or not line.strip():
            continue
        if "input-record-path" in line:
            return float(line.split("=")[-1].strip() == rule["recording_file_path"])
    return 0.0


@METRICS.register()
def is_vlc_fullscreen(actual_window_size, screen_size) -> float:
    """The window (``vm_window_size``) is as large as the screen (``vm_screen_size``); no window scores 0."""
    if not actual_window_size or not screen_size:
        return 0.0
    same = actual_window_size["width"] == screen_size["width"] and actual_window_size["height"] == screen_size["height"]
    return float(same)


@METRICS.register()
def check_qt_bgcone(actual_config_path, rule) -> float:
    return _setting_is(actual_config_path, "qt-bgcone=", "1", rule["expected_qt_bgcone"])


@METRICS.register()
def check_qt_max_volume(actual_config_path, rule) -> float:
    return _setting_is(actual_config_path, "qt-max-volume=", "125", rule["expected_qt_max_volume"])


@METRICS.register()
def check_qt_minimal_view(actual_config_path, rule) -> float:
    return _setting_is(actual_config_path, "qt-minimal-view=", "0", rule["expected_qt_minimal_view"])


@METRICS.register()
def check_one_instance_when_started_from_file(actual_config_path, rule) -> float:
    return _setting_is(
        actual_config_path,
        "one-instance-when-started-from-file=",
        "1",
        rule["expected_one_instance_when_started_from_file"],
    )


@METRICS.register()
def check_global_key_play_pause(actual_config_path, rule) -> float:
    """``global-key-play-pause`` counts as set ("1") when the last line naming it has a value, else "0"."""
    config = _text(actual_config_path)
    if config is None:
        return 0.0
    state = "0"
    for line in config.split("\n"):
        if "global-key-play-pause=" in line:
            state = "0" if line.split("=")[-1].strip() == "" else "1"
    return float(state == _as_setting(rule["expected_global_key_play_pause"]))


_SLIDER_DEFAULT = "153;210;153;20;210;20;255;199;15;245;39;29"


@METRICS.register()
def check_qt_slider_colours(actual_config_path, rule) -> float:
    """``type: match``: the colours string equals the rule's; ``type: blackish``: every RGB channel is below 100."""
    config = _text(actual_config_path)
    if config is None:
        return 0.0
    colours = _last_setting(config, "qt-slider-colours", _SLIDER_DEFAULT)
    if rule.get("type") == "match":
        return float(colours == rule["expected_qt_slider_colours"])
    if rule.get("type") == "blackish":
        try:
            values = [int(x) for x in colours.split(";")]
        except ValueError:
            return 0.0
        triples = zip(values[0::3], values[1::3], values[2::3], strict=False)
        return float(all(all(v < 100 for v in rgb) for rgb in triples))
    return 0.0
