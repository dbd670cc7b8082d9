"""``OSWorld-v0``: OSWorld's tasks, action spaces and scores behind the Gymnasium API.

* ``provider``: ``local`` (Xvfb + openbox + the control server in a bubblewrap sandbox; default), ``docker`` (the
  steprl desktop image; ``image="full"`` picks the one with OSWorld's applications, ``"light"`` is the default,
  any other value is an image tag) or ``osworld-vm`` (the official VM image; pass
  ``provider_kwargs={"path_to_vm": ...}``).
  ``allow_host=True`` runs the local desktop unsandboxed: whatever the agent types into its terminal runs on this
  host, so only for agents you trust.
* ``action_space``: ``pyautogui`` (default) or ``computer_13``; plus DONE / FAIL / WAIT.
* ``observation``: ``screenshot`` (``uint8[H, W, 3]``), ``a11y`` (OSWorld's accessibility-tree XML) or ``both``;
  the instruction is always there.
* ``max_steps``: 15 by default (OSWorld's other budgets are 50 and 100).
* ``tasks``: None for the bundled ``tasks/osworld-lite`` set, or the path of an OSWorld ``evaluation_examples/``
  folder (``index`` picks ``test_all``, ``test_small`` ...; default ``test_all.json`` or every ``test_*.json``),
  whose tasks are addressed as ``<domain>/<id>``; a bare id works where only one domain uses it.

Scoring is OSWorld's: the reward is the evaluator's score at the end of the episode (fractional scores allowed);
FAIL scores 1 on infeasible tasks and 0 elsewhere; ``success`` means score >= 1. Tasks that need a setup step,
getter or metric this package lacks are *unsupported*: ``task_ids()`` leaves them out
(``task_ids(include_unsupported=True)`` lists them, ``unsupported()`` says why) and resetting one raises
:class:`UnsupportedTaskError`. A setup step that fails does not raise: ``reset`` returns ``info["error"]`` (the
step, command, exit status and output) and the episode scores 0 whatever the agent does (the first step ends it).
Tasks that sign in to an account (Google Drive) are left out of ``task_ids()`` the same way; reset by id, they run
no setup and report ``info["needs_credentials"]`` (and ``info["error"]``), so the episode measures nothing.

Each episode gets a fresh desktop: the first ``reset`` starts one, later resets revert it (local: a new display
and home). OSWorld's fixed waits (60 s after reset, 2 s after each action, 20 s before evaluation) are replaced
by readiness checks: setup steps poll for what they need, and after an action the desktop waits until its screen
has stopped changing (``settle_s`` quiet after the last change, ``react_s`` when nothing changes, at most
``settle_timeout_s``) and answers with that screen in the same request.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
from dataclasses import replace
from typing import Any

import numpy as np
from gymnasium import spaces

from ..core import StepEnv, UnicodeText
from ..core.actions import Action, ActionError
from ..core.registry import TaskRegistry
from ..core.spaces import screenshot_space
from ..core.task import Task, TaskError
from ..desktop.settle import Settle
from . import tasks as tasks_mod
from .context import OSWORLD_HOME, DesktopContext, published_services
from .evaluate import evaluate
from .oracle import in_mode
from .setup import SetupError, run_steps
from .sources import default_cache

OBSERVATIONS = {"screenshot": ("screenshot",), "a11y": ("a11y_tree",), "both": ("screenshot", "a11y_tree")}
MODES = ("pyautogui", "computer_13")
PROVIDERS = ("local", "docker", "osworld-vm")
TEXT_LIMIT = 2_000_000


_PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+255\s")


def ppm_pixels(data: bytes) -> np.ndarray | None:
    """A binary PPM's pixels (height, width, 3) as a view of ``data``, without decoding; None for other images."""
    match = _PPM_HEADER.match(data)
    if match is None:
        return None
    width, height = int(match[1]), int(match[2])
    if len(data) - match.end() != width * height * 3:
        return None
    return np.frombuffer(data, np.uint8, offset=match.end()).reshape(height, width, 3)


class UnsupportedTaskError(TaskError, ValueError):
    """The task needs a setup step, getter, metric or program that is not available here."""

    def __init__(self, task_id: str, reasons: list[str]):
        self.task_id, self.reasons = task_id, reasons
        super().__init__(f"OSWorld task {task_id!r} is unsupported here: {'; '.join(reasons)}")


class OSWorldEnv(StepEnv):
    metadata = {"render_modes": ["rgb_array"]}

    def __init__(
        self,
        provider: str = "local",
        action_space: str = "pyautogui",
        observation: str = "both",
        max_steps: int | None = 15,
        tasks: str | os.PathLike | None = None,
        task_id: str | None = None,
        index: str | None = None,
        screen_size: tuple[int, int] = (1920, 1080),
        provider_kwargs: dict | None = None,
        cache_dir: str | None = None,
        client_password: str = "password",
        network: bool = True,
        settle_s: float = 0.05,
        react_s: float = 0.25,
        settle_timeout_s: float = 3.0,
        split: str | None = None,
        invalid_action_penalty: float = 0.0,
        render_mode: str | None = None,
        allow_host: bool = False,
        image: str | None = None,
    ):
        if provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}, got {provider!r}")
        if allow_host and provider != "local":
            raise ValueError(f"allow_host applies to the local provider only, not {provider!r}")
        if image is not None and provider != "docker":
            raise ValueError(f"image applies to the docker provider only, not {provider!r}")
        if action_space not in MODES:
            raise ValueError(f"action_space must be one of {', '.join(MODES)}, got {action_space!r}")
        if observation not in OBSERVATIONS:
            raise ValueError(f"observation must be one of {', '.join(OBSERVATIONS)}, got {observation!r}")
        self.taskset = tasks_mod.load(tasks, index)
        self.provider_name = provider
        if provider == "local":  # programs a task's apps need, checked on this machine
            for task in self.taskset.registry:
                missing = tasks_mod.missing_programs(task)
                if missing:
                    self.taskset.unsupported.setdefault(task.id, []).extend(
                        f"needs program {p} (apt-get install {tasks_mod.APP_PACKAGES.get(p, p)})" for p in missing
                    )
        task_id = self.taskset.resolve(task_id) if task_id is not None else None
        if task_id is not None and task_id in self.taskset.unsupported:
            raise UnsupportedTaskError(task_id, self.taskset.unsupported[task_id])
        runnable = self.taskset.supported()
        if task_id in self.taskset.credentials:  # named on purpose: resets report what it needs (see _setup)
            runnable = TaskRegistry([*runnable, self.taskset.registry.get(task_id)], self.taskset.problems)
        super().__init__(
            runnable,
            action_mode=action_space,
            max_steps=max_steps,
            split=split,
            task_id=task_id,
            invalid_action_penalty=invalid_action_penalty,
        )
        self.observation = observation
        self.width, self.height = screen_size
        self.provider_kwargs = dict(provider_kwargs or {})
        if allow_host:
            self.provider_kwargs["allow_host"] = True
        if image is not None:
            self.provider_kwargs["image"] = image
        self.file_cache = cache_dir or default_cache()
        self.client_password = client_password
        self.network = network
        self.settle = Settle(quiet_s=settle_s, react_s=react_s, timeout_s=settle_timeout_s)
        self.render_mode = render_mode
        self.action_space = UnicodeText(16_384)
        parts: dict[str, spaces.Space] = {"instruction": UnicodeText(100_000)}
        if "screenshot" in OBSERVATIONS[observation]:
            parts["screenshot"] = screenshot_space(self.height, self.width)
        if "a11y_tree" in OBSERVATIONS[observation]:
            parts["a11y_tree"] = UnicodeText(TEXT_LIMIT)
        self.observation_space = spaces.Dict(parts)
        self.provider = None
        self.client = None
        self.ctx: DesktopContext | None = None
        self._workdir: str | None = None
        self._episodes = 0
        self._oracle_step = 0
        self._setup_failed = False
        self._needs_credentials: list[str] = []
        self._image: bytes | None = None  # the settled screen (PNG or PPM) the last step or reset returned
        self.watched = ""  # how the desktop saw the last wait's changes: "damage", "frames" or "screenshots"
        self.timings: dict[str, float] = {}

    # -- tasks -----------------------------------------------------------------------------------------------------
    def task_ids(self, split: str | None = None, include_unsupported: bool = False) -> list[str]:
        if include_unsupported:
            reg = self.taskset.registry.filter(split=split) if split else self.taskset.registry
            return reg.ids()
        return super().task_ids(split)

    def unsupported(self) -> dict[str, list[str]]:
        """Task id -> why it cannot run here (unknown step types, getters, metrics; missing programs; accounts)."""
        out = {k: list(v) for k, v in self.taskset.unsupported.items()}
        for k, accounts in self.taskset.credentials.items():
            out.setdefault(k, []).extend(f"needs credentials: {a}" for a in accounts)
        return out

    def resolve_task_id(self, task_id: str) -> str:
        return self.taskset.resolve(task_id)

    def _pick_task(self, task_id: str | None) -> Task:
        task_id = self.taskset.resolve(task_id) if task_id is not None else None
        wanted = task_id if task_id is not None else self.fixed_task_id
        if wanted is not None and wanted in self.taskset.unsupported:
            raise UnsupportedTaskError(wanted, self.taskset.unsupported[wanted])
        if wanted is not None and wanted in self.taskset.credentials:
            return self.taskset.registry.get(wanted)
        return super()._pick_task(task_id)

    # -- desktop life cycle ----------------------------------------------------------------------------------------
    def _make_provider(self):
        from ..desktop.providers import make_provider

        kwargs = dict(self.provider_kwargs)
        if self.provider_name in ("local", "docker"):
            kwargs.setdefault("screen", (self.width, self.height))
        return make_provider(self.provider_name, **kwargs)

    def _fresh_desktop(self) -> None:
        t0 = time.perf_counter()
        if self.provider is None:
            self.provider = self._make_provider()
            self.provider.start()
        else:
            if self.client is not None:
                self.client.close()
            self.provider.revert()
        self.client = self.provider.client()
        self.timings["desktop_s"] = time.perf_counter() - t0

    def _setup(self, task: Task, seed: int | None) -> None:
        t0 = time.perf_counter()
        self._fresh_desktop()
        if self._workdir is None:
            self._workdir = tempfile.mkdtemp(prefix="steprl-osworld-")
        self._episodes += 1
        cache_dir = os.path.join(self._workdir, f"episode-{self._episodes}")
        shutil.rmtree(os.path.join(self._workdir, f"episode-{self._episodes - 1}"), ignore_errors=True)
        path = self.taskset.paths.get(task.id)
        self.ctx = DesktopContext(
            client=self.client,
            home=getattr(self.provider, "home", "") or OSWORLD_HOME,
            cache_dir=cache_dir,
            task_id=self.taskset.file_id(task.id),
            task_dir=os.path.dirname(path) if path else None,
            task_root=self.taskset.root,
            file_cache=self.file_cache,
            client_password=self.client_password,
            screen=(self.width, self.height),
            network=self.network,
            services=published_services(self.provider.address),
        )
        self._oracle_step = 0
        self._setup_failed = False
        self._image = None
        t1 = time.perf_counter()
        self._needs_credentials = self.taskset.credentials.get(task.id, [])
        try:
            if self._needs_credentials:  # no step runs: those before the sign-in would be wasted
                self._setup_failed = True
                self.env_error = "needs credentials: " + "; ".join(self._needs_credentials)
            else:
                run_steps(self.ctx, task.config if isinstance(task.config, list) else [], "config")
        except SetupError as e:
            self._setup_failed = True
            self.env_error = str(e)
        self.timings["setup_s"] = time.perf_counter() - t1
        self._settle()
        self.timings["reset_s"] = time.perf_counter() - t0

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.provider is not None:
            self.provider.stop()
            self.provider = None
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        super().close()

    # -- steps -----------------------------------------------------------------------------------------------------
    def _apply(self, actions: list[Action]) -> None:
        from ..desktop.errors import DesktopRequestError

        try:
            self._settle(actions)
        except DesktopRequestError as e:
            if e.status in (400, 500):
                raise ActionError(f"the desktop refused the action: {e.problem}") from None
            raise

    def _wait(self) -> None:
        time.sleep(1.0)
        self._settle()

    def _settle(self, actions: list[Action] = (), rule: Settle | None = None) -> None:
        """Perform ``actions`` and wait until the screen stops changing (:mod:`~steprl_envs.desktop.settle`);
        keeps the settled screen for the observation."""
        fmt = "ppm" if "screenshot" in self.observation_space.spaces else "png"
        result = self.client.step(actions, rule or self.settle, fmt)
        self._image = result.frame
        self.timings["settle_s"] = result.waited_s
        self.timings["settled"] = float(result.settled)
        self.watched = result.watched

    def _task_done(self) -> bool:
        return self._setup_failed

    def _screenshot_array(self) -> np.ndarray:
        from PIL import Image

        data = self._image if self._image is not None else self.client.screenshot()
        if (pixels := ppm_pixels(data)) is not None and pixels.shape[:2] == (self.height, self.width):
            return pixels.copy()
        image = Image.open(io.BytesIO(data)).convert("RGB")
        if image.size != (self.width, self.height):
            image = image.resize((self.width, self.height))
        return np.asarray(image, dtype=np.uint8)

    def _observe(self) -> dict[str, Any]:
        obs: dict[str, Any] = {"instruction": self.task.instruction if self.task else ""}
        if "screenshot" in self.observation_space.spaces:
            obs["screenshot"] = self._screenshot_array()
        if "a11y_tree" in self.observation_space.spaces:
            obs["a11y_tree"] = self.client.accessibility()[:TEXT_LIMIT]
        return obs

    def render(self):
        return self._screenshot_array() if self.client is not None else None

    # -- scoring ---------------------------------------------------------------------------------------------------
    def _final_score(self, ended_by: str) -> float:
        if self._setup_failed:
            return 0.0
        return self._evaluate(agent_failed=ended_by == "fail")

    def _evaluate(self, agent_failed: bool = False) -> float:
        t0 = time.perf_counter()
        wait = max(self.settle.quiet_s, self.settle.react_s, 0.3)  # scores read files an app may still be writing
        self._settle(rule=replace(self.settle, quiet_s=wait, react_s=wait))
        try:
            return evaluate(self.ctx, self.task.evaluator, agent_failed)
        finally:
            self.timings["evaluate_s"] = time.perf_counter() - t0

    def _extra_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"domain": self.task.domain if self.task else None}
        if self.ctx is not None and self.ctx.log:
            info["evaluator_log"] = list(self.ctx.log)
        if self._needs_credentials:
            info["needs_credentials"] = "; ".join(self._needs_credentials)
        if self.task is not None and self.task.evaluator.get("func") == "infeasible":
            info["infeasible"] = True
        return info

    # -- oracle ----------------------------------------------------------------------------------------------------
    def oracle(self) -> str:
        """The next action of the bundled task's scripted solution, in this env's action mode."""
        if self.task is None:
            raise RuntimeError("call reset() before oracle()")
        actions = tasks_mod.oracle_actions(self.task)
        if actions is None:
            raise NotImplementedError(f"task {self.task.id!r} has no oracle")
        action = actions[self._oracle_step] if self._oracle_step < len(actions) else "DONE"
        self._oracle_step += 1
        return in_mode(action, self.action_mode)
