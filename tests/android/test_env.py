"""AndroidWorld-v0 on the sim provider: every bundled task's oracle, the success rule, faults and bad input."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

from steprl_envs.android.aw import ALL as TASK_CLASSES
from steprl_envs.core.registry import TaskRegistry

pytestmark = pytest.mark.android
CLICK_HOME = json.dumps({"action_type": "navigate_home"})
DONE = json.dumps({"action_type": "status", "goal_status": "complete"})


def run_oracle(env, seed=0):
    obs, info = env.reset(seed=seed)
    while True:
        obs, reward, term, trunc, info = env.step(env.oracle())
        assert info["action_error"] is None, info
        if term or trunc:
            return reward, info


def test_bundled_tasks_cover_twenty_tasks_and_five_apps():
    reg = TaskRegistry.from_dir("androidworld")
    assert not reg.errors and len(reg) >= 20
    assert len({t.domain for t in reg}) >= 5
    assert all(t.evaluator["class"] in TASK_CLASSES for t in reg)


@pytest.mark.parametrize("task_id", TaskRegistry.from_dir("androidworld").ids())
def test_every_bundled_task_is_solved_by_its_oracle(sim_env, task_id):
    env = sim_env(task_id=task_id, observation="ui")
    reward, info = run_oracle(env, seed=3)
    assert info["success"] and reward == 1.0 and info["ended_by"] == "done", info
    assert env.num_steps <= env.max_steps == int(10 * env.task.config["complexity"])


def test_params_follow_the_seed(sim_env):
    env = sim_env(task_id="ContactsAddContact", observation="ui")
    env.reset(seed=5)
    goal = env.task_eval.goal
    env.reset(seed=5)
    assert env.task_eval.goal == goal
    env.reset(seed=6)
    assert env.task_eval.goal != goal


def test_success_needs_status_complete(sim_env):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui", max_steps=8)
    env.reset(seed=0)
    for _ in range(8):
        action = env.oracle()
        if json.loads(action).get("action_type") == "status":
            break
        env.step(action)
    assert env.task_eval.is_successful(env.device) == 1.0
    # the state is right, but the agent gives up: no success (AndroidWorld's rule)
    _, reward, term, _, info = env.step(json.dumps({"action_type": "status", "goal_status": "infeasible"}))
    assert term and reward == 0.0 and not info["success"]


def test_gym_make_with_screenshots(adb_path):
    env = gym.make("AndroidWorld-v0", task_id="ClockAlarmTurnOn")
    try:
        obs, info = env.reset(seed=1)
        assert env.observation_space.contains(obs)
        assert obs["screenshot"].shape == (1200, 540, 3) and "UI element 0:" in obs["ui"]
        assert "alarm" in obs["instruction"]
        obs, *_ = env.step(env.unwrapped.oracle())
        assert env.observation_space.contains(obs)
    finally:
        env.close()


def test_reset_and_step_each_read_the_screen_once(sim_env, monkeypatch):
    """A UI dump costs 1-2 s on a real device: reset reads the screen once (in its setup), and so does a step."""
    from steprl_envs.android.device import AndroidDevice

    reads = []
    for name in ("screenshot", "ui_xml"):
        original = getattr(AndroidDevice, name)
        monkeypatch.setattr(AndroidDevice, name, lambda self, _f=original, _n=name: reads.append(_n) or _f(self))
    env = sim_env(task_id="SystemWifiTurnOn", observation="both")
    for call in (
        lambda: env.reset(seed=0),
        lambda: env.step(CLICK_HOME),
        lambda: env.step(CLICK_HOME),
        lambda: env.reset(seed=1),
        lambda: env.step(DONE),
    ):
        reads.clear()
        call()
        assert sorted(reads) == ["screenshot", "ui_xml"]


def test_malformed_actions_and_bad_indices_cost_a_step(sim_env):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui")
    env.reset(seed=0)
    for bad, message in [
        ("{not json", "JSON"),
        ('{"action_type": "fly"}', "action_type"),
        ('{"action_type": "click", "index": 999}', "invalid element index 999"),
        ('{"action_type": "open_app", "app_name": "Nope App"}', "unknown app"),
        ('{"action_type": "open_app", "app_name": "com.nope.app"}', "rejected"),
    ]:
        _, reward, term, trunc, info = env.step(bad)
        assert message in info["action_error"] and not term
    assert env.num_steps == 5


def test_official_json_action_forms_step_on_the_device(sim_env):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui")
    env.reset(seed=0)
    _, _, term, _, info = env.step('{"action_type": "unknown"}')  # AndroidWorld runs nothing for it
    assert info["action_error"] is None and not term and env.num_steps == 1
    assert [a.name for a in env.last_actions] == ["unknown"]
    settings = next(i for i, e in enumerate(env.ui_elements) if e.text == "Settings")
    _, _, _, _, info = env.step(json.dumps({"action_type": "click", "index": str(settings)}))
    assert info["action_error"] is None
    assert env.device.current_activity().startswith("com.android.settings/")


def test_pyautogui_mode_taps(sim_env):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui", action_space="pyautogui")
    env.reset(seed=0)
    settings = next(e for e in env.ui_elements if e.text == "Settings")
    x, y = map(int, settings.bbox_pixels.center)
    _, _, _, _, info = env.step(f"pyautogui.click({x}, {y})")
    assert info["action_error"] is None
    assert env.device.current_activity().startswith("com.android.settings/")


def test_a_check_that_throws_ends_with_the_cause_in_info(sim_env, tmp_path):
    root = tmp_path / "androidworld"
    root.mkdir()
    (root / "t.json").write_text(
        json.dumps(
            {"id": "broken", "instruction": "x", "evaluator": {"class": "BrokenCheck"}, "config": {"complexity": 1}}
        )
    )
    env = sim_env(tasks_root=str(tmp_path), observation="ui")
    env.reset(seed=0)
    _, reward, term, _, info = env.step(DONE)
    assert term and reward == 0.0 and not info["success"]
    assert "evaluator failed" in info["error"] and "broken on purpose" in info["error"]


def test_device_disconnect_mid_episode_ends_the_episode_and_reset_recovers(sim_env, drill):
    env = sim_env(task_id="SystemWifiTurnOn", observation="both")
    env.reset(seed=0)
    env.provider.sim.disconnect()
    obs, reward, term, trunc, info = env.step(CLICK_HOME)
    assert term and reward == 0.0 and "device lost" in info["error"] and info["device_error"]
    assert isinstance(obs["screenshot"], np.ndarray)
    obs, info = env.reset(seed=0)  # a fresh device
    _, _, term, _, info = env.step(CLICK_HOME)
    assert not term and info["action_error"] is None
    drill(
        "android: device disconnect",
        tried="drop the device mid-episode, then reset",
        lost=0,
        detail="episode ended with the cause; fresh device on reset",
    )


def test_a_device_that_comes_back_is_reconnected(sim_env):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui")
    env.reset(seed=0)
    env.provider.sim.disconnect()
    env.provider.sim.reconnect()
    _, _, term, _, info = env.step(env.oracle())
    assert not term and info["action_error"] is None and env.device.recoveries >= 1


def test_adb_server_restart_is_recovered(sim_env, adb_path, drill):
    env = sim_env(task_id="SystemWifiTurnOn", observation="ui")
    env.reset(seed=0)
    env.provider.server.kill()
    assert not env.provider.server.alive()
    reward, info = 0.0, {}
    while not info.get("ended_by"):
        _, reward, _, _, info = env.step(env.oracle())
    assert info["success"] and env.device.recoveries >= 1 and env.provider.server.alive()
    assert (env.device.serial, "device") in env.device.listed()
    drill(
        "android: adb server killed",
        tried="kill the adb server mid-episode",
        lost=0,
        detail=f"episode still succeeded after {env.device.recoveries} recovery",
    )


def test_content_provider_failure_during_the_check_is_reported(sim_env):
    env = sim_env(task_id="ContactsDeleteContact", observation="ui")
    reward, info = 0.0, {}
    env.reset(seed=0)
    env.provider.sim.phone.fault = "java.lang.SecurityException: provider crashed"
    while not info.get("ended_by"):
        action = env.oracle()
        _, reward, _, _, info = env.step(action)
    assert reward == 0.0 and "provider crashed" in info["error"]


def test_adbutils_is_not_imported_by_the_package():
    import subprocess
    import sys

    code = "import steprl_envs, sys; assert 'adbutils' not in sys.modules; assert 'steprl_envs.android.env' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
