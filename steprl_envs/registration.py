"""Gymnasium registration of every steprl env id, with string entry points so that nothing heavy is imported."""

from __future__ import annotations

import gymnasium as gym

#: env id -> (entry point, default kwargs, nondeterministic, max_episode_steps).
#:
#: ``max_episode_steps`` is the longest budget a task of the id may have (OSWorld's official runs use 15, 50 or 100
#: steps; AndroidWorld gives 10 steps per unit of task complexity, up to 12). Each env ends its episodes itself at
#: the task's budget and scores them on that step, so Gymnasium's TimeLimit at this ceiling never cuts a scored
#: episode short; :func:`make` lifts it when ``max_steps`` asks for more.
ENVS: dict[str, tuple[str, dict, bool, int]] = {
    "steprl/Countdown-v0": ("steprl_envs.testing:CountdownEnv", {}, False, 15),
    "MockGUI-v0": ("steprl_envs.mock_gui.env:MockGUIEnv", {}, False, 30),
    "WebShop-v0": ("steprl_envs.webshop.env:WebShopEnv", {}, False, 15),
    "ALFWorld-v0": ("steprl_envs.alfworld.env:ALFWorldEnv", {}, False, 50),
    "OSWorld-v0": ("steprl_envs.osworld.env:OSWorldEnv", {}, True, 100),
    "AndroidWorld-v0": ("steprl_envs.android.env:AndroidWorldEnv", {"provider": "sim"}, True, 120),
}


def register_all() -> None:
    for env_id, (entry_point, kwargs, nondeterministic, max_episode_steps) in ENVS.items():
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point=entry_point,
                kwargs=kwargs,
                nondeterministic=nondeterministic,
                max_episode_steps=max_episode_steps,
                disable_env_checker=False,
            )


def make(env_id: str, **kwargs) -> gym.Env:
    """``gym.make`` whose TimeLimit follows a ``max_steps`` override, so the env, not the wrapper, ends (and
    scores) every episode. Pass ``max_episode_steps`` yourself to set the wrapper apart."""
    if kwargs.get("max_steps") is not None and "max_episode_steps" not in kwargs:
        kwargs["max_episode_steps"] = kwargs["max_steps"]
    return gym.make(env_id, **kwargs)
