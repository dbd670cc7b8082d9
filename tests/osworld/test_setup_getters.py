"""Setup steps and getters against a fake desktop client: path mapping, placeholders, polling, caches."""

from __future__ import annotations

import uuid

import pytest

from steprl_envs.osworld import sources
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.setup import STEPS, SetupError, run_steps
from tests.osworld.fakes import FakeClient, context


def test_home_paths_are_mapped_everywhere(tmp_path):
    ctx = context(tmp_path)
    assert ctx.vm("/home/user/a.txt") == "/tmp/fakehome/a.txt"
    assert ctx.vm(["cat", "/home/user", "/home/username/x"]) == ["cat", "/tmp/fakehome", "/home/username/x"]
    assert ctx.vm({"path": "/home/user/x", "n": 3}) == {"path": "/tmp/fakehome/x", "n": 3}
    assert context(tmp_path, home="/home/user").vm("/home/user/a") == "/home/user/a"
    with pytest.raises(ValueError):
        ctx.cache_path("../escape")


def test_registered_step_types():
    for name in (
        "download",
        "upload_file",
        "launch",
        "open",
        "execute",
        "command",
        "sleep",
        "activate_window",
        "close_window",
        "change_wallpaper",
    ):
        assert name in STEPS


def test_download_from_file_url_relative_path_and_cache(tmp_path):
    client = FakeClient()
    ctx = context(tmp_path, client=client, task_dir=str(tmp_path))
    (tmp_path / "local.txt").write_bytes(b"local")
    cached = tmp_path / "filecache" / "t1" / "remote.xlsx"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"cached")
    by_uuid = tmp_path / "filecache" / str(uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/z.bin"))
    by_uuid.write_bytes(b"uuid")
    run_steps(
        ctx,
        [
            {
                "type": "download",
                "parameters": {
                    "files": [
                        {"url": f"file://{tmp_path}/local.txt", "path": "/home/user/a.txt"},
                        {"url": "local.txt", "path": "/home/user/b.txt"},
                        {"url": "https://example.org/files/remote.xlsx", "path": "/home/user/remote.xlsx"},
                        {"url": "https://example.org/z.bin", "path": "/home/user/z.bin"},
                    ]
                },
            }
        ],
    )
    assert client.files == {
        "/tmp/fakehome/a.txt": b"local",
        "/tmp/fakehome/b.txt": b"local",
        "/tmp/fakehome/remote.xlsx": b"cached",
        "/tmp/fakehome/z.bin": b"uuid",
    }


def test_download_that_cannot_be_found_fails_the_setup(tmp_path):
    ctx = context(tmp_path, network=False)
    with pytest.raises(SetupError, match=r"step 0 \(download\).*not cached"):
        run_steps(
            ctx,
            [
                {
                    "type": "download",
                    "parameters": {"files": [{"url": "https://example.org/none.txt", "path": "/home/user/none.txt"}]},
                }
            ],
        )
    with pytest.raises(SetupError, match="cannot read"):
        run_steps(ctx, [{"type": "download", "parameters": {"files": [{"url": "nowhere.txt", "path": "x"}]}}])


def test_upload_launch_open_windows_sleep(tmp_path):
    client = FakeClient()
    ctx = context(tmp_path, client=client, task_dir=str(tmp_path))
    (tmp_path / "f.bin").write_bytes(b"\x00\x01")
    run_steps(
        ctx,
        [
            {"type": "upload_file", "parameters": {"files": [{"local_path": "f.bin", "path": "/home/user/f.bin"}]}},
            {"type": "launch", "parameters": {"command": ["xterm", "-geometry", "{SCREEN_WIDTH_HALF}x10"]}},
            {"type": "open", "parameters": {"path": "/home/user/f.bin"}},
            {"type": "activate_window", "parameters": {"window_name": "f.bin", "strict": True}},
            {"type": "close_window", "parameters": {"window_name": "XTerm", "by_class": True}},
            {"type": "sleep", "parameters": {"seconds": 0.01}},
        ],
    )
    assert client.files["/tmp/fakehome/f.bin"] == b"\x00\x01"
    assert ("launch", ["xterm", "-geometry", "960x10"], False) in client.calls
    assert ("open", "/tmp/fakehome/f.bin") in client.calls
    assert ("activate_window", "f.bin", True, False) in client.calls
    assert ("close_window", "XTerm", False, True) in client.calls


def test_execute_placeholders_outputs_and_until(tmp_path):
    seen = []

    def run(command, shell):
        seen.append(command)
        n = len(seen)
        return {"output": f"try {n}", "error": "warn" if n >= 3 else "", "returncode": 0 if n >= 3 else 1}

    client = FakeClient(run=run)
    ctx = context(tmp_path, client=client, client_password="s3cret", screen=(1280, 720))
    run_steps(
        ctx,
        [
            {
                "type": "execute",
                "parameters": {
                    "command": "echo {CLIENT_PASSWORD} {SCREEN_WIDTH}x{SCREEN_HEIGHT} /home/user",
                    "shell": True,
                    "until": {"returncode": 0},
                    "stdout": "out.txt",
                    "stderr": "err.txt",
                },
            }
        ],
    )
    assert seen[0] == "echo s3cret 1280x720 /tmp/fakehome" and len(seen) == 3
    assert open(ctx.cache_path("out.txt")).read() == "try 3"
    assert open(ctx.cache_path("err.txt")).read() == "warn"
    seen.clear()
    run_steps(ctx, [{"type": "command", "parameters": {"command": ["true"], "until": {"stdout": "try 2"}}}])
    assert len(seen) == 2


def test_until_that_never_holds_fails_after_its_timeout(tmp_path):
    ctx = context(tmp_path, client=FakeClient(run=lambda c, s: {"output": "", "error": "", "returncode": 1}))
    with pytest.raises(SetupError, match="did not reach"):
        run_steps(
            ctx, [{"type": "execute", "parameters": {"command": "false", "until": {"returncode": 0}, "timeout": 0.3}}]
        )


def test_unknown_and_malformed_steps_fail_with_their_index(tmp_path):
    ctx = context(tmp_path)
    with pytest.raises(SetupError, match=r"step 1 \(no_such_step\).*unknown config step type"):
        run_steps(ctx, [{"type": "sleep", "parameters": {"seconds": 0}}, {"type": "no_such_step", "parameters": {}}])
    with pytest.raises(SetupError, match="bad parameters"):
        run_steps(ctx, [{"type": "sleep", "parameters": {"secs": 1}}])
    with pytest.raises(SetupError, match="parameters must be an object"):
        run_steps(ctx, [{"type": "sleep", "parameters": [1]}])


def test_change_wallpaper_falls_back_to_gsettings(tmp_path):
    client = FakeClient(files={"/tmp/fakehome/w.png": b"png"})
    run_steps(
        context(tmp_path, client=client), [{"type": "change_wallpaper", "parameters": {"path": "/home/user/w.png"}}]
    )
    assert any(c[0] == "execute" and "gsettings" in c[1] for c in client.calls)
    with pytest.raises(SetupError, match="not on the desktop"):
        run_steps(context(tmp_path), [{"type": "change_wallpaper", "parameters": {"path": "/home/user/none.png"}}])


# -- getters -------------------------------------------------------------------------------------------------------
def test_required_getters_are_registered():
    for name in (
        "vm_file",
        "cache_file",
        "cloud_file",
        "rule",
        "vm_command_line",
        "vm_terminal_output",
        "list_directory",
        "vm_screen_size",
        "accessibility_tree",
    ):
        assert name in GETTERS


def test_vm_file_single_multi_and_missing(tmp_path):
    client = FakeClient(files={"/tmp/fakehome/a.txt": b"A", "/tmp/fakehome/b.txt": b"B"})
    ctx = context(tmp_path, client=client)
    vm_file = GETTERS.get("vm_file")
    local = vm_file(ctx, {"path": "/tmp/fakehome/a.txt", "dest": "a.txt"})
    assert open(local).read() == "A" and local.startswith(ctx.cache_dir)
    assert vm_file(ctx, {"path": "/tmp/fakehome/none.txt", "dest": "n.txt"}) is None
    both = vm_file(
        ctx,
        {"path": ["/tmp/fakehome/a.txt", "/tmp/fakehome/b.txt"], "dest": ["a", "b"], "multi": True, "gives": [0, 1]},
    )
    assert [open(p).read() for p in both] == ["A", "B"]
    second = vm_file(
        ctx, {"path": ["/tmp/fakehome/a.txt", "/tmp/fakehome/b.txt"], "dest": ["a", "b"], "multi": True, "gives": [1]}
    )
    assert open(second).read() == "B"


def test_cloud_and_cache_files(tmp_path):
    ctx = context(tmp_path, task_dir=str(tmp_path))
    (tmp_path / "gold.txt").write_text("gold")
    path = GETTERS.get("cloud_file")(ctx, {"path": "gold.txt", "dest": "g.txt"})
    assert open(path).read() == "gold"
    with pytest.raises(FileNotFoundError):
        GETTERS.get("cloud_file")(
            context(tmp_path, network=False), {"path": "https://example.org/gold.txt", "dest": "x.txt"}
        )
    with open(ctx.cache_path("out.txt"), "w") as f:
        f.write("output")
    assert open(GETTERS.get("cache_file")(ctx, {"path": "out.txt"})).read() == "output"
    with pytest.raises(FileNotFoundError):
        GETTERS.get("cache_file")(ctx, {"path": "none.txt"})


def test_command_rule_directory_screen_and_tree_getters(tmp_path):
    client = FakeClient(run=lambda c, s: {"output": "out", "error": "err", "returncode": 0})
    ctx = context(tmp_path, client=client)
    assert GETTERS.get("vm_command_line")(ctx, {"command": "ls", "shell": True}) == "out"
    assert GETTERS.get("vm_command_error")(ctx, {"command": ["ls"]}) == "err"
    assert GETTERS.get("rule")(ctx, {"rules": {"expected": 1}}) == {"expected": 1}
    assert GETTERS.get("list_directory")(ctx, {"path": "/tmp/fakehome/d"})["name"] == "d"
    assert GETTERS.get("vm_screen_size")(ctx, {}) == {"width": 1920, "height": 1080}
    assert GETTERS.get("accessibility_tree")(ctx, {}).startswith("<desktop-frame")


def test_terminal_output_falls_back_to_the_transcript(tmp_path):
    client = FakeClient(files={"~/.terminal.log": b"\x1b[?2004hbash$ echo hi\r\n\x1b[?2004l\rhi\r\n"})
    assert GETTERS.get("vm_terminal_output")(context(tmp_path, client=client), {}) == "bash$ echo hi\nhi\n"
    assert GETTERS.get("vm_terminal_output")(context(tmp_path), {}) is None


def test_sources_store_http_downloads_in_the_cache(tmp_path, monkeypatch):
    class Response:
        headers = {"Content-Type": "text/csv"}
        status = 200

        def __init__(self):
            self.left = b"downloaded"

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def geturl(self):
            return "https://example.org/f/data.csv"

        def read(self, n=-1):
            out, self.left = self.left, b""
            return out

    monkeypatch.setattr(sources.urllib.request, "urlopen", lambda url, timeout: Response())
    ctx = context(tmp_path)
    assert sources.fetch(ctx, "https://example.org/f/data.csv", "data.csv") == b"downloaded"
    assert (tmp_path / "filecache" / "t1" / "data.csv").read_bytes() == b"downloaded"
    monkeypatch.setattr(sources.urllib.request, "urlopen", lambda url, timeout: (_ for _ in ()).throw(OSError("x")))
    assert sources.fetch(ctx, "https://example.org/f/data.csv", "data.csv") == b"downloaded"  # from the cache now
    with pytest.raises(FileNotFoundError, match="cannot download"):
        sources.fetch(ctx, "https://example.org/other.csv")
