"""Rollout: episodes run concurrently on a ``steprl_envs.pool`` env pool, one batched generation per poll.

Each step becomes a :class:`StepRow` holding the exact prompt and response token ids used at generation time
(with the screenshots a vision-language prompt shows), their sampled log-probs and a hash of the raw observation
(GiGPO/STAPO's anchor state). A retried episode (its
worker died) starts its rows afresh; an episode whose every attempt failed is dropped and counted.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from steprl_envs.agents.prompting import History, PromptBuilder, extract_action
from steprl_envs.pool import EpisodeRequest, LocalPool

from .policy import Policy


@dataclass
class StepRow:
    """One step of one trajectory: the training sample of step-level algorithms."""

    traj_id: int
    task_id: str
    step: int
    prompt_ids: list[int]
    response_ids: list[int]
    logprobs: list[float]
    response: str
    action: str
    valid: bool
    state_key: str
    reward: float = 0.0
    #: Element centres that ``@N`` resolved to in this prompt (None: the prompt numbers no elements).
    marks: tuple[tuple[int, int], ...] | None = None
    #: Boxes ``(x0, y0, x1, y1)`` of the observation's elements in mark order (None: no accessibility tree), so that
    #: SL-GRPO's match can tell which element a click hits.
    boxes: tuple[tuple[int, int, int, int], ...] | None = None

    @property
    def images(self) -> tuple:
        """The screenshots the prompt shows a vision-language policy (carried by ``prompt_ids``, a
        :class:`~steprl_envs.agents.prompting.PromptIds`, so every rescoring of the row sees the same pixels)."""
        return tuple(getattr(self.prompt_ids, "images", ()))


@dataclass
class Trajectory:
    """A finished episode: its rows in step order, its final score and whether it succeeded."""

    traj_id: int
    task_id: str
    planned_task: str
    rows: list[StepRow] = field(default_factory=list)
    score: float = 0.0
    success: bool = False

    @property
    def ret(self) -> float:
        """The episode return used by group advantages: the score plus any per-step penalties."""
        return sum(r.reward for r in self.rows)


def state_key(obs: dict[str, Any]) -> str:
    """Hash of the raw observation without the instruction: text fields, and the screenshot only when no
    accessibility tree stands for it (exact pixels rarely repeat across rollouts)."""
    h = hashlib.sha1()
    for key in sorted(obs):
        value = obs[key]
        if key == "instruction" or (key == "screenshot" and obs.get("a11y_tree")):
            continue
        h.update(key.encode())
        if isinstance(value, np.ndarray):
            h.update(value.tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()[:16]


def episode_generator(seed: int) -> torch.Generator:
    """The sampling stream of one episode (CPU; the draws are moved to the model's device)."""
    return torch.Generator().manual_seed((int(seed) * 0x9E3779B1 + 0x5851F42D) % (2**63 - 1))


@dataclass
class RolloutStats:
    env_steps: int = 0
    episodes: int = 0
    errored: int = 0
    invalid_actions: int = 0
    generated_tokens: int = 0
    time_generate_s: float = 0.0


def make_pool(
    env_id: str,
    size: int,
    backend: str,
    ray_address: str,
    make_kwargs: dict[str, Any],
    ray_resources: dict[str, float] | None = None,
):
    """The env pool: in-process threads, local processes, or Ray actors anywhere in a cluster (``ray``)."""
    if backend == "ray":
        from steprl_envs.pool.ray_pool import RayPool

        return RayPool(env_id, size, address=ray_address or None, resources=ray_resources, **make_kwargs)
    return LocalPool(env_id, size, backend=backend, **make_kwargs)


class Roller:
    """Runs requested episodes of one env on a pool with a policy; keeps the pool open across iterations."""

    def __init__(
        self,
        env_id: str,
        policy: Policy,
        builder: PromptBuilder,
        *,
        pool_size: int = 8,
        backend: str = "thread",
        max_new_tokens: int = 32,
        temperature: float = 1.0,
        invalid_action_penalty: float = 0.0,
        make_kwargs: dict[str, Any] | None = None,
        engine=None,
        ray_address: str = "auto",
        ray_resources: dict[str, float] | None = None,
    ):
        self.pool = make_pool(env_id, pool_size, backend, ray_address, make_kwargs or {}, ray_resources)
        self.policy, self.builder = policy, builder
        #: What samples the responses (a :class:`trainers.engines.RolloutEngine`); None: the policy's own loop.
        self.engine = engine if engine is not None else policy
        self.max_new_tokens, self.temperature = max_new_tokens, temperature
        self.penalty = invalid_action_penalty
        self._next_traj = 0
        self._greedy = False
        #: ``progress(description, total)`` -> a bar with ``update(n)`` and ``close()`` (see trainers.tracking).
        self.progress = None

    def close(self) -> None:
        self.pool.close()

    def run(
        self, slots: list[tuple[str, str]], seed: int, greedy: bool = False, shared_start: bool = False
    ) -> tuple[list[Trajectory], RolloutStats]:
        """Run one episode per ``(planned_task, task_id)`` slot.

        Env seeds are ``seed + slot index``; with ``shared_start`` every slot of one task takes the seed of the
        task's first slot, so a group's rollouts start from the same state (the same layout in envs that draw one
        per seed), as group baselines and GiGPO's anchor states assume. Each episode samples from its own
        generator seeded by ``seed + slot index`` (restarted with a retried attempt), so rollouts of one start still
        differ. A round is reproducible on one machine: every poll returns all the episodes waiting for an action
        (the pool waits until none is busy), and they are generated in trajectory order, not in the order the envs
        finished, so each batch has the same rows in the same places. ``greedy`` decodes the most likely
        response (evaluation)."""
        stats = RolloutStats()
        self._greedy = greedy
        requests, first_slot = [], {}
        for k, (planned, task_id) in enumerate(slots):
            traj_id, self._next_traj = self._next_traj, self._next_traj + 1
            env_seed = seed + (first_slot.setdefault(task_id, k) if shared_start else k)
            requests.append(
                EpisodeRequest(
                    task_id=task_id, seed=env_seed, meta={"traj_id": traj_id, "planned": planned, "stream": seed + k}
                )
            )
        live: dict[str, tuple[Trajectory, History, str, torch.Generator]] = {}
        finished: list[Trajectory] = []
        self.pool.submit(requests)
        bar = self.progress("rollout", len(requests)) if self.progress else None
        while self.pool.pending:
            turns, results = self.pool.poll(min_ready=self.pool.size)
            if bar is not None and results:
                bar.update(len(results))
            for res in results:
                entry = live.pop(res.episode_id, None)
                if not res.ok or entry is None:
                    stats.errored += 1
                    continue
                traj = entry[0]
                self._close(traj, res.transitions, res.score, res.success, stats)
                finished.append(traj)
            if turns:
                self._act(turns, live, stats)
        if bar is not None:
            bar.close()
        stats.episodes = len(finished)
        return sorted(finished, key=lambda t: t.traj_id), stats

    def _act(self, turns, live, stats: RolloutStats) -> None:
        turns = sorted(turns, key=lambda turn: turn[0].request.meta["traj_id"])  # batch order fixed, see run()
        prompts = []
        for handle, obs, info in turns:
            req = handle.request
            if info.get("step", 0) == 0 or handle.episode_id not in live:
                traj = Trajectory(req.meta["traj_id"], req.task_id, req.meta["planned"])
                live[handle.episode_id] = (
                    traj,
                    History(),
                    handle.instruction or obs.get("instruction", ""),
                    episode_generator(req.meta["stream"]),
                )
            traj, history, instruction, _ = live[handle.episode_id]
            if traj.rows:  # the previous response's outcome is this observation
                history.add(traj.rows[-1].action or traj.rows[-1].response, self.builder.history_text(obs))
            prompts.append(
                (
                    self.builder.build(instruction, obs, history),
                    state_key(obs),
                    self.builder.marks(obs),
                    self.builder.boxes(obs),
                )
            )
        t0 = time.perf_counter()
        streams = [live[handle.episode_id][3] for handle, _, _ in turns]
        gens = self.engine.generate(
            [p[0] for p in prompts], self.max_new_tokens, self.temperature, generators=streams, greedy=self._greedy
        )
        stats.time_generate_s += time.perf_counter() - t0
        actions = {}
        for (handle, _, _), (prompt, key, centres, boxes), gen in zip(turns, prompts, gens, strict=True):
            traj = live[handle.episode_id][0]
            text = self.policy.decode(gen.response_ids)
            extracted = extract_action(text, self.builder.action_mode, centres)
            traj.rows.append(
                StepRow(
                    traj.traj_id,
                    traj.task_id,
                    len(traj.rows),
                    prompt,
                    gen.response_ids,
                    gen.logprobs,
                    text,
                    extracted.action,
                    extracted.valid,
                    key,
                    marks=centres,
                    boxes=boxes,
                )
            )
            stats.generated_tokens += len(gen.response_ids)
            actions[handle] = extracted.action or text
        self.pool.act(actions)

    def _close(self, traj: Trajectory, transitions, score: float, success: bool, stats: RolloutStats) -> None:
        """Attach rewards: the env's reward per step, minus the penalty for a step without a valid action."""
        for row, tr in zip(traj.rows, transitions, strict=False):
            bad = not row.valid or bool(tr.info.get("action_error"))
            row.reward = float(tr.reward) - (self.penalty if bad else 0.0)
            stats.invalid_actions += int(bad)
        traj.rows = traj.rows[: len(transitions)]
        traj.score, traj.success = float(score), bool(success)
        stats.env_steps += len(transitions)
