"""The env the oracle agent plays: the evaluated env plus ``obs["oracle"]``, its scripted next action.

Pool workers only know env ids, so the oracle reaches them as an env id of its own, ``PRIVILEGED_ID``, with the real
id in ``env_id``. The wrapper reports the inner env's spec, so recordings name the real env. Any other agent gets
the plain env id and never sees the oracle.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium import spaces

from ..core import UnicodeText
from ..registration import make

PRIVILEGED_ID = "steprl_envs.eval.privileged:steprl-eval/Privileged-v0"


class OracleObservation(gym.Wrapper):
    def __init__(self, env: gym.Env):
        super().__init__(env)
        self._inner_spec = env.spec
        if isinstance(env.observation_space, spaces.Dict):
            self.observation_space = spaces.Dict({**env.observation_space.spaces, "oracle": UnicodeText()})

    @property
    def spec(self):  # gym.make overwrites the unwrapped env's spec with the privileged id; keep the real one
        return self._inner_spec

    def reset(self, **kwargs: Any):
        obs, info = self.env.reset(**kwargs)
        return self._with_oracle(obs), info

    def step(self, action: str):
        obs, reward, terminated, truncated, info = self.env.step(action)
        return (obs if terminated or truncated else self._with_oracle(obs)), reward, terminated, truncated, info

    def _with_oracle(self, obs: dict[str, Any]) -> dict[str, Any]:
        return {**obs, "oracle": self.env.unwrapped.oracle()}


def make_privileged(inner_id: str, **kwargs: Any) -> gym.Env:
    return OracleObservation(make(inner_id, **kwargs))


if "steprl-eval/Privileged-v0" not in gym.registry:
    gym.register("steprl-eval/Privileged-v0", entry_point=make_privileged, disable_env_checker=True)
