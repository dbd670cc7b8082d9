"""App getters against doubles: a local HTTP server answering like VLC's ``/requests/status.xml``, a fake desktop
client, and the real shell script of ``default_video_player`` run against a stand-in ``xdg-mime``."""

from __future__ import annotations

import base64
import os
import socket
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from steprl_envs.core.actions import Action
from steprl_envs.desktop.errors import DesktopRequestError
from steprl_envs.osworld import getters_apps
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.metrics import METRICS
from tests.osworld.fakes import FakeClient, context

STATUS = b"<root><state>playing</state><information><category name='meta'><info name='filename'>a.mp4</info></category></information></root>"


class VlcDouble(BaseHTTPRequestHandler):
    """VLC's Lua HTTP interface: basic auth with an empty user and the password, else 401."""

    seen: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        wanted = "Basic " + base64.b64encode(b":password").decode()
        if self.headers.get("Authorization") != wanted:
            self.send_response(401)
            self.end_headers()
            return
        if self.path != "/requests/status.xml":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(STATUS)))
        self.end_headers()
        self.wfile.write(STATUS)


@pytest.fixture
def vlc_server():
    VlcDouble.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), VlcDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_vlc_playing_info_reads_status_xml_with_vlc_credentials(tmp_path, vlc_server):
    ctx = context(tmp_path, services={8080: ("127.0.0.1", vlc_server)})
    path = GETTERS.get("vlc_playing_info")(ctx, {"type": "vlc_playing_info", "dest": "status.xml"})
    assert open(path, "rb").read() == STATUS
    assert VlcDouble.seen == [("/requests/status.xml", "Basic " + base64.b64encode(b":password").decode())]
    assert METRICS.get("is_vlc_playing")(path, {"type": "file_name", "file_name": "a.mp4"}) == 1.0


def test_vlc_playing_info_is_none_when_vlc_does_not_answer(tmp_path, monkeypatch, vlc_server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    ctx = context(tmp_path, services={8080: ("127.0.0.1", free)})
    assert GETTERS.get("vlc_playing_info")(ctx, {"dest": "status.xml"}) is None
    assert "did not answer" in ctx.log[-1]
    monkeypatch.setattr(getters_apps, "VLC_HTTP_PASSWORD", "wrong")
    ctx = context(tmp_path, services={8080: ("127.0.0.1", vlc_server)})
    assert GETTERS.get("vlc_playing_info")(ctx, {"dest": "status.xml"}) is None  # 401


def test_vlc_config_reads_the_users_vlcrc(tmp_path):
    client = FakeClient(files={"/tmp/fakehome/.config/vlc/vlcrc": b"qt-bgcone=0\n"})
    path = GETTERS.get("vlc_config")(context(tmp_path, client=client), {"dest": "vlcrc"})
    assert open(path).read() == "qt-bgcone=0\n"
    assert METRICS.get("check_qt_bgcone")(path, {"expected_qt_bgcone": 0}) == 1.0
    assert GETTERS.get("vlc_config")(context(tmp_path), {"dest": "vlcrc"}) is None


def _xdg_mime(tmp_path, answers: dict) -> dict:
    """A PATH whose ``xdg-mime query default video/<t>`` answers from ``answers`` (nothing for other types)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "xdg-mime"
    cases = "".join(f'  video/{t}) echo "{app}";;\n' for t, app in answers.items())
    script.write_text(f'#!/bin/sh\ncase "$3" in\n{cases}  *) ;;\nesac\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def _shell_client(env: dict) -> FakeClient:
    def run(command, shell):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        return {"status": "success", "output": done.stdout, "error": done.stderr, "returncode": done.returncode}

    return FakeClient(run=run)


def test_default_video_player_is_the_majority_answer(tmp_path):
    env = _xdg_mime(tmp_path, {"mp4": "vlc.desktop", "webm": "vlc.desktop", "x-matroska": "org.gnome.Totem.desktop"})
    got = GETTERS.get("default_video_player")(context(tmp_path, client=_shell_client(env)), {})
    assert got == "vlc.desktop\n"
    assert METRICS.get("check_include_exclude")(got, {"include": ["vlc.desktop"]}) == 1.0


def test_default_video_player_ties_and_repeats_follow_osworld(tmp_path):
    # x-ogm+ogg is listed once, x-theora twice: the repeated type outweighs, and ties go to the first listed
    env = _xdg_mime(tmp_path, {"x-ogm+ogg": "a.desktop", "x-theora": "b.desktop"})
    assert GETTERS.get("default_video_player")(context(tmp_path, client=_shell_client(env)), {}) == "b.desktop\n"
    (tmp_path / "2").mkdir()
    env2 = _xdg_mime(tmp_path / "2", {"avi": "a.desktop", "3gp": "b.desktop"})  # a tie: 3gp is listed first
    assert GETTERS.get("default_video_player")(context(tmp_path, client=_shell_client(env2)), {}) == "b.desktop\n"
    assert GETTERS.get("default_video_player")(context(tmp_path), {}) == "unknown"


class ActingClient(FakeClient):
    def execute_actions(self, actions, timeout=60.0):
        self.calls.append(("actions", list(actions)))


def test_vscode_config_runs_the_palette_command_then_fetches_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(getters_apps.time, "sleep", lambda s: None)
    client = ActingClient(files={"/tmp/fakehome/OpenProject.txt": b"project"})
    config = {"vscode_extension_command": "OpenProject", "path": "/tmp/fakehome/OpenProject.txt", "dest": "o.txt"}
    path = GETTERS.get("vscode_config")(context(tmp_path, client=client), config)
    assert open(path).read() == "project"
    (kind, actions), fetch = client.calls
    assert kind == "actions" and fetch == ("get_file", "/tmp/fakehome/OpenProject.txt")
    assert [a.name for a in actions] == ["hotkey", "typewrite", "press"]
    assert all(isinstance(a, Action) for a in actions)
    assert "OpenProject" in str(actions[1].args) and "enter" in str(actions[2].args)


class ServerlessClient(FakeClient):
    """A control server without OSWorld's /wallpaper and /window_size (404), answering commands from a table."""

    def __init__(self, outputs: dict, **kw):
        super().__init__(run=lambda command, shell: {"output": outputs.get(command[0], ""), "returncode": 0}, **kw)


class OfficialClient(FakeClient):
    def __init__(self, answers: dict, **kw):
        super().__init__(**kw)
        self.answers = answers

    def request(self, method, path, **kw):
        self.calls.append(("request", method, path, kw.get("data")))
        answer = self.answers[path]
        if isinstance(answer, int):
            raise DesktopRequestError("fake", f"{path} failed", status=answer)
        return 200, answer


def test_wallpaper_from_the_official_endpoint_or_gsettings(tmp_path):
    path = GETTERS.get("vm_wallpaper")(
        context(tmp_path, client=OfficialClient({"/wallpaper": b"PNG1"})), {"dest": "w.png"}
    )
    assert open(path, "rb").read() == b"PNG1"
    client = ServerlessClient(
        {"gsettings": "'file:///usr/share/backgrounds/space.png'\n"},
        files={"/usr/share/backgrounds/space.png": b"PNG2"},
    )
    path = GETTERS.get("vm_wallpaper")(context(tmp_path, client=client), {"dest": "w2.png"})
    assert open(path, "rb").read() == b"PNG2"
    assert GETTERS.get("vm_wallpaper")(context(tmp_path, client=ServerlessClient({})), {"dest": "w3.png"}) is None


WMCTRL = (
    "0x01c00003  0 0    0    1920 1048 gnome-terminal-server.Gnome-terminal  host Terminal\n"
    "0x03000007  0 10   40   1280 720  vlc.vlc               host VLC media player\n"
    "0x03000008  0 0    0    1920 1080 vlc.vlc               host second\n"
)


def test_window_size_from_wmctrl_first_matching_class(tmp_path):
    client = ServerlessClient({"wmctrl": WMCTRL})
    assert GETTERS.get("vm_window_size")(context(tmp_path, client=client), {"app_class_name": "VLC"}) == {
        "width": 1280,
        "height": 720,
    }
    assert GETTERS.get("vm_window_size")(context(tmp_path, client=client), {"app_class_name": "gnome-terminal"}) == {
        "width": 1920,
        "height": 1048,
    }
    assert GETTERS.get("vm_window_size")(context(tmp_path, client=client), {"app_class_name": "gimp"}) is None
    assert METRICS.get("is_vlc_fullscreen")({"width": 1920, "height": 1080}, None) == 0.0


def test_window_size_from_the_official_endpoint(tmp_path):
    client = OfficialClient({"/window_size": b'{"width": 1920, "height": 1080}'})
    got = GETTERS.get("vm_window_size")(context(tmp_path, client=client), {"app_class_name": "vlc"})
    assert got == {"width": 1920, "height": 1080}
    assert client.calls[-1][3] == b"app_class_name=vlc"
    none = OfficialClient({"/window_size": 500})  # OSWorld's server errors when no window has the class
    assert GETTERS.get("vm_window_size")(context(tmp_path, client=none), {"app_class_name": "vlc"}) is None


def test_shortcuts_on_desktop_reads_desktop_files(tmp_path):
    class DesktopFolder(FakeClient):
        def list_directory(self, path):
            self.calls.append(("list_directory", path))
            names = ["2048.desktop", "notes.txt", "broken.desktop"]
            return {"name": "Desktop", "children": [{"name": n, "type": "file"} for n in names]}

    entry = b"[Desktop Entry]\nName=Play Puzzle Game 2048\n"
    client = DesktopFolder(files={"/tmp/fakehome/Desktop/2048.desktop": entry})
    got = GETTERS.get("shortcuts_on_desktop")(context(tmp_path, client=client), {})
    assert got == {"2048.desktop": entry.decode()}
    assert ("list_directory", "/tmp/fakehome/Desktop") in client.calls
    assert METRICS.get("is_shortcut_on_desktop")(got, {"type": "name", "name": "Play Puzzle Game 2048"}) == 1.0


AUDIO_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/audio"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _pptx_with_audio(target: str) -> bytes:
    import io
    import zipfile

    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{IMAGE_REL}" Target="../media/image1.png"/>'
        f'<Relationship Id="rId2" Type="{AUDIO_REL}" Target="{target}"/>'
        "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ppt/slides/_rels/slide1.xml.rels", rels)
        z.writestr("ppt/media/image1.png", b"PNG")
        z.writestr("ppt/media/media1.wav", b"RIFF-audio")
    return buf.getvalue()


def test_audio_in_slide_embedded_linked_and_missing(tmp_path):
    ppt = "/tmp/fakehome/Desktop/talk.pptx"
    config = {"ppt_file_path": ppt, "slide_index": 0, "dest": "audio.wav"}
    ctx = context(tmp_path, client=FakeClient(files={ppt: _pptx_with_audio("../media/media1.wav")}))
    path = GETTERS.get("audio_in_slide")(ctx, config)
    assert path.endswith("ppt/media/media1.wav") and open(path, "rb").read() == b"RIFF-audio"
    assert GETTERS.get("audio_in_slide")(ctx, {**config, "slide_index": 1}) is None  # no such slide

    linked = FakeClient(
        files={ppt: _pptx_with_audio("file:///home/user/Music/a.wav"), "/tmp/fakehome/Music/a.wav": b"RIFF-linked"}
    )
    path = GETTERS.get("audio_in_slide")(context(tmp_path, client=linked), config)
    assert path.endswith("audio.wav") and open(path, "rb").read() == b"RIFF-linked"
    assert GETTERS.get("audio_in_slide")(context(tmp_path), config) is None  # no presentation


def test_audio_in_slide_refuses_members_outside_the_cache(tmp_path):
    ppt = "/tmp/fakehome/Desktop/talk.pptx"
    ctx = context(tmp_path, client=FakeClient(files={ppt: _pptx_with_audio("../../../../../outside.wav")}))
    with pytest.raises(ValueError, match="leaves the cache folder"):
        GETTERS.get("audio_in_slide")(ctx, {"ppt_file_path": ppt, "slide_index": 0, "dest": "a.wav"})
