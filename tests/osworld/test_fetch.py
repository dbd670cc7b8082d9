"""``steprl osworld fetch`` against a local HTTP server, and offline runs from the cache it fills (OSWorld's layout:
``<cache>/<task id>/<uuid5(url)>_<name>`` for download steps, ``<cache>/<task id>/<dest>`` for cloud_file)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from steprl_envs.cli import main as cli_main
from steprl_envs.osworld import fetch, sources, tasks
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.setup import SetupError, run_steps
from tests.osworld.fakes import FakeClient, context

FILES = {"/a.xlsx": b"A" * 3000, "/b.docx": b"B" * 10, "/gold.xlsx": b"G" * 20, "/big.bin": bytes(range(256)) * 40}


class Handler(BaseHTTPRequestHandler):
    """Serves FILES with Range support; ``broken`` paths send half the body and hang up."""

    broken: set[str] = set()
    log: list[tuple[str, str | None]] = []

    def do_GET(self):
        self.log.append((self.path, self.headers.get("Range")))
        data = FILES.get(self.path)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if self.path in self.broken:
            self.wfile.write(data[start : start + (len(data) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.broken, Handler.log = set(), []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_tasks(root, tasks_by_domain: dict) -> None:
    for (domain, task_id), (config, evaluator) in tasks_by_domain.items():
        path = root / "examples" / domain / f"{task_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"id": task_id, "instruction": "x", "config": config, "evaluator": evaluator, "related_apps": ["os"]}
        path.write_text(json.dumps(data))
    index: dict = {}
    for domain, task_id in tasks_by_domain:
        index.setdefault(domain, []).append(task_id)
    (root / "test_all.json").write_text(json.dumps(index))


def download(*files):
    return {"type": "download", "parameters": {"files": [{"url": u, "path": p} for u, p in files]}}


def cloud(path, dest, **kw):
    return {"type": "cloud_file", "path": path, "dest": dest, **kw}


@pytest.fixture
def official(tmp_path, server):
    dead = f"http://127.0.0.1:{closed_port()}"
    root = tmp_path / "evaluation_examples"
    write_tasks(
        root,
        {
            ("libreoffice_calc", "calc-1"): (
                [download((f"{server}/a.xlsx", "/home/user/a.xlsx")), {"type": "open", "parameters": {"path": "x"}}],
                {"func": "compare_table", "result": cloud(f"{server}/gold.xlsx", "gold.xlsx")},
            ),
            ("libreoffice_writer", "writer-1"): (
                [download((f"{server}/b.docx", "/home/user/b.docx"), ("file:///etc/hostname", "/home/user/h"))],
                {
                    "func": ["compare_docx_files", "compare_docx_files"],
                    "result": [cloud([f"{server}/b.docx", f"{server}/a.xlsx"], ["b1.docx", "a1.xlsx"], multi=True)],
                    "postconfig": [download((f"{server}/big.bin", "/home/user/big.bin"))],
                },
            ),
            ("os", "dead-1"): (
                [download((f"{dead}/x.bin", "/home/user/x.bin"), (f"{dead}/y.bin", "/y.bin"))],
                {"func": "infeasible"},
            ),
            ("os", "gone-1"): ([download((f"{server}/missing.bin", "/home/user/m.bin"))], {"func": "infeasible"}),
        },
    )
    return root


def test_wanted_files_follow_the_official_names(official, server):
    wanted = fetch.wanted_files(tasks.load(official))
    rows = [(w.task, w.name, w.label) for w in wanted]
    a_name = f"{uuid.uuid5(uuid.NAMESPACE_URL, server + '/a.xlsx')}_a.xlsx"
    assert rows[:2] == [
        ("libreoffice_calc/calc-1", a_name, "a.xlsx"),
        ("libreoffice_calc/calc-1", "gold.xlsx", "gold.xlsx"),
    ]
    writer = [r[2] for r in rows if r[0] == "libreoffice_writer/writer-1"]
    assert writer == ["b.docx", "big.bin", "b1.docx", "a1.xlsx"]  # config, postconfig, multi cloud_file; no file://
    assert sources.download_name("https://x/y?id=1", "/home/user/d/f.txt").endswith("_f.txt")
    assert len(fetch.wanted_files(tasks.load(official), domain="os")) == 3
    assert [w.label for w in fetch.wanted_files(tasks.load(official), task_id="calc-1")] == ["a.xlsx", "gold.xlsx"]


def test_fetch_reports_each_file_and_fills_the_cache_in_osworld_layout(official, server, tmp_path, capsys):
    cache = tmp_path / "cache"
    t0 = time.monotonic()
    code = cli_main(["osworld", "fetch", str(official), "--cache", str(cache), "--timeout", "5"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and time.monotonic() - t0 < 5
    by_label = {line.split()[2].rstrip(":"): line for line in lines[:-1]}
    assert by_label["a.xlsx"].startswith("OK      libreoffice_calc/calc-1  a.xlsx: 3,000 bytes")
    assert by_label["a1.xlsx"] == "OK      libreoffice_writer/writer-1  a1.xlsx: same file as another task's"
    assert by_label["m.bin"] == "failed  os/gone-1  m.bin: HTTP 404 Not Found"
    assert by_label["x.bin"].startswith("failed  os/dead-1  x.bin: ") and "refused" in by_label["x.bin"]
    assert by_label["y.bin"].startswith("failed  os/dead-1  y.bin: skipped: 127.0.0.1:")
    assert lines[-1] == (
        f"9 files of 4 tasks: 6 fetched (13,270 bytes), 0 cached, 3 failed; 2 tasks have all their files in {cache}"
    )
    a = cache / "calc-1" / f"{uuid.uuid5(uuid.NAMESPACE_URL, server + '/a.xlsx')}_a.xlsx"
    assert a.read_bytes() == FILES["/a.xlsx"]
    assert (cache / "calc-1" / "gold.xlsx").read_bytes() == FILES["/gold.xlsx"]
    assert (cache / "writer-1" / "a1.xlsx").read_bytes() == FILES["/a.xlsx"]
    assert not list(cache.rglob("*.part"))
    assert sum(path == "/a.xlsx" for path, _ in Handler.log) == 1  # shared files are downloaded once

    Handler.log.clear()
    code = cli_main(["osworld", "fetch", str(official), "--cache", str(cache), "--domain", "libreoffice_writer"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and all(line.startswith("cached") for line in lines[:-1]) and not Handler.log
    assert lines[-1].startswith("4 files of 1 tasks: 0 fetched (0 bytes), 4 cached, 0 failed; 1 tasks have all")


def test_an_interrupted_download_leaves_no_file_and_resumes(official, server, tmp_path, capsys):
    cache = tmp_path / "cache"
    Handler.broken = {"/big.bin"}
    argv = ["osworld", "fetch", str(official), "--cache", str(cache), "--task", "libreoffice_writer/writer-1"]
    assert cli_main(argv) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "big.bin" in x)
    assert line == "failed  libreoffice_writer/writer-1  big.bin: the download broke off after 5,120 of 10,240 bytes"
    big = cache / "writer-1" / sources.download_name(f"{server}/big.bin", "/home/user/big.bin")
    assert not big.exists() and big.with_name(big.name + ".part").stat().st_size == len(FILES["/big.bin"]) // 2
    Handler.broken, Handler.log = set(), []
    assert cli_main(argv) == 0
    assert big.read_bytes() == FILES["/big.bin"] and not big.with_name(big.name + ".part").exists()
    assert Handler.log == [("/big.bin", f"bytes={len(FILES['/big.bin']) // 2}-")]  # only the rest was sent


def test_a_silent_host_times_out_quickly(tmp_path, capsys):
    quiet = socket.socket()
    quiet.bind(("127.0.0.1", 0))
    quiet.listen(8)  # accepts connections, never answers
    url = f"http://127.0.0.1:{quiet.getsockname()[1]}"
    root = tmp_path / "evaluation_examples"
    files = [download((f"{url}/1.bin", "/1.bin"), (f"{url}/2.bin", "/2.bin"))]
    write_tasks(root, {("os", "q"): (files, {"func": "infeasible"})})
    t0 = time.monotonic()
    try:
        code = cli_main(["osworld", "fetch", str(root), "--cache", str(tmp_path / "c"), "--timeout", "0.5"])
    finally:
        quiet.close()
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and time.monotonic() - t0 < 3
    assert lines[0] == "failed  os/q  1.bin: timed out"
    assert lines[1] == f"failed  os/q  2.bin: skipped: {url[7:]} is out of reach (timed out)"
    assert not (tmp_path / "c").exists()  # a failure leaves nothing behind, not even a folder


def test_bad_selections_are_usage_errors(official, tmp_path, capsys):
    base = ["osworld", "fetch", str(official), "--cache", str(tmp_path / "c")]
    assert cli_main([*base, "--task", "nope"]) == 2
    assert cli_main([*base, "--domain", "nope"]) == 2
    assert cli_main(["osworld", "fetch", str(tmp_path / "nowhere")]) == 2
    assert "no task 'nope'" in capsys.readouterr().err


def test_tasks_run_offline_from_the_fetched_cache(official, server, tmp_path):
    cache = tmp_path / "cache"
    assert cli_main(["osworld", "fetch", str(official), "--cache", str(cache), "--task", "calc-1"]) == 0
    client = FakeClient()
    ctx = context(tmp_path, client=client, network=False)
    ctx.file_cache, ctx.task_id = str(cache), "calc-1"
    run_steps(ctx, [download((f"{server}/a.xlsx", "/home/user/a.xlsx"))])
    assert client.files["/tmp/fakehome/a.xlsx"] == FILES["/a.xlsx"]
    got = GETTERS.get("cloud_file")(ctx, cloud(f"{server}/gold.xlsx", "gold.xlsx"))
    assert open(got, "rb").read() == FILES["/gold.xlsx"]
    ctx.task_id = "writer-1"  # nothing fetched for this one: offline, it fails naming where it looked
    with pytest.raises(SetupError, match=r"step 0 \(download\).*is not cached \(looked in .*writer-1/.*_b.docx"):
        run_steps(ctx, [download((f"{server}/b.docx", "/home/user/b.docx"))])


def test_a_hand_placed_file_under_its_plain_name_is_used(tmp_path):
    client = FakeClient()
    ctx = context(tmp_path, client=client, network=False)
    placed = tmp_path / "filecache" / "t1" / "report.docx"
    placed.parent.mkdir(parents=True)
    placed.write_bytes(b"by hand")
    run_steps(ctx, [download(("https://drive.usercontent.google.com/download?id=1", "/home/user/report.docx"))])
    assert client.files["/tmp/fakehome/report.docx"] == b"by hand"


def test_the_browse_history_step_wants_osworld_s_fixed_file(tmp_path):
    root = tmp_path / "evaluation_examples"
    config = [{"type": "update_browse_history", "parameters": {"history": []}}]
    write_tasks(root, {("chrome", "h"): (config, {"func": "infeasible"}), ("chrome", "none"): ([], {"func": "x"})})
    wanted = fetch.wanted_files(tasks.load(root))
    assert [(w.task, w.url, w.name) for w in wanted] == [("chrome/h", *sources.BROWSE_HISTORY)]
