"""``steprl view``: actions drawn where they acted, recorded text shown escaped, text envs, serving on 127.0.0.1.

Pages are checked in Debian's headless chromium, as the leaderboard site is (test_site.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from steprl_envs.cli import main
from steprl_envs.eval.leaderboard import build_site, submit
from steprl_envs.eval.marks import Pointer, action_marks
from steprl_envs.eval.runner import EvalConfig, run_eval
from steprl_envs.eval.viewer import MARK_COLOUR, build_view
from steprl_envs.registration import ENVS

from .helpers import HOSTILE, evaluate
from .test_site import _browse

REPO = Path(__file__).resolve().parents[2]
MARK_RGB = [int(MARK_COLOUR[i : i + 2], 16) for i in (1, 3, 5)]
_MARK = re.compile(
    r'<g class="mark (\w+)" data-x="([\d.]+)" data-y="([\d.]+)"(?: data-x2="([\d.]+)" data-y2="([\d.]+)")?'
)
needs_mockgui = pytest.mark.skipif("MockGUI-v0" not in ENVS, reason="MockGUI-v0 is not registered")


def _gui(out: Path, agent: str, **env_kwargs) -> Path:
    run_eval(
        EvalConfig(
            agent=agent, env_id="MockGUI-v0", out=out, tasks="1", num_envs=1, progress=False, env_kwargs=env_kwargs
        )
    )
    return out


def _page(site: Path) -> Path:
    (page,) = sorted((site / "ep").glob("*.html"))
    return page


def _marks(dom: str) -> list[tuple]:
    return [(k, *(float(v) for v in rest if v)) for k, *rest in _MARK.findall(dom)]


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """GuiScript on MockGUI, its screenshots then halved: the viewer must scale the 1280x720 coordinates."""
    if "MockGUI-v0" not in ENVS:
        pytest.skip("MockGUI-v0 is not registered")
    run = _gui(tmp_path_factory.mktemp("scripted") / "run", "tests.eval.helpers:GuiScript")
    for png in (run / "episodes").rglob("*.png"):
        with Image.open(png) as img:
            img.resize((640, 360)).save(png)
    return build_view(run)


# -- the geometry, without a browser -------------------------------------------------------------------------------
def _one(text, mode, pointer=None):
    return [(m.kind, m.x, m.y, m.x2, m.y2) for m in action_marks(text, mode, pointer or Pointer((1000, 500)))]


def test_marks_follow_the_parsed_actions():
    assert _one("pyautogui.click(10, 20)", "pyautogui") == [("click", 10, 20, None, None)]
    assert _one("pyautogui.click(10, 20, clicks=2)", "pyautogui")[0][0] == "double"
    assert _one("pyautogui.click(x=10, y=20, button='right')", "pyautogui")[0][0] == "right"
    assert _one("pyautogui.moveTo(5, 5)\npyautogui.dragRel(10, -5)", "pyautogui") == [("drag", 5, 5, 15, 0)]
    p = Pointer((1000, 500))
    assert _one("pyautogui.mouseDown(1, 2)\npyautogui.moveTo(30, 40)\npyautogui.mouseUp()", "pyautogui", p) == [
        ("drag", 1, 2, 30, 40)
    ]
    assert _one("pyautogui.click()", "pyautogui", p) == [("click", 30, 40, None, None)]  # the pointer carries over
    assert _one("pyautogui.click()", "pyautogui") == []  # nowhere known yet
    assert _one("pyautogui.scroll(5, x=100, y=100)", "pyautogui") == [("scroll", 100, 100, 100, 60)]  # up, 8% of 500
    assert _one("pyautogui.hscroll(-2, x=100, y=100)", "pyautogui") == [("scroll", 100, 100, 60, 100)]
    assert _one('{"action_type": "DOUBLE_CLICK", "x": 7, "y": 8}', "computer_13") == [("double", 7, 8, None, None)]
    assert _one(
        '[{"action_type": "MOVE_TO", "x": 3, "y": 4}, {"action_type": "DRAG_TO", "x": 9, "y": 9}]', "computer_13"
    ) == [("drag", 3, 4, 9, 9)]
    assert _one('{"action_type": "click", "x": 11, "y": 12}', "android") == [("click", 11, 12, None, None)]
    assert _one('{"action_type": "scroll", "direction": "left"}', "android") == [("scroll", 500, 250, 460, 250)]
    assert _one('{"action_type": "click", "index": 3}', "android") == []  # no position recorded
    for garbage in ("__import__('os').system('touch /tmp/pwned')", "pyautogui.click(1+1, 2)", None, "tick"):
        assert _one(garbage, "pyautogui") == []
    assert _one("pyautogui.click(1, 2)", "text") == []


# -- command line --------------------------------------------------------------------------------------------------
def test_a_folder_that_is_not_a_run_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["view", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steprl view: ") and err.count("\n") == 1 and "not a results folder" in err
    run = tmp_path / "run"
    evaluate(run, "oracle", split="test", tasks="1")
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    assert main(["view", str(run), "--out", str(keep)]) == 2  # never wipes a folder it did not write
    assert (keep / "notes.txt").read_text() == "mine" and "not written by steprl view" in capsys.readouterr().err
    assert main(["view", str(run), "--screen-size", "wide"]) == 2
    for inside in (run, run / "episodes" / "view"):  # the run's own files are never overwritten or added to
        assert main(["view", str(run), "--out", str(inside)]) == 2
    assert not (run / "episodes" / "view").exists()
    assert main(["view", str(run)]) == 0 and main(["view", str(run)]) == 0  # its own folder is rebuilt
    assert (run / "view" / "index.html").is_file()


# -- pages in the browser ------------------------------------------------------------------------------------------
def test_markers_sit_at_the_scaled_coordinates_and_text_is_escaped(scripted, tmp_path):
    done = _browse(tmp_path, _page(scripted), "--dump-dom")
    dom = done.stdout
    assert _marks(dom) == [
        ("click", 50, 100),
        ("double", 150, 125),
        ("right", 250, 200),
        ("drag", 100, 150, 300, 250),
        ("scroll", 320, 180, 320, 208.8),
    ], done.stderr[-2000:]
    assert '<pre class="action">pyautogui.click(100, 200)</pre>' in dom
    assert dom.count("&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;") == 6
    assert "<script>document.title" not in dom and "<b>bold</b>" not in dom
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    index = _browse(tmp_path, scripted / "index.html", "--dump-dom").stdout
    assert index.count("<tr>") == 2 and '<span class="badge ok">ok</span>' in index and ">6</td>" in index


def test_screenshot_shows_the_marker_at_the_click(scripted, tmp_path):
    page = _page(scripted)
    probe = page.with_name("probe.html")  # the same page, reporting where the browser laid out the first screenshot
    probe.write_text(
        page.read_text().replace(
            "</body>",
            (
                "<script>var r = document.querySelector('section.step .shot img').getBoundingClientRect();"
                "document.body.setAttribute('data-probe', [r.left, r.top, r.width, r.height].join(','));</script></body>"
            ),
        )
    )
    size = ("--window-size=1280,900", "--force-device-scale-factor=1")
    dom = _browse(tmp_path, probe, "--dump-dom", *size).stdout
    left, top, width, height = map(float, re.search(r'data-probe="([^"]+)"', dom).group(1).split(","))
    shot = tmp_path / "page.png"
    done = _browse(tmp_path, page, f"--screenshot={shot}", *size)
    assert shot.is_file(), done.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    x, y = round(left + 50 * width / 640), round(top + 100 * height / 360)  # click(100, 200) on a 1280x720 screen
    near = pixels[y - 12 : y + 13, x - 12 : x + 13]
    assert (np.abs(near - MARK_RGB).sum(axis=2) < 60).sum() > 10
    raw = np.asarray(Image.open(page.with_suffix("") / "step_0.png").convert("RGB")).astype(int)
    assert not (np.abs(raw - MARK_RGB).sum(axis=2) < 60).any()  # the colour is the marker's, not the app's


@needs_mockgui
@pytest.mark.parametrize("mode", ["pyautogui", "computer_13"])
def test_oracle_clicks_are_drawn_where_the_oracle_clicked(mode, tmp_path):
    run = _gui(tmp_path / "run", "oracle", action_space=mode)
    site = build_view(run)
    dom = _browse(tmp_path, _page(site), "--dump-dom").stdout
    (traj,) = (run / "episodes").rglob("traj.jsonl")
    first = json.loads(traj.read_text().splitlines()[0])["action"]
    xy = [float(v) for v in re.findall(r"\d+", first)[:2]]
    assert f'data-x="{xy[0]:.1f}" data-y="{xy[1]:.1f}"' in dom, (first, _marks(dom))
    assert mode in dom and dom.count('<section class="step">') >= 2


def test_text_env_pages_have_no_screenshots(tmp_path):
    run = tmp_path / "run"
    evaluate(run, "tests.eval.helpers:TalkingTicker", split="test", tasks="2")
    traj = sorted((run / "episodes").rglob("traj.jsonl"))[0]  # fields a harness may add: shown when present
    lines = [json.loads(line) for line in traj.read_text().splitlines()]
    lines[0].update(observation="counter: <i>3</i>", prompt=[{"role": "user", "content": "</pre><script>x()"}])
    traj.write_text("".join(json.dumps(line) + "\n" for line in lines))
    site = build_view(run)
    index = _browse(tmp_path, site / "index.html", "--dump-dom").stdout
    assert index.count("<tr>") == 3 and index.count('<span class="badge ok">ok</span>') == 2
    page = sorted((site / "ep").glob("*.html"))[0]
    dom = _browse(tmp_path, page, "--dump-dom").stdout
    assert "<img" not in dom and 'class="step text-only"' in dom and '<pre class="action">tick</pre>' in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom and "<script>document.title" not in dom
    assert HOSTILE.split("<b>")[0] not in dom
    assert '<pre class="observation">counter: &lt;i&gt;3&lt;/i&gt;</pre>' in dom
    assert "&lt;/pre&gt;&lt;script&gt;x()" in dom.split('<pre class="prompt">')[1] and "<script>x()" not in dom


@needs_mockgui
def test_leaderboard_episode_pages_use_the_same_renderer(tmp_path):
    run = _gui(tmp_path / "run", "oracle")
    submit(run, "gui", root=tmp_path / "lb", replay=False)
    site = build_site(tmp_path / "lb", replay=False)
    (page,) = (site / "subs" / "gui").glob("*_seed0.html")
    assert '<svg class="marks"' in page.read_text() and 'class="mark click"' in page.read_text()


# -- serving -------------------------------------------------------------------------------------------------------
def _listening(port: int) -> list[str]:
    """Local addresses of the TCP sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                out.append(addr)
    return out


def test_serve_binds_127_0_0_1_only(tmp_path):
    run = tmp_path / "run"
    evaluate(run, "oracle", split="test", tasks="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "steprl_envs.cli",
            "view",
            str(run),
            "--out",
            str(tmp_path / "v"),
            "--serve",
            "--port",
            "0",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONFAULTHANDLER": "1"},
        # A runner started in the background (``cmd &``) ignores SIGINT, and its children inherit that; Python then
        # installs no Ctrl-C handler. Give the server the default disposition a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
        reader.start()
        url = None
        for _ in range(600):
            url = next((m.group(1) for line in lines if (m := re.search(r"at (http://\S+/) ", line))), None)
            if url or proc.poll() is not None:
                break
            threading.Event().wait(0.05)
        assert url and url.startswith("http://127.0.0.1:"), (lines, proc.stderr.read() if proc.poll() else "")
        with urllib.request.urlopen(url + "index.html", timeout=10) as response:
            assert response.status == 200 and b"steprl view" in response.read()
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert _listening(port) == ["0100007F"]  # 127.0.0.1, and no other address
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # no clean exit: faulthandler prints where every thread hangs
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    assert proc.returncode == 0, proc.stderr.read()[-3000:]
