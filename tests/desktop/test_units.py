"""Pure parts of the desktop layer: action translation, key names, path confinement, request parsing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from steprl_envs.core.actions import ActionError, parse_action
from steprl_envs.desktop import files, make_provider
from steprl_envs.desktop.client import pyautogui_code
from steprl_envs.desktop.handlers import pyautogui_code as embedded_code
from steprl_envs.desktop.keymap import keysym
from steprl_envs.desktop.xinput import invocations


def test_actions_become_xdotool_chains_cut_after_typing():
    actions = parse_action(
        "pyautogui.click(10.6, 20)\npyautogui.write('a b')\npyautogui.hotkey('ctrl', 'shift', 't')\n"
        "pyautogui.scroll(-3)\npyautogui.rightClick()",
        "pyautogui",
    )
    assert invocations(actions) == [
        [
            "xdotool",
            "mousemove",
            "11",
            "20",
            "click",
            "--repeat",
            "1",
            "--delay",
            "0",
            "1",
            "type",
            "--delay",
            "0",
            "--",
            "a b",
        ],
        [
            "xdotool",
            "key",
            "--delay",
            "0",
            "Control_L+Shift_L+t",
            "click",
            "--repeat",
            "3",
            "--delay",
            "0",
            "5",
            "click",
            "--repeat",
            "1",
            "--delay",
            "0",
            "3",
        ],
    ]


def test_typing_pauses_only_for_characters_off_the_keyboard_map():
    """pyautogui types without pauses; a character xdotool must first bind to a spare key gets 12 ms."""
    assert invocations(parse_action("pyautogui.write('h\u00e9llo \u20ac!\\n')", "pyautogui")) == [
        ["xdotool", "type", "--delay", "0", "--", "h"],
        ["xdotool", "type", "--delay", "12", "--", "\u00e9"],
        ["xdotool", "type", "--delay", "0", "--", "llo "],
        ["xdotool", "type", "--delay", "12", "--", "\u20ac"],
        ["xdotool", "type", "--delay", "0", "--", "!\n"],
    ]
    # an explicit interval is the agent's choice, for every character (0 included)
    assert invocations(parse_action("pyautogui.write('a\u00e9', interval=0.05)", "pyautogui")) == [
        ["xdotool", "type", "--delay", "50", "--", "a\u00e9"]
    ]
    assert invocations(parse_action("pyautogui.write('a\u00e9', interval=0)", "pyautogui")) == [
        ["xdotool", "type", "--delay", "0", "--", "a\u00e9"]
    ]
    assert invocations(parse_action("pyautogui.write('')", "pyautogui")) == []
    clicked_then_typed = invocations(parse_action("pyautogui.click(1, 2); pyautogui.write('\u00fcx')", "pyautogui"))
    assert clicked_then_typed[0][:4] == ["xdotool", "mousemove", "1", "2"]
    assert clicked_then_typed[0][-5:] == ["type", "--delay", "12", "--", "\u00fc"]
    assert clicked_then_typed[1] == ["xdotool", "type", "--delay", "0", "--", "x"]


def test_drag_press_and_control_actions():
    assert invocations(parse_action("pyautogui.dragTo(5, 6, button='right')", "pyautogui")) == [
        ["xdotool", "mousedown", "3", "mousemove", "5", "6", "mouseup", "3"]
    ]
    assert invocations(parse_action("pyautogui.press('enter', presses=2)", "pyautogui")) == [
        ["xdotool", "key", "--delay", "0", "Return", "Return"]
    ]
    assert invocations(parse_action("WAIT", "pyautogui")) == []


def test_every_pyautogui_key_name_maps_or_is_refused_clearly():
    from steprl_envs.core.actions import KEYBOARD_KEYS

    unmapped = []
    for key in KEYBOARD_KEYS:
        try:
            assert keysym(key)
        except ValueError:
            unmapped.append(key)
    assert unmapped == ["fn"]


def test_computer13_actions_are_sent_as_canonical_pyautogui():
    actions = parse_action(
        '[{"action_type": "CLICK", "x": 1, "y": 2}, {"action_type": "TYPING", "text": "hi"}]', "computer_13"
    )
    assert pyautogui_code(actions) == "pyautogui.click(x=1, y=2)\npyautogui.write(message='hi')"
    assert pyautogui_code(parse_action("DONE", "computer_13")) == ""


def test_osworld_wrapped_code_is_unwrapped_then_parsed_never_run():
    cmd = ["python", "-c", "import pyautogui; import time; pyautogui.FAILSAFE = False; pyautogui.click(1, 2)"]
    assert embedded_code(cmd) == "pyautogui.click(1, 2)"
    evil = embedded_code(["python3", "-c", "import pyautogui; import os; os.system('touch /tmp/x')"])
    with pytest.raises(ActionError):
        parse_action(evil, "pyautogui")
    assert embedded_code(["ls", "-l"]) is None


def test_paths_are_confined_to_roots(tmp_path):
    home = tmp_path / "home"
    (home / "Desktop").mkdir(parents=True)
    (home / "escape").symlink_to("/etc")
    roots = [str(home)]
    assert files.resolve("~/Desktop/a.txt", str(home), roots) == str(home / "Desktop" / "a.txt")
    assert files.resolve("Desktop", str(home), roots) == str(home / "Desktop")
    for bad in ("/etc/passwd", "../../etc/passwd", "~/../x", "escape/passwd", "", "a\0b"):
        with pytest.raises(files.PathRefused):
            files.resolve(bad, str(home), roots)


def test_multipart_and_urlencoded_forms():
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file_path"\r\n\r\n~/x.bin\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file_data"; filename="f"\r\n\r\n\x00\xff\r\n--B--\r\n'
    )
    assert files.parse_form("multipart/form-data; boundary=B", body) == {
        "file_path": "~/x.bin",
        "file_data": b"\x00\xff",
    }
    assert files.parse_form("application/x-www-form-urlencoded", b"file_path=%2Fa%20b") == {"file_path": "/a b"}


def test_unknown_provider_and_lazy_docker():
    with pytest.raises(ValueError, match="local, docker, osworld-vm"):
        make_provider("vmware")
    code = "import sys, steprl_envs, steprl_envs.desktop; print('docker' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert out.stdout.strip() == "False"


class _Container:
    """Stands in for a docker SDK container whose removal fails with ``error``."""

    name = "steprl-desktop-test"

    def __init__(self, error: Exception | None):
        self.error, self.removed = error, False

    def remove(self, force: bool, v: bool) -> None:
        if self.error:
            raise self.error
        self.removed = force and v


def test_container_removal_tolerates_gone_and_reports_the_rest():
    from steprl_envs.desktop.errors import DesktopError
    from steprl_envs.desktop.providers import engine

    ok = _Container(None)
    engine.remove_container(ok, "docker")
    assert ok.removed
    engine.remove_container(_Container(RuntimeError("404: No such container: steprl-desktop-test")), "docker")
    with pytest.raises(
        DesktopError, match=r"could not remove container steprl-desktop-test: .*device busy.*docker rm -f"
    ):
        engine.remove_container(_Container(RuntimeError("device busy")), "osworld-vm")


@pytest.mark.parametrize("pointer", [(0, 0), (37, 21), (95, 55), (99, 59), (50, 59)])
def test_ppm_frames_carry_the_same_cursor_as_the_full_image_drawing(pointer):
    """The PPM path paints the cursor into a small patch; it must equal drawing it on the whole image, also where
    the cursor is cut by the screen's edge."""
    import random

    from steprl_envs.desktop.screen import encode_frame, image_of

    rng = random.Random(7)
    size = (100, 60)
    pixels = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3))
    shot = (pointer, size, pixels)
    ppm = encode_frame(shot, "ppm")
    assert ppm == b"P6\n100 60\n255\n" + image_of(shot).tobytes()
    assert ppm[16:] != pixels  # the cursor is drawn
    assert encode_frame(shot)[:8] == b"\x89PNG\r\n\x1a\n"
