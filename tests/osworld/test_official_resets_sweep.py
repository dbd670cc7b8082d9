"""The reset sweep's choice of tasks and its grouping of setup errors (no desktop needed)."""

from __future__ import annotations

import json

from bench.osworld_official_resets import candidates, cause, report
from steprl_envs.osworld import tasks as tasks_mod


def _task(task_id: str, config: list, apps: list) -> dict:
    return {
        "id": task_id,
        "snapshot": apps[0],
        "instruction": "x",
        "source": "test",
        "config": config,
        "related_apps": apps,
        "evaluator": {"func": "infeasible"},
    }


def test_candidates_leave_out_downloads_and_apps_outside_the_image(tmp_path):
    tasks = {
        "plain": _task("plain", [{"type": "execute", "parameters": {"command": ["true"]}}], ["os"]),
        "fetches": _task("fetches", [{"type": "download", "parameters": {"files": []}}], ["os"]),
        "editor": _task("editor", [], ["vs_code"]),
        "unknown-step": _task("unknown-step", [{"type": "teleport", "parameters": {}}], ["os"]),
    }
    (tmp_path / "examples" / "os").mkdir(parents=True)
    for task_id, task in tasks.items():
        (tmp_path / "examples" / "os" / f"{task_id}.json").write_text(json.dumps(task))
    (tmp_path / "test_all.json").write_text(json.dumps({"os": list(tasks)}))
    chosen, skipped = candidates(tasks_mod.load(str(tmp_path)))
    assert chosen == ["os/plain"]
    assert skipped == {
        "has a download step": 1,
        "app not in the full image: vs_code": 1,
        "unsupported here": 1,
    }


def test_cause_folds_the_command_and_numbers_and_keeps_the_last_output_line():
    a = cause("setup step 1 (execute) failed: 'cd /a && jq \\'.x\\' P' exited with status 2: /bin/sh: 1: cd: no")
    b = cause("setup step 3 (execute) failed: 'cd /b' exited with status 2: /bin/sh: 7: cd: no")
    assert a == b == "setup step N (execute) failed: <command> exited with status N: /bin/sh: N: cd: no"
    long = cause('setup step 0 (command) failed: "apt-get install x" exited with status 1: [sudo] password\nE: Abort.')
    assert long.endswith("… E: Abort.") and "<command>" in long


def test_report_counts_per_domain_and_names_each_cause_once():
    result = {
        "domains": {"chrome": {"tried": 3, "ok": 2, "errors": 1}, "os": {"tried": 1, "ok": 1}},
        "errors": {"chrome": {"setup step N (launch) failed": ["chrome/a"]}},
        "skipped": {"has a download step": 5},
        "reset_s_median": 2.5,
        "wall_s": 10.0,
    }
    text = report(result)
    assert "chrome                     3        2      1" in text
    assert "all                        4        3      1" in text
    assert "1 x setup step N (launch) failed  (e.g. chrome/a)" in text
    assert "not tried: has a download step: 5" in text
