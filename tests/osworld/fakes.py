"""A desktop client double for unit tests: files in a dict, commands answered by a function, calls recorded."""

from __future__ import annotations

from steprl_envs.desktop.errors import DesktopRequestError
from steprl_envs.osworld.context import DesktopContext


class FakeClient:
    def __init__(self, files=None, run=None, on_launch=None):
        self.files: dict[str, bytes] = dict(files or {})
        self.calls: list[tuple] = []
        self.launch_checks: list[float] = []  # check_s of each launch
        self.on_launch = on_launch  # (command, shell, check_s) -> None, may raise as a desktop would
        self.run = run or (lambda command, shell: {"status": "success", "output": "", "error": "", "returncode": 0})

    def get_file(self, path):
        self.calls.append(("get_file", path))
        return self.files.get(path)

    def upload(self, path, data):
        self.calls.append(("upload", path))
        self.files[path] = data

    def execute(self, command, shell=False, timeout=120.0, path="/setup/execute"):
        self.calls.append(("execute", command, shell))
        return self.run(command, shell)

    def launch(self, command, shell=False, check_s=0.0):
        self.calls.append(("launch", command, shell))
        self.launch_checks.append(check_s)
        if self.on_launch:
            self.on_launch(command, shell, check_s)

    def open_file(self, path, timeout=30.0):
        self.calls.append(("open", path))

    def activate_window(self, name, strict=False, by_class=False):
        self.calls.append(("activate_window", name, strict, by_class))

    def close_window(self, name, strict=False, by_class=False):
        self.calls.append(("close_window", name, strict, by_class))

    def list_directory(self, path):
        self.calls.append(("list_directory", path))
        return {"type": "directory", "name": path.rsplit("/", 1)[-1], "children": []}

    def screen_size(self):
        return 1920, 1080

    def accessibility(self):
        return "<desktop-frame name='main'/>"

    def request(self, method, path, **kw):
        self.calls.append(("request", method, path))
        raise DesktopRequestError("fake", f"no endpoint {path}", status=404)


def context(tmp_path, client=None, **kw) -> DesktopContext:
    kw.setdefault("home", "/tmp/fakehome")
    return DesktopContext(
        client=client or FakeClient(),
        cache_dir=str(tmp_path / "cache"),
        task_id="t1",
        file_cache=str(tmp_path / "filecache"),
        **kw,
    )
