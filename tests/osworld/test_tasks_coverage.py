"""The task loader on an official-layout folder written here (broken JSON, missing files, unknown names), the
bundled set, and ``steprl osworld coverage``."""

from __future__ import annotations

import json

import pytest

from steprl_envs.cli import main as cli_main
from steprl_envs.osworld import coverage, tasks
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.metrics import METRICS
from steprl_envs.osworld.oracle import in_mode
from steprl_envs.osworld.setup import STEPS

GOOD = {
    "func": "exact_match",
    "result": {"type": "vm_command_line", "command": "ls"},
    "expected": {"type": "rule", "rules": {"expected": "x"}},
}


def task_json(task_id, config=None, evaluator=None, **extra):
    return {
        "id": task_id,
        "snapshot": "os",
        "instruction": f"do {task_id}",
        "source": "test",
        "config": config if config is not None else [{"type": "execute", "parameters": {"command": "true"}}],
        "trajectory": "trajectories/",
        "related_apps": ["os"],
        "evaluator": evaluator or GOOD,
        "proxy": False,
        **extra,
    }


@pytest.fixture
def official(tmp_path):
    """A small evaluation_examples/ folder in the official layout, with every kind of fault."""
    root = tmp_path / "OSWorld" / "evaluation_examples"
    files = {
        ("os", "ok-1"): task_json("ok-1"),
        ("os", "ok-2"): task_json(
            "ok-2",
            evaluator={
                "func": ["exact_match", "check_include_exclude"],
                "conj": "or",
                "result": [GOOD["result"]] * 2,
                "expected": [GOOD["expected"]] * 2,
            },
        ),
        ("os", "bad-metric"): task_json("bad-metric", evaluator={**GOOD, "func": "not_a_metric"}),
        ("chrome", "bad-step"): task_json("bad-step", config=[{"type": "no_such_setup", "parameters": {}}]),
        ("chrome", "bad-getter"): task_json("bad-getter", evaluator={**GOOD, "result": {"type": "no_such_getter"}}),
        ("chrome", "bad-post"): task_json("bad-post", evaluator={**GOOD, "postconfig": [{"type": "no_such_step"}]}),
        ("chrome", "drive"): task_json(  # needs an account, and a getter that is missing as well
            "drive",
            config=[{"type": "login", "parameters": {"settings_file": "s.json", "platform": "googledrive"}}],
            evaluator={**GOOD, "result": {"type": "googledrive_file", "dest": "x"}, "expected": GOOD["result"]},
            related_apps=["chrome"],
        ),
        ("libreoffice_calc", "bad-rule"): task_json(
            "bad-rule",
            evaluator={
                "func": "compare_table",
                "result": {"type": "vm_file", "path": "/home/user/a.xlsx", "dest": "a.xlsx"},
                "options": {"rules": [{"type": "check_cell"}, {"type": "sparkline"}]},
            },
        ),
        ("libreoffice_calc", "infeasible-1"): task_json("infeasible-1", evaluator={"func": "infeasible"}),
        ("os", "no-evaluator"): {"id": "no-evaluator", "instruction": "x", "config": []},
        ("os", "wrong-id"): task_json("something-else"),
    }
    for (domain, task_id), data in files.items():
        path = root / "examples" / domain / f"{task_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
    (root / "examples" / "os" / "broken.json").write_text('{"id": "broken", "instruction": ')
    index = {
        "os": ["ok-1", "ok-2", "bad-metric", "no-evaluator", "wrong-id", "broken", "missing-file"],
        "chrome": ["bad-step", "bad-getter", "bad-post", "drive"],
        "libreoffice_calc": ["bad-rule", "infeasible-1"],
    }
    (root / "test_all.json").write_text(json.dumps(index))
    (root / "test_small.json").write_text(json.dumps({"os": ["ok-1"]}))
    return root


def test_loader_separates_supported_unsupported_and_broken(official):
    loaded = tasks.load(official)
    assert sorted(loaded.registry.ids()) == sorted(
        [
            "os/ok-1",
            "os/ok-2",
            "os/bad-metric",
            "chrome/bad-step",
            "chrome/bad-getter",
            "chrome/bad-post",
            "chrome/drive",
            "libreoffice_calc/bad-rule",
            "libreoffice_calc/infeasible-1",
        ]
    )
    assert sorted(loaded.supported().ids()) == ["libreoffice_calc/infeasible-1", "os/ok-1", "os/ok-2"]
    assert loaded.unsupported == {
        "os/bad-metric": ["unknown metric not_a_metric"],
        "chrome/bad-step": ["unknown setup step no_such_setup"],
        "chrome/bad-getter": ["unknown getter no_such_getter"],
        "chrome/bad-post": ["unknown setup step no_such_step"],
        "libreoffice_calc/bad-rule": ["unsupported compare_table rule sparkline"],
    }
    messages = " | ".join(map(str, loaded.problems))
    assert "broken.json: cannot read JSON" in messages
    assert "missing-file.json: task file is missing" in messages
    assert "'evaluator'" in messages and "does not match the file name" in messages
    assert len(loaded.problems) == 4
    task = loaded.registry.get("os/ok-1")
    assert task.domain == "os" and task.suite == "osworld" and isinstance(task.config, list)
    assert task.metadata["related_apps"] == ["os"] and task.metadata["proxy"] is False
    assert loaded.paths["os/ok-1"].endswith("examples/os/ok-1.json")


def test_index_choice(official):
    assert tasks.load(official, "test_small").registry.ids() == ["os/ok-1"]
    with pytest.raises(FileNotFoundError):
        tasks.load(official, "test_nope")
    (official / "test_all.json").unlink()
    assert "os/ok-1" in tasks.load(official).registry  # falls back to every test_*.json
    with pytest.raises(FileNotFoundError):
        tasks.load(official / "nowhere")


def test_broken_index_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "examples").mkdir()
    (tmp_path / "test_all.json").write_text("[1, 2")
    loaded = tasks.load(tmp_path)
    assert len(loaded.registry) == 0 and "cannot read index" in loaded.problems[0].message


def test_coverage_report_and_cli(official, capsys):
    report = coverage.analyse(official.parent)  # a checkout holding evaluation_examples/ works too
    assert report["total"] == {
        "tasks": 13,
        "loaded": 9,
        "supported": 3,
        "full_image": 3,
        "needs_credentials": 1,
        "unsupported": 5,
        "not_loaded": 4,
    }
    assert report["domains"]["chrome"] == {
        "tasks": 4,
        "loaded": 4,
        "supported": 0,
        "full_image": 0,
        "needs_credentials": 1,
        "unsupported": 3,
        "not_loaded": 0,
    }
    assert report["domains"]["os"]["supported"] == 2 and report["domains"]["os"]["not_loaded"] == 4
    assert report["missing"]["setup"] == {"no_such_setup": 1, "no_such_step": 1}
    assert report["missing"]["getters"] == {"no_such_getter": 1}
    assert report["missing"]["metrics"] == {"not_a_metric": 1}
    assert report["missing"]["options"] == {"compare_table rule sparkline": 1}

    assert cli_main(["osworld", "coverage", str(official)]) == 0
    out = capsys.readouterr().out
    assert (
        "13 tasks: 9 loaded, 3 fully supported, 3 runnable in the full image, 1 need credentials, 5 unsupported, "
        "4 not loaded"
    ) in out
    assert "no_such_setup" in out and "not_a_metric" in out and "no_such_getter" in out
    row = next(line for line in out.splitlines() if line.startswith("libreoffice_calc"))
    assert row.split() == ["libreoffice_calc", "2", "2", "1", "1", "0", "1", "0"]
    assert cli_main(["osworld", "coverage", str(official), "--json", "--index", "test_small"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["supported"] == 1
    assert cli_main(["osworld", "coverage", str(official / "nowhere")]) == 2


@pytest.fixture
def shared_id(tmp_path):
    """Two domains that use the same task id, as OSWorld's chrome and thunderbird do, plus one unique id."""
    root = tmp_path / "evaluation_examples"
    files = {
        ("chrome", "same-id"): task_json("same-id", related_apps=[]),
        ("thunderbird", "same-id"): task_json("same-id", related_apps=[], instruction="the mail one"),
        ("thunderbird", "only-here"): task_json(
            "only-here", related_apps=[], evaluator={**GOOD, "func": "not_a_metric"}
        ),
    }
    for (domain, task_id), data in files.items():
        path = root / "examples" / domain / f"{task_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
    (root / "test_all.json").write_text(json.dumps({"chrome": ["same-id"], "thunderbird": ["same-id", "only-here"]}))
    return root


def test_an_id_shared_by_two_domains_loads_twice(shared_id):
    loaded = tasks.load(shared_id)
    assert loaded.qualified and not loaded.problems
    assert loaded.registry.ids() == ["chrome/same-id", "thunderbird/same-id", "thunderbird/only-here"]
    mail = loaded.registry.get("thunderbird/same-id")
    assert mail.domain == "thunderbird" and mail.instruction == "the mail one"
    assert loaded.registry.get("chrome/same-id").instruction == "do same-id"
    assert loaded.file_id("thunderbird/same-id") == "same-id"
    assert loaded.paths["thunderbird/same-id"].endswith("examples/thunderbird/same-id.json")
    assert loaded.resolve("chrome/same-id") == "chrome/same-id"
    assert loaded.resolve("only-here") == "thunderbird/only-here"  # a bare id used by one domain is enough
    assert loaded.resolve("nope") == "nope"
    with pytest.raises(tasks.AmbiguousTaskError, match="name one of chrome/same-id, thunderbird/same-id"):
        loaded.resolve("same-id")

    report = coverage.analyse(shared_id)
    assert [report["total"][k] for k in ("tasks", "supported", "unsupported", "not_loaded")] == [3, 2, 1, 0]
    thunderbird = report["domains"]["thunderbird"]
    assert [thunderbird[k] for k in ("tasks", "supported", "unsupported", "not_loaded")] == [2, 1, 1, 0]
    assert report["unsupported_tasks"] == {"thunderbird/only-here": ["unknown metric not_a_metric"]}


def test_env_addresses_official_tasks_by_domain_and_id(shared_id):
    from steprl_envs.osworld.env import OSWorldEnv, UnsupportedTaskError

    env = OSWorldEnv(tasks=str(shared_id), task_id="thunderbird/same-id")
    assert env.fixed_task_id == "thunderbird/same-id"
    assert env.task_ids() == ["chrome/same-id", "thunderbird/same-id"]
    assert env._pick_task("chrome/same-id").instruction == "do same-id"
    with pytest.raises(tasks.AmbiguousTaskError):
        env._pick_task("same-id")
    with pytest.raises(UnsupportedTaskError, match="thunderbird/only-here"):
        env._pick_task("only-here")
    with pytest.raises(tasks.AmbiguousTaskError):
        OSWorldEnv(tasks=str(shared_id), task_id="same-id")


def test_an_official_index_selects_tasks_that_share_an_id(shared_id, caplog):
    """test_all.json names tasks as {domain: [ids]}: both tasks called same-id are selected, each once; tasks that
    cannot run here are left out of an index with a warning, and refused when named."""
    import gymnasium as gym

    from steprl_envs.eval.protocol import select_tasks

    env = gym.make("OSWorld-v0", tasks=str(shared_id))
    chosen = select_tasks(env, str(shared_id / "test_all.json"), None)
    assert [t.id for t in chosen] == ["chrome/same-id", "thunderbird/same-id"]  # only-here is unsupported
    assert "1 of 3 tasks left out as unsupported" in caplog.text
    with pytest.raises(ValueError, match="'thunderbird/only-here' cannot run here: unknown metric not_a_metric"):
        select_tasks(env, "only-here", None)
    with pytest.raises(tasks.AmbiguousTaskError):
        select_tasks(env, "same-id", None)
    assert [t.id for t in select_tasks(env, "thunderbird/same-id,chrome/same-id", None)] == [
        "thunderbird/same-id",
        "chrome/same-id",
    ]


def test_bundled_ids_stay_bare_and_also_resolve_with_their_domain():
    loaded = tasks.load()
    assert not loaded.qualified and "os-hello-file" in loaded.registry
    assert loaded.resolve("os/os-hello-file") == "os-hello-file"
    assert tasks.load(tasks.bundled_root()).registry.ids() == loaded.registry.ids()


def test_bundled_set_is_complete_and_supported():
    loaded = tasks.load()
    assert len(loaded.registry) >= 30 and not loaded.problems and not loaded.unsupported
    domains = {t.domain for t in loaded.registry}
    assert {"os", "files", "text_editor", "spreadsheet", "multi_apps"} <= domains
    infeasible = [t for t in loaded.registry if t.evaluator["func"] == "infeasible"]
    assert len(infeasible) >= 3
    for task in loaded.registry:
        oracle = tasks.oracle_actions(task)
        assert oracle and oracle[-1] in ("DONE", "FAIL"), task.id
        for action in oracle:  # every oracle action parses in both action spaces
            in_mode(action, "pyautogui")
            in_mode(action, "computer_13")
        need = tasks.requirements(task)
        assert all(s in STEPS for s in need["setup"]) and all(g in GETTERS for g in need["getters"])
        assert all(m in METRICS for m in need["metrics"])
        assert set(task.metadata) >= {"snapshot", "related_apps", "proxy", "oracle"}


def test_oracle_actions_translate_to_computer_13():
    assert in_mode("pyautogui.click(10, 20)", "computer_13") == '{"action_type": "CLICK", "x": 10, "y": 20}'
    assert "HOTKEY" in in_mode("pyautogui.hotkey('ctrl', 's')", "computer_13")
    out = in_mode("pyautogui.write('ls')\npyautogui.press('enter')", "computer_13")
    assert '"TYPING"' in out and '"PRESS"' in out
    assert in_mode("FAIL", "computer_13") == "FAIL"


def test_broken_task_file_is_named_wherever_it_is_asked_for(official, tmp_path, capsys, caplog):
    from steprl_envs.core.task import UnknownTaskError

    loaded = tasks.load(official)
    assert "broken.json: cannot read JSON: Expecting value" in caplog.text  # logged, not skipped silently
    with pytest.raises(UnknownTaskError, match=r"task 'broken' was not loaded: \S*broken.json: cannot read JSON"):
        loaded.supported().get("broken")
    with pytest.raises(UnknownTaskError, match=r"task 'missing-file' was not loaded: \S*missing-file.json: task "):
        loaded.supported().filter(split="test").get("missing-file")

    code = cli_main(
        [
            "eval",
            "--env",
            "OSWorld-v0",
            "--env-arg",
            f"tasks={json.dumps(str(official))}",
            "--agent",
            "random",
            "--tasks",
            "ok-1,broken",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "steprl eval: task 'broken' was not loaded:" in err.splitlines()[-1] and "cannot read JSON" in err

    assert cli_main(["osworld", "coverage", str(official)]) == 0
    out = capsys.readouterr().out
    not_loaded = out.split("not loaded:\n")[1].splitlines()
    assert any("os/broken.json: cannot read JSON: Expecting value" in line for line in not_loaded)


def test_related_apps_spellings_of_the_official_set_fold_to_one_name(monkeypatch):
    from steprl_envs.core.task import Task

    fold = {
        "libreoffice calc": "libreoffice_calc",
        "calc": "libreoffice_calc",
        "Writer": "libreoffice_writer",
        "vscode": "vs_code",
        "vs_code": "vs_code",
        "Chrome": "chrome",
        "browser": "chrome",
        "OS": "os",
        "ubuntu_media_player": "ubuntu_media_player",
    }
    assert {k: tasks.canonical_app(k) for k in fold} == fold
    record = {"id": "t", "instruction": "x", "evaluator": GOOD, "domain": "multi_apps", "suite": "osworld"}
    task = Task.from_dict({**record, "related_apps": ["OS", "libreoffice calc", "calc", "vscode"]})
    assert tasks.task_apps(task) == ["os", "libreoffice_calc", "vs_code"]
    assert tasks.apps_outside_full_image(task) == ["vs_code"]  # code-server is not in the full image
    monkeypatch.setattr(tasks.shutil, "which", lambda p: p if p in ("soffice",) else None)
    assert tasks.missing_programs(task) == ["code"]  # any LibreOffice binary serves calc


def test_coverage_json_lists_every_task_with_its_status(official, capsys):
    assert cli_main(["osworld", "coverage", str(official), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["tasks"]) == report["total"]["loaded"] == 9
    drive = report["tasks"]["chrome/drive"]
    assert drive["status"] == "needs_credentials" and not drive["full_image"]
    assert drive["needs_credentials"][0].startswith("a Google account") and len(drive["needs_credentials"]) == 2
    assert drive["missing"] == {}  # login and googledrive_file are registered: they refuse, not go missing
    assert report["tasks"]["os/ok-1"] == {
        "domain": "os",
        "status": "supported",
        "full_image": True,
        "apps": ["os"],
        "apps_outside_full_image": [],
        "missing": {},
        "needs_credentials": [],
    }
    assert report["tasks"]["os/bad-metric"]["missing"] == {"metrics": ["not_a_metric"]}
    assert report["credential_tasks"] == {"chrome/drive": drive["needs_credentials"]}
    assert set(report["needs_credentials"]) == set(drive["needs_credentials"])
