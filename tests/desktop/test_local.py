"""The local provider end to end on a real X server: click, type, screenshot, files, and every way it can break."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace

import pytest
from PIL import Image

from steprl_envs.core.actions import parse_action
from steprl_envs.desktop import DesktopClient, DesktopError, DesktopRequestError, DesktopUnavailable
from steprl_envs.desktop.providers.local import group_has_live_members
from tests.conftest import require_infra

pytestmark = pytest.mark.xvfb


def _eventually(fn, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _xterm(client):
    client.launch(["xterm", "-geometry", "80x24+0+0"])
    assert _eventually(lambda: "XTerm" in client.accessibility()), "xterm did not appear"


def test_click_type_screenshot_and_file(local_desktop):
    client = local_desktop.client()
    blank = Image.open(io.BytesIO(client.screenshot()))
    assert blank.size == (1280, 720)
    _xterm(client)
    client.execute_actions(
        parse_action(
            "pyautogui.click(200, 150)\npyautogui.write('echo typed > out.txt')\npyautogui.press('enter')", "pyautogui"
        )
    )
    assert _eventually(lambda: client.get_file("~/out.txt")) == b"typed\n"
    assert client.cursor_position() == (200, 150)
    shot = Image.open(io.BytesIO(client.screenshot())).convert("RGB")
    assert shot.getpixel((100, 100)) != blank.convert("RGB").getpixel((100, 100))  # the xterm is on screen
    assert client.get_file("~/missing.txt") is None


def test_computer13_actions_reach_the_desktop(local_desktop):
    client = local_desktop.client()
    client.execute_actions(parse_action('[{"action_type": "MOVE_TO", "x": 33, "y": 44}]', "computer_13"))
    assert client.cursor_position() == (33, 44)


def test_home_is_fresh_and_private(local_desktop):
    client = local_desktop.client()
    out = client.execute("echo $HOME; pwd; ls", shell=True)
    assert out["output"].split() == [local_desktop.home, local_desktop.home, "Desktop"]
    assert local_desktop.home != os.path.expanduser("~")
    client.upload("~/Desktop/data.bin", b"\x00\x01binary")
    assert client.get_file(f"{local_desktop.home}/Desktop/data.bin") == b"\x00\x01binary"
    tree = client.list_directory("~")
    desktop = next(child for child in tree["children"] if child["name"] == "Desktop")
    assert desktop == {"type": "directory", "name": "Desktop", "children": [{"type": "file", "name": "data.bin"}]}
    old_home = local_desktop.home
    local_desktop.revert()
    assert local_desktop.home != old_home and not os.path.exists(old_home)
    assert local_desktop.client().get_file("~/Desktop/data.bin") is None


def test_paths_outside_home_are_refused(local_desktop):
    client = local_desktop.client()
    os.symlink("/etc", os.path.join(local_desktop.home, "etc"))
    for path in ("/etc/passwd", "../../../../etc/passwd", "~/etc/passwd"):
        with pytest.raises(DesktopRequestError, match="outside the allowed roots") as e:
            client.get_file(path)
        assert e.value.status == 403
    with pytest.raises(DesktopRequestError, match="outside"):
        client.upload("/tmp/steprl-escape.txt", b"x")
    assert not os.path.exists("/tmp/steprl-escape.txt")


def test_oversized_upload_is_refused_and_server_lives(local_desktop):
    client = local_desktop.client()
    with pytest.raises(DesktopRequestError, match="413") as e:
        client.upload("~/big.bin", b"\0" * (65 << 20))
    assert "smaller" in str(e.value)
    assert client.platform() == "Linux"


def test_token_is_required(local_desktop):
    ep = local_desktop.address
    with pytest.raises(DesktopRequestError, match="401"):
        DesktopClient(ep.url, None, "local").platform()
    with pytest.raises(DesktopRequestError, match="token"):
        DesktopClient(ep.url, "wrong", "local").screenshot()


def test_agent_code_is_parsed_never_executed(local_desktop):
    client = local_desktop.client()
    marker = os.path.join(local_desktop.home, "pwned")
    result = client.execute(["python", "-c", f"import pyautogui; import os; os.system('touch {marker}')"])
    assert result["returncode"] == 1 and "not allowed" in result["error"]
    with pytest.raises(DesktopRequestError, match="refused action"):
        client.request("POST", "/execute_action", json_body={"code": f"__import__('os').system('touch {marker}')"})
    assert not os.path.exists(marker)


def test_official_vm_path_sends_wrapped_canonical_code(local_desktop):
    client = local_desktop.client()
    client._native_actions = False  # what happens against OSWorld's server (no /execute_action)
    client.execute_actions(parse_action("pyautogui.moveTo(7, 9)\ntime.sleep(0.01)", "pyautogui"))
    assert client.cursor_position() == (7, 9)


def test_recording(local_desktop):
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg not installed")
    client = local_desktop.client()
    client.start_recording()
    time.sleep(0.5)
    video = client.end_recording()
    assert video[4:8] == b"ftyp"


def test_server_killed_mid_episode(local_desktop, drill):
    client = local_desktop.client(retries=1, retry_wait=0.05)
    os.kill(local_desktop.proc.pid, signal.SIGKILL)
    with pytest.raises(DesktopUnavailable, match=r"\[local desktop\].*revert"):
        client.screenshot()
    health = local_desktop.health()
    assert not health.ok and "exited" in health.detail
    # Xvfb and the window manager follow their server (PR_SET_PDEATHSIG); the fixture checks the group is gone.
    assert _eventually(lambda: _children_gone(local_desktop.proc.pid), 5)
    drill(
        "desktop: control server killed",
        tried="SIGKILL the server mid-episode",
        lost=0,
        detail="clear DesktopUnavailable, no leaked Xvfb/wm",
    )


def _children_gone(pgid):
    return not group_has_live_members(pgid)


def _descendants(pid, name):
    """Processes called ``name`` anywhere below ``pid``."""
    rows = [
        line.split(None, 2)
        for line in subprocess.run(
            ["ps", "-eo", "pid=,ppid=,comm="], capture_output=True, text=True
        ).stdout.splitlines()
    ]
    below, found = {pid}, True
    while found:
        found = {int(p) for p, ppid, _ in rows if int(ppid) in below} - below
        below |= found
    return [int(p) for p, _, comm in rows if int(p) in below and comm == name]


def test_x_server_killed(local_desktop, drill):
    xvfb = _descendants(local_desktop.proc.pid, "Xvfb")  # the server's child; the server may run in bwrap
    assert xvfb
    os.kill(xvfb[0], signal.SIGKILL)
    assert _eventually(lambda: local_desktop.proc.poll() is not None, 5), "the server outlived its display"
    health = local_desktop.health()
    assert not health.ok and "X display died" in health.detail
    with pytest.raises(DesktopUnavailable):
        local_desktop.client(retries=0).screenshot()
    local_desktop.revert()
    assert local_desktop.health().ok
    drill(
        "desktop: X server killed",
        tried="SIGKILL Xvfb under a live desktop, then revert",
        lost=0,
        detail="healthy again after revert",
    )


SCRIPT = """
import sys, time
from steprl_envs.desktop.providers.local import LocalProvider
p = LocalProvider(); p.start()
print(p.pgid(), p.root, flush=True)
if sys.argv[1] == "hang":
    time.sleep(60)
"""


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_no_leak_when_the_owner_exits_or_dies(how):
    require_infra(bool(shutil.which("Xvfb")), "Xvfb not installed (make system-deps)")
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "exit" if how == "exit" else "hang"], stdout=subprocess.PIPE, text=True
    )
    pgid, root = proc.stdout.readline().split()
    if how == "sigkill":
        proc.kill()
    proc.wait(30)
    assert _eventually(lambda: _children_gone(int(pgid)), 5), f"desktop processes leaked after owner {how}"
    if how == "exit":
        assert not os.path.exists(root)
    else:
        shutil.rmtree(root, ignore_errors=True)  # a SIGKILLed owner cannot clean its temp dir


# -- the sandbox ------------------------------------------------------------------------------------------------
def _host_probe(name):
    path = f"/tmp/steprl-{name}-{uuid.uuid4().hex}"
    assert not os.path.exists(path)
    return path


def test_typed_commands_stay_in_the_sandbox(local_desktop):
    client = local_desktop.client()
    path = _host_probe("typed")
    _xterm(client)
    client.execute_actions(
        parse_action(
            f"pyautogui.click(200, 150)\npyautogui.write('touch {path} && ls {path} > ~/seen.txt\\n')", "pyautogui"
        )
    )
    assert _eventually(lambda: client.get_file("~/seen.txt")) == f"{path}\n".encode(), "the command did not run"
    assert client.execute(["test", "-e", path])["returncode"] == 0  # it exists in the sandbox's /tmp ...
    assert not os.path.exists(path)  # ... and not on the host


def test_host_home_system_and_network_are_out_of_reach(local_desktop):
    client = local_desktop.client()
    real_home = os.path.expanduser("~")
    probe = os.path.join(real_home, f"steprl-probe-{uuid.uuid4().hex}")
    out = client.execute(f"touch {probe}; ls -A {real_home}; touch /usr/steprl-probe", shell=True)
    assert not os.path.exists(probe) and not os.path.exists("/usr/steprl-probe")
    assert "Read-only file system" in out["error"]
    assert os.path.basename(probe) in out["output"]  # it landed in an empty stand-in for the real home
    interpreter = {
        os.path.relpath(p, real_home).split(os.sep)[0]
        for p in (sys.prefix, sys.base_prefix)
        if p.startswith(real_home + os.sep)
    }  # bound back read-only so the server can run
    assert set(out["output"].split()) <= {os.path.basename(probe), *interpreter}
    port = local_desktop.address.port  # the host's port of this very server: not reachable from inside
    out = client.execute(["bash", "-c", f"echo > /dev/tcp/127.0.0.1/{port}"])
    assert out["returncode"] != 0
    assert client.execute(["id", "-u"])["output"].strip() == "1000"


def test_allow_host_runs_on_the_host():
    require_infra(bool(shutil.which("Xvfb")), "Xvfb not installed (make system-deps)")
    from steprl_envs.desktop.providers.local import LocalProvider

    provider, path = LocalProvider(allow_host=True), _host_probe("allow-host")
    try:
        provider.start()
        assert "allow_host" in provider.health().detail
        client = provider.client()
        assert client.execute(["sh", "-c", f"touch {path}"])["returncode"] == 0
        assert os.path.exists(path)  # as before the sandbox: the desktop's shell is the host's
        assert client.execute("echo $HOME", shell=True)["output"].strip() == provider.home
    finally:
        provider.stop()
        if os.path.exists(path):
            os.remove(path)


@pytest.mark.parametrize("bwrap", ["missing", "no user namespaces"])
def test_no_working_bwrap_refuses_to_start(bwrap, tmp_path, monkeypatch):
    require_infra(bool(shutil.which("Xvfb")), "Xvfb not installed (make system-deps)")
    from steprl_envs.desktop.providers import sandbox
    from steprl_envs.desktop.providers.local import LocalProvider

    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox, "_working", set())
    which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name: (None if bwrap == "missing" else str(fake)) if name == "bwrap" else which(name)
    )
    with pytest.raises(DesktopError) as e:
        LocalProvider().start()
    message = str(e.value)
    assert "\n" not in message and "apt-get install bubblewrap" in message and "allow_host=True" in message
    assert bwrap == "missing" or "No permissions" in message


def test_step_acts_waits_for_the_screen_and_answers_it(local_desktop):
    from steprl_envs.desktop.settle import Settle

    client = local_desktop.client()
    _xterm(client)
    rule = Settle(quiet_s=0.1, react_s=0.3, timeout_s=5.0)
    before = client.step([], rule, "ppm")
    assert before.frame.startswith(b"P6\n1280 720\n255\n") and len(before.frame) == 16 + 1280 * 720 * 3
    typed = client.step(parse_action("pyautogui.click(200, 150)\npyautogui.write('echo stepped')", "pyautogui"), rule)
    assert typed.settled and typed.watched == "damage" and Image.open(io.BytesIO(typed.frame)).format == "PNG"
    assert client.cursor_position() == (200, 150)
    pixels = Image.open(io.BytesIO(before.frame)).convert("RGB").tobytes()
    after_typing = Image.open(io.BytesIO(typed.frame)).convert("RGB").tobytes()
    assert after_typing != pixels  # the typed text is on it
    idle = client.step([], rule)  # nothing changes: the wait lasts the reaction time
    assert idle.settled and idle.watched == "damage" and rule.react_s <= idle.waited_s < rule.react_s + 0.2
    # the same rule on compared frames (displays without DAMAGE): the same behaviour
    by_frames = replace(rule, watch="frames")
    more = client.step(parse_action("pyautogui.write(' again')", "pyautogui"), by_frames)
    assert more.settled and more.watched == "frames"
    assert Image.open(io.BytesIO(more.frame)).convert("RGB").tobytes() != after_typing
    idle = client.step([], by_frames)
    assert idle.settled and idle.watched == "frames" and idle.waited_s >= rule.react_s
    with pytest.raises(DesktopRequestError, match="settle quiet_s must be a number"):
        client.request("POST", "/step", json_body={"code": "", "quiet_s": -1})
    with pytest.raises(DesktopRequestError, match="settle watch must be one of"):
        client.request("POST", "/step", json_body={"code": "", "watch": "x"})
    with pytest.raises(DesktopRequestError, match='"format": "png" or "ppm"'):
        client.request("POST", "/step", json_body={"code": "", "format": "gif"})
    with pytest.raises(DesktopRequestError, match="refused action"):
        client.request("POST", "/step", json_body={"code": "import os; os.system('true')"})


def test_step_against_a_server_without_it_polls_screenshots_itself(local_desktop):
    from steprl_envs.desktop.settle import Settle

    client = local_desktop.client()
    client._native_step = False  # what a 404 from OSWorld's own server (no /step) leaves behind
    result = client.step(parse_action("pyautogui.moveTo(321, 123)", "pyautogui"), Settle(quiet_s=0.1), "ppm")
    assert result.settled and result.watched == "screenshots"
    assert result.frame.startswith(b"\x89PNG")  # screenshots are PNG whatever was asked
    assert client.cursor_position() == (321, 123)
