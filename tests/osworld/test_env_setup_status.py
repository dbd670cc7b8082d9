"""What ``OSWorld-v0`` reports when a task's setup fails or needs an account, on a fake desktop."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from steprl_envs.desktop.providers.base import Endpoint
from steprl_envs.desktop.settle import Settled
from steprl_envs.osworld.env import OSWorldEnv
from tests.osworld.fakes import FakeClient

EVALUATOR = {
    "func": "exact_match",
    "result": {"type": "vm_command_line", "command": "ls"},
    "expected": {"type": "rule", "rules": {"expected": "x"}},
}
LOGIN = {
    "type": "login",
    "parameters": {"settings_file": "evaluation_examples/settings/google/settings.json", "platform": "googledrive"},
}


class ScreenClient(FakeClient):
    def __init__(self, **kw):
        super().__init__(**kw)
        buf = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buf, "PNG")
        self.png = buf.getvalue()

    def screenshot(self):
        return self.png

    def step(self, actions, settle, fmt="png"):
        return Settled(self.png, True, 0.0)

    def close(self):
        pass


class FakeProvider:
    home = "/tmp/fakehome"
    address = Endpoint("127.0.0.1", 5000)  # no service ports published

    def __init__(self, client):
        self._client = client

    def start(self):
        pass

    def revert(self):
        pass

    def stop(self):
        pass

    def client(self):
        return self._client


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "evaluation_examples"
    tasks = {
        ("multi_apps", "drive"): {"config": [{"type": "execute", "parameters": {"command": ["true"]}}, LOGIN]},
        ("os", "sudo"): {"config": [{"type": "execute", "parameters": {"command": "sudo -S true", "shell": True}}]},
        ("os", "fine"): {"config": []},
    }
    for (domain, task_id), extra in tasks.items():
        path = root / "examples" / domain / f"{task_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"id": task_id, "instruction": "x", "related_apps": ["os"], "evaluator": EVALUATOR, **extra}
        path.write_text(json.dumps(data))
    index = {"multi_apps": ["drive"], "os": ["sudo", "fine"]}
    (root / "test_all.json").write_text(json.dumps(index))
    return root


def make_env(folder, client, **kw):
    env = OSWorldEnv(tasks=str(folder), observation="screenshot", screen_size=(8, 8), settle_s=0.0, **kw)
    env._make_provider = lambda: FakeProvider(client)
    return env


def test_a_task_that_needs_an_account_is_left_out_and_says_why(folder):
    env = make_env(folder, ScreenClient())
    assert env.task_ids() == ["os/sudo", "os/fine"]
    why = env.unsupported()["multi_apps/drive"]
    assert why == [
        "needs credentials: a Google account signed in to Chrome (OSWorld's settings/google/settings.json: "
        "email, password)"
    ]

    from steprl_envs.eval.protocol import select_tasks

    assert [t.id for t in select_tasks(env, str(folder / "test_all.json"), None)] == ["os/sudo", "os/fine"]
    with pytest.raises(ValueError, match="'multi_apps/drive' cannot run here: needs credentials: a Google account"):
        select_tasks(env, "multi_apps/drive", None)


def test_resetting_it_by_id_runs_no_step_and_reports_needs_credentials(folder):
    client = ScreenClient()
    env = make_env(folder, client, task_id="multi_apps/drive")
    _, info = env.reset()
    assert info["needs_credentials"].startswith("a Google account signed in to Chrome")
    assert info["error"] == "needs credentials: " + info["needs_credentials"]
    assert not [c for c in client.calls if c[0] == "execute"]  # no step ran, not even the harmless first one
    _, reward, terminated, _, info = env.step("WAIT")
    assert terminated and reward == 0.0 and not info["success"] and "needs_credentials" in info
    _, info = env.reset(options={"task_id": "os/fine"})
    assert "needs_credentials" not in info and "error" not in info


def test_a_failing_setup_command_is_reported_at_reset(folder):
    def run(command, shell):
        return {"output": "", "error": "sh: 1: sudo: not found", "returncode": 127}

    env = make_env(folder, ScreenClient(run=run))
    _, info = env.reset(options={"task_id": "os/sudo"})
    assert info["error"] == (
        "setup step 0 (execute) failed: 'sudo -S true' exited with status 127: sh: 1: sudo: not found"
    )
    _, reward, terminated, _, info = env.step("WAIT")
    assert terminated and reward == 0.0 and info["ended_by"] == "terminal"
