"""``StepEnv``: the Gymnasium env every steprl suite builds on.

It owns the contract (architecture.md, "The contract") so that suites only fill in the world:

* ``reset(seed, options={"task_id": ...})`` picks the task (or samples one, seeded) and calls ``_setup``;
* ``step(action_str)`` parses the string in the env's action mode, handles DONE / FAIL / WAIT, passes the rest to
  ``_apply``; an unparsable or disallowed action changes nothing, costs a step and comes back as
  ``info["action_error"]`` — ``step`` never raises for agent input;
* the episode ends when the agent says DONE or FAIL, when ``_task_done`` says so (terminated) or when the step
  budget runs out (truncated); the reward is then the task score in [0, 1] from ``_evaluate``;
* ``info`` always has ``task_id``, ``step``, ``success``, ``score`` and ``action_error``.

Subclasses implement ``_setup``, ``_apply``, ``_observe`` and ``_evaluate`` (and may override ``_task_done``,
``_wait``, ``_final_score`` and ``oracle``). Constructors must stay cheap: start heavy resources (displays,
containers, devices) on the first ``reset``.
"""

from __future__ import annotations

import traceback
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import gymnasium as gym

from .actions import Action, ActionError, format_action, parse_action
from .registry import TaskRegistry
from .task import Task, UnknownTaskError

INFO_KEYS = ("task_id", "step", "success", "score", "action_error")


class StepEnv(gym.Env[dict, str], ABC):
    """Base class of steprl envs. See the module docstring for the life cycle."""

    metadata: dict[str, Any] = {"render_modes": []}
    #: Step budget when neither the task nor the constructor gives one.
    default_max_steps = 15
    #: The held-out split an evaluation reports on unless told otherwise (``steprl eval`` without ``--split``).
    eval_split = "test"

    def __init__(
        self,
        tasks: TaskRegistry | Sequence[Task],
        *,
        action_mode: str,
        max_steps: int | None = None,
        split: str | None = None,
        task_id: str | None = None,
        invalid_action_penalty: float = 0.0,
    ):
        super().__init__()
        self.tasks = tasks if isinstance(tasks, TaskRegistry) else TaskRegistry(tasks)
        if split is not None:
            self.tasks = self.tasks.filter(split=split)
        if task_id is not None:
            self.tasks.get(task_id)  # fail early on an unknown id
        if max_steps is not None and max_steps < 1:
            raise ValueError(f"max_steps must be >= 1, got {max_steps}")
        parse_action("WAIT", action_mode)  # validates the mode name
        self.action_mode = action_mode
        self.fixed_task_id = task_id
        self.max_steps_override = max_steps
        self.invalid_action_penalty = float(invalid_action_penalty)
        self.task: Task | None = None
        self.num_steps = 0
        self.done = False
        self.score = 0.0
        self.ended_by: str | None = None
        self.last_actions: list[Action] = []
        self.env_error: str | None = None

    # -- hooks for subclasses --------------------------------------------------------------------------------------
    @abstractmethod
    def _setup(self, task: Task, seed: int | None) -> None:
        """Build the world for ``task``. ``self.np_random`` is already seeded."""
        ...

    @abstractmethod
    def _apply(self, actions: list[Action]) -> None:
        """Carry out parsed (non-control) actions; raise ``ActionError`` to reject them without a state change."""
        ...

    @abstractmethod
    def _observe(self) -> dict[str, Any]: ...

    @abstractmethod
    def _evaluate(self) -> float:
        """The task score in [0, 1] for the current state."""
        ...

    def _task_done(self) -> bool:
        """True when the world reached a terminal state on its own (default: never)."""
        return False

    def _wait(self) -> None:
        """What WAIT does (default: nothing; real desktops may sleep briefly)."""

    def _final_score(self, ended_by: str) -> float:
        """Score at episode end. ``ended_by`` is done / fail / terminal / truncated. FAIL scores 0 by default;
        suites with infeasible tasks (OSWorld) override this."""
        return 0.0 if ended_by == "fail" else self._evaluate()

    def _extra_info(self) -> dict[str, Any]:
        return {}

    def oracle(self) -> str:
        """The next action of a scripted solution from the current state (in this env's action mode)."""
        raise NotImplementedError(f"{type(self).__name__} has no oracle")

    # -- public API ------------------------------------------------------------------------------------------------
    def task_ids(self, split: str | None = None) -> list[str]:
        """Ids of the tasks this env can run (optionally of one split)."""
        return self.tasks.filter(split=split).ids() if split else self.tasks.ids()

    def unsupported(self) -> dict[str, list[str]]:
        """Task ids this env loaded but cannot run here -> reasons (OSWorld: missing setup steps, metrics, apps)."""
        return {}

    def resolve_task_id(self, task_id: str) -> str:
        """The registry id for another accepted spelling of a task id: ``<group>/<id>`` as an index file of
        ``{group: [ids]}`` (OSWorld's test_all.json) names it. An id that matches nothing comes back unchanged, for
        the registry's lookup to explain. OSWorld's env also resolves bare ids to ``<domain>/<id>``."""
        if task_id in self.tasks:
            return task_id
        bare = task_id.rpartition("/")[2]
        return bare if bare in self.tasks else task_id

    @property
    def max_steps(self) -> int:
        if self.max_steps_override is not None:
            return self.max_steps_override
        if self.task is not None and self.task.max_steps:
            return self.task.max_steps
        return self.default_max_steps

    def format(self, actions: list[Action] | Action) -> str:
        """Canonical string of parsed actions in this env's mode (handy for oracles)."""
        return format_action(actions, self.action_mode)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self._warn_if_cut()
        options = options or {}
        self.task = self._pick_task(options.get("task_id"))
        self.num_steps, self.done, self.score, self.ended_by = 0, False, 0.0, None
        self.last_actions = []
        self.env_error: str | None = None
        self._setup(self.task, seed)
        return self._observe(), self._info(None)

    def step(self, action: str):
        if self.task is None:
            raise RuntimeError("call reset() before step()")
        if self.done:
            raise RuntimeError("the episode is over; call reset() to start another")
        self.num_steps += 1
        error = None
        ended_by = None
        try:
            actions = parse_action(action, self.action_mode)
            control = actions[0].name if actions[0].is_control else None
            if control == "DONE":
                ended_by = "done"
            elif control == "FAIL":
                ended_by = "fail"
            elif control == "WAIT":
                self._wait()
            else:
                self._apply(actions)
            self.last_actions = actions
        except ActionError as e:
            error = str(e) or "invalid action"
        if ended_by is None and self._task_done():
            ended_by = "terminal"
        terminated = ended_by is not None
        truncated = not terminated and self.num_steps >= self.max_steps
        reward = -self.invalid_action_penalty if error and self.invalid_action_penalty else 0.0
        if terminated or truncated:
            self.ended_by = ended_by or "truncated"
            self.score = self._safe_score(self.ended_by)
            reward += self.score
            self.done = True
        return self._observe(), float(reward), terminated, truncated, self._info(error)

    # -- internals ---------------------------------------------------------------------------------------------------
    def _warn_if_cut(self) -> None:
        """Gymnasium's TimeLimit ends an episode without telling the env, so an episode it cut before the task's
        budget was never scored. Say so (once) when the last episode stopped at exactly the id's ceiling."""
        if self.task is None or self.done or getattr(self, "_cut_warned", False):
            return
        registered = gym.registry.get(self.spec.id) if self.spec is not None else None
        ceiling = registered.max_episode_steps if registered is not None else None
        if ceiling is not None and self.num_steps == ceiling < self.max_steps:
            self._cut_warned = True
            warnings.warn(
                f"{self.spec.id}: an episode was cut by Gymnasium's TimeLimit after {ceiling} steps, before its "
                f"budget of {self.max_steps}, and was not scored; make the env with "
                f"steprl_envs.make(..., max_steps={self.max_steps}) or pass max_episode_steps={self.max_steps}",
                stacklevel=3,
            )

    def _pick_task(self, task_id: str | None) -> Task:
        task_id = task_id if task_id is not None else self.fixed_task_id
        if task_id is not None:
            return self.tasks.get(task_id)
        ids = self.tasks.ids()
        if not ids:
            raise UnknownTaskError("<any>", [])
        return self.tasks.get(ids[int(self.np_random.integers(len(ids)))])

    def _safe_score(self, ended_by: str) -> float:
        """An evaluator that throws scores 0 and leaves its cause in ``info["error"]`` instead of crashing the run."""
        try:
            score = float(self._final_score(ended_by))
        except Exception as e:  # evaluators run user-supplied task logic
            self.env_error = f"evaluator failed: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
            return 0.0
        return min(1.0, max(0.0, score)) if score == score else 0.0

    def _info(self, action_error: str | None) -> dict[str, Any]:
        info = {
            "task_id": self.task.id if self.task else None,
            "step": self.num_steps,
            "success": bool(self.done and self.score >= 1.0),
            "score": float(self.score),
            "action_error": action_error,
            "max_steps": self.max_steps,
        }
        if self.done:
            info["ended_by"] = self.ended_by
        if self.env_error:
            info["error"] = self.env_error
        info.update(self._extra_info())
        return info
