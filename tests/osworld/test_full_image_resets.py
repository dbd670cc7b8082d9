"""Resets of official-format tasks in the full desktop image, one per application family, with local files only
(no download): each must run its setup without error. One env serves all; each reset is a fresh container."""

from __future__ import annotations

import json
import wave

import pytest

from tests.desktop.conftest import desktop_full_image, engine, no_leaked_containers  # noqa: F401  (fixtures)
from tests.osworld.builders import build_docx, build_pptx, build_xlsx, one_slide, text

pytestmark = [pytest.mark.container, pytest.mark.slow, pytest.mark.xdist_group("desktop-full")]

HOME = "/home/user"


def _upload(folder, name: str) -> dict:
    return {
        "type": "upload_file",
        "parameters": {"files": [{"local_path": str(folder / name), "path": f"{HOME}/{name}"}]},
    }


def _open(name: str, app: str) -> list[dict]:
    return [
        {"type": "open", "parameters": {"path": f"{HOME}/{name}"}},
        {"type": "activate_window", "parameters": {"window_name": f"{name} - LibreOffice {app}", "strict": True}},
    ]


def _execute(command, **extra) -> dict:
    return {"type": "execute", "parameters": {"command": command, **extra}}


def _launch(command, **extra) -> dict:
    return {"type": "launch", "parameters": {"command": command, **extra}}


def _window_shows(title: str) -> dict:
    """A readiness wait, as bundled tasks write it: until ``wmctrl -lx`` lists a window with ``title`` in its title
    or class."""
    return _execute(["wmctrl", "-lx"], until={"stdout": title}, timeout=60)


def _tasks(folder) -> dict[str, tuple[str, list[dict], dict]]:
    """id -> (domain, config, evaluator)."""
    build_xlsx(folder / "sales.xlsx", {"Sheet1": [["Item", "Units"], ["pen", 3], ["ink", 5]]})
    build_docx(folder / "letter.docx", ["Dear reader,", "the sweep opened this letter."])
    build_pptx(folder / "deck.pptx", one_slide({"kind": "text", **text("Quarterly review")}))
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text("<!doctype html><title>Local page</title><h1>Local page</h1>")
    from PIL import Image

    Image.new("RGB", (64, 48), "teal").save(folder / "picture.png")
    with wave.open(str(folder / "tone.wav"), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x00\x10" * 8000)
    feasible = {"func": "infeasible"}  # the resets are what is checked; the last test scores this one
    return {
        "calc-open": ("libreoffice_calc", [_upload(folder, "sales.xlsx"), *_open("sales.xlsx", "Calc")], feasible),
        "writer-open": (
            "libreoffice_writer",
            [_upload(folder, "letter.docx"), *_open("letter.docx", "Writer")],
            feasible,
        ),
        "impress-open": (
            "libreoffice_impress",
            [_upload(folder, "deck.pptx"), *_open("deck.pptx", "Impress")],
            feasible,
        ),
        "chrome-local-tab": (
            "chrome",
            [
                {
                    "type": "upload_file",
                    "parameters": {
                        "files": [
                            {"local_path": str(folder / "site" / "index.html"), "path": f"{HOME}/site/index.html"}
                        ]
                    },
                },
                _launch(["python3", "-m", "http.server", "8765", "--directory", f"{HOME}/site"]),
                _execute(
                    ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8765/')"],
                    until={"returncode": 0},
                ),
                _launch(["google-chrome", "--remote-debugging-port=1337"]),
                _launch(["socat", "tcp-listen:9222,fork", "tcp:localhost:1337"]),
                {"type": "chrome_open_tabs", "parameters": {"urls_to_open": ["http://localhost:8765/index.html"]}},
                {"type": "activate_window", "parameters": {"window_name": "Google Chrome"}},
            ],
            feasible,
        ),
        "gimp-open": (
            "gimp",
            [_upload(folder, "picture.png"), _launch(["gimp", f"{HOME}/picture.png"]), _window_shows("GIMP")],
            feasible,
        ),
        "vlc-play": (
            "vlc",
            [_upload(folder, "tone.wav"), _launch(["vlc", f"{HOME}/tone.wav"]), _window_shows("VLC")],
            feasible,
        ),
        "thunderbird-start": (
            "thunderbird",
            [_launch(["/usr/bin/thunderbird"]), _window_shows("Thunderbird")],
            feasible,
        ),
        "os-terminal": (
            "os",
            [
                _execute(
                    "echo {CLIENT_PASSWORD} | sudo -S touch /etc/steprl-sweep && test -f /etc/steprl-sweep", shell=True
                ),
                _execute(["gsettings", "set", "org.gnome.desktop.interface", "text-scaling-factor", "1.25"]),
                _execute(
                    ["gsettings", "get", "org.gnome.desktop.interface", "text-scaling-factor"], until={"stdout": "1.25"}
                ),
                _launch(["gnome-terminal"]),
                _window_shows("Gnome-terminal"),
                {"type": "activate_window", "parameters": {"window_name": "Terminal"}},
            ],
            feasible,
        ),
    }


def _write(folder) -> dict[str, str]:
    index: dict[str, list[str]] = {}
    for task_id, (domain, config, evaluator) in _tasks(folder).items():
        task = {
            "id": task_id,
            "snapshot": domain,
            "instruction": f"{task_id}: a reset check.",
            "source": "local",
            "config": config,
            "trajectory": "trajectories/",
            "related_apps": [domain],
            "evaluator": evaluator,
        }
        (folder / "examples" / domain).mkdir(parents=True, exist_ok=True)
        (folder / "examples" / domain / f"{task_id}.json").write_text(json.dumps(task))
        index.setdefault(domain, []).append(task_id)
    (folder / "test_all.json").write_text(json.dumps(index))
    return {task_id: f"{domain}/{task_id}" for domain, ids in index.items() for task_id in ids}


def test_every_app_family_resets_without_setup_error(tmp_path, engine, desktop_full_image, no_leaked_containers):  # noqa: F811
    from steprl_envs.osworld.env import OSWorldEnv

    ids = _write(tmp_path)
    env = OSWorldEnv(provider="docker", image=desktop_full_image, tasks=str(tmp_path), observation="screenshot")
    failures = {}
    try:
        assert not env.unsupported(), env.unsupported()
        for task_id, qualified in ids.items():
            obs, info = env.reset(options={"task_id": qualified})
            if info.get("error"):
                failures[task_id] = info["error"]
            elif task_id == "os-terminal":
                check = env.client.execute(["test", "-f", "/etc/steprl-sweep"])
                assert check["returncode"] == 0, "the sudo step left no file behind"
        assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
        # an infeasible task: FAIL scores 1
        env.reset(options={"task_id": ids["calc-open"]})
        _, reward, terminated, _, info = env.step("FAIL")
        assert terminated and reward == 1.0 and info.get("infeasible")
        env.reset(options={"task_id": ids["calc-open"]})
        _, reward, terminated, _, _ = env.step("DONE")
        assert terminated and reward == 0.0
    finally:
        env.close()
