"""OSWorld-v0 end to end on the local provider (Xvfb): the Gymnasium checker, every bundled task's oracle, both
action spaces, OSWorld's infeasible semantics, fresh desktops between episodes and bad task input."""

from __future__ import annotations

import json
import os
import shutil

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from steprl_envs.osworld import tasks as tasks_mod
from steprl_envs.osworld.env import OSWorldEnv, UnsupportedTaskError
from tests.conftest import require_infra

pytestmark = pytest.mark.xvfb
BUNDLED = tasks_mod.load()
TERMINAL = [
    {"type": "launch", "parameters": {"command": ["xterm", "-T", "Terminal", "-geometry", "80x24+0+0"]}},
    {
        "type": "execute",
        "parameters": {"command": "wmctrl -l | grep -q Terminal", "shell": True, "until": {"returncode": 0}},
    },
]


def need_desktop(*programs: str) -> None:
    tools = ("Xvfb", "xdotool", "wmctrl", "openbox", "xterm", *programs)
    missing = [t for t in tools if not shutil.which(t)]
    require_infra(
        not missing,
        f"{', '.join(missing)} not installed (apt-get install "
        f"{' '.join(tasks_mod.APP_PACKAGES.get(t, t.lower()) for t in missing)})",
    )


def play(env, task_id, mode_actions=None):
    obs, info = env.reset(options={"task_id": task_id})
    assert "error" not in info, info["error"]
    done = False
    while not done:
        obs, reward, terminated, truncated, info = env.step(env.oracle())
        assert info["action_error"] is None, info["action_error"]
        done = terminated or truncated
    return obs, reward, info


@pytest.fixture(scope="module")
def oracle_env():
    need_desktop()
    env = OSWorldEnv(observation="screenshot")
    yield env
    env.close()


@pytest.mark.parametrize(
    "task_id",
    [
        pytest.param(t.id, marks=pytest.mark.xdist_group(f"osworld-oracle-{i % 2}"))
        for i, t in enumerate(BUNDLED.registry)
    ],
)
def test_bundled_oracle_succeeds(oracle_env, task_id):
    task = BUNDLED.registry.get(task_id)
    missing = tasks_mod.missing_programs(task)
    require_infra(not missing, f"task {task_id} needs {', '.join(missing)}")
    obs, reward, info = play(oracle_env, task_id)
    assert info["success"] and reward == 1.0 and info["score"] == 1.0, info
    assert obs["screenshot"].shape == (1080, 1920, 3)


@pytest.mark.xdist_group("osworld-env")
def test_check_env_and_registration():
    need_desktop()
    env = gym.make("OSWorld-v0", task_id="os-infeasible-ram", observation="both", max_steps=3)
    try:
        assert env.spec.nondeterministic and env.unwrapped.max_steps == 3
        check_env(env.unwrapped, skip_render_check=True)
        obs, info = env.reset(seed=0)
        assert env.observation_space.contains(obs)
        assert obs["a11y_tree"].startswith("<desktop-frame") and "Terminal" in obs["a11y_tree"]
        assert {"task_id", "step", "success", "score", "action_error"} <= set(info)
        obs, reward, terminated, truncated, info = env.step("pyautogui.frobnicate()")
        assert info["action_error"] and not terminated and reward == 0.0
        obs, reward, terminated, truncated, info = env.step("pyautogui.press('nosuchkey')")
        assert info["action_error"]
    finally:
        env.close()


@pytest.mark.xdist_group("osworld-env")
def test_computer13_oracles_and_infeasible_semantics():
    need_desktop("mousepad")
    env = OSWorldEnv(action_space="computer_13", observation="a11y", max_steps=4)
    try:
        assert set(env.observation_space.spaces) == {"instruction", "a11y_tree"}
        for task_id in ("os-hello-file", "editor-append-line"):
            _, reward, info = play(env, task_id)
            assert info["success"], (task_id, info)
        env.reset(options={"task_id": "os-infeasible-ram"})
        _, reward, terminated, _, info = env.step("DONE")
        assert terminated and reward == 0.0 and info["infeasible"]
        env.reset(options={"task_id": "os-hello-file"})
        _, reward, terminated, _, info = env.step("FAIL")
        assert terminated and reward == 0.0 and info["ended_by"] == "fail"
        env.reset(options={"task_id": "os-hello-file"})
        for _ in range(env.max_steps):
            _, reward, terminated, truncated, info = env.step("WAIT")
        assert truncated and not terminated and reward == 0.0
    finally:
        env.close()


@pytest.mark.xdist_group("osworld-env")
def test_each_episode_gets_a_fresh_desktop_and_close_cleans_up():
    need_desktop()
    env = OSWorldEnv(task_id="os-hello-file", observation="screenshot")
    try:
        obs, _ = env.reset()
        first_home = env.provider.home
        env.client.execute("echo leftover > ~/leftover.txt", shell=True)
        assert isinstance(obs["screenshot"], np.ndarray) and obs["screenshot"].dtype == np.uint8
        env.reset()
        assert env.provider.home != first_home and not os.path.exists(first_home)
        assert env.client.get_file("~/leftover.txt") is None
        home, workdir = env.provider.home, env._workdir
    finally:
        env.close()
    assert not os.path.exists(home) and not os.path.exists(workdir)


def _write_tasks(root, tasks):
    index = {}
    for domain, task in tasks:
        path = root / "examples" / domain / f"{task['id']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(task if isinstance(task, str) else json.dumps(task))
        index.setdefault(domain, []).append(task["id"])
    (root / "test_all.json").write_text(json.dumps(index))


def _task(task_id, config, evaluator, oracle=("DONE",)):
    return {
        "id": task_id,
        "instruction": f"task {task_id}",
        "config": config,
        "evaluator": evaluator,
        "related_apps": ["terminal"],
        "oracle": list(oracle),
    }


@pytest.mark.xdist_group("osworld-env")
def test_bad_task_input_is_reported_per_task_and_the_run_goes_on(tmp_path):
    need_desktop()
    write_ok = {"type": "execute", "parameters": {"command": "echo ok > /home/user/ok.txt", "shell": True}}
    ok_eval = {
        "func": "check_include_exclude",
        "result": {"type": "vm_command_line", "command": "cat /home/user/ok.txt", "shell": True},
        "expected": {"type": "rule", "rules": {"include": ["ok"]}},
    }
    _write_tasks(
        tmp_path,
        [
            (
                "os",
                _task("setup-fails", [{"type": "launch", "parameters": {"command": ["no-such-program-xyz"]}}], ok_eval),
            ),
            (
                "os",
                _task(
                    "setup-times-out",
                    [
                        {
                            "type": "execute",
                            "parameters": {
                                "command": "test -e /home/user/never",
                                "shell": True,
                                "until": {"returncode": 0},
                                "timeout": 0.5,
                            },
                        }
                    ],
                    ok_eval,
                ),
            ),
            (
                "os",
                _task(
                    "evaluator-throws",
                    [write_ok],
                    {**ok_eval, "func": "exact_match", "expected": {"type": "rule", "rules": {"x": 1}}},
                ),
            ),
            (
                "os",
                _task(
                    "missing-result",
                    [],
                    {
                        "func": "compare_text_file",
                        "result": {"type": "vm_file", "path": "/home/user/none.txt", "dest": "none.txt"},
                        "expected": {"type": "rule", "rules": "x"},
                    },
                ),
            ),
            ("os", _task("unknown-metric", [write_ok], {**ok_eval, "func": "not_a_metric"})),
            ("os", _task("fine", [*TERMINAL, write_ok], ok_eval)),
        ],
    )
    (tmp_path / "examples" / "os" / "broken.json").write_text("{nope")
    index = json.loads((tmp_path / "test_all.json").read_text())
    index["os"].append("broken")
    (tmp_path / "test_all.json").write_text(json.dumps(index))

    env = OSWorldEnv(tasks=str(tmp_path), observation="a11y")
    try:
        assert "os/unknown-metric" not in env.task_ids() and "os/broken" not in env.task_ids()
        assert "os/unknown-metric" in env.task_ids(include_unsupported=True)
        assert env.unsupported() == {"os/unknown-metric": ["unknown metric not_a_metric"]}
        assert "broken.json" in env.taskset.problems[0].path
        with pytest.raises(UnsupportedTaskError, match="not_a_metric"):
            env.reset(options={"task_id": "unknown-metric"})
        for task_id, cause in (
            ("setup-fails", "setup step 0 (launch) failed"),
            ("setup-times-out", "setup step 0 (execute) failed"),
        ):
            _, info = env.reset(options={"task_id": task_id})
            assert cause in info["error"]
            _, reward, terminated, _, info = env.step("pyautogui.press('a')")
            assert terminated and reward == 0.0 and cause in info["error"]
        env.reset(options={"task_id": "evaluator-throws"})
        _, reward, terminated, _, info = env.step("DONE")
        assert terminated and reward == 0.0 and "evaluator failed: KeyError" in info["error"]
        env.reset(options={"task_id": "missing-result"})
        _, reward, _, _, info = env.step("DONE")
        assert reward == 0.0 and "error" not in info
        _, reward, info = play(env, "fine")
        assert info["success"] and "error" not in info
    finally:
        env.close()
    with pytest.raises(UnsupportedTaskError):
        OSWorldEnv(tasks=str(tmp_path), task_id="unknown-metric")


def test_allow_host_reaches_the_local_provider_only():
    assert OSWorldEnv(allow_host=True)._make_provider().allow_host
    assert not OSWorldEnv()._make_provider().allow_host  # sandboxed unless asked
    with pytest.raises(ValueError, match="local provider only"):
        OSWorldEnv(provider="docker", allow_host=True)
