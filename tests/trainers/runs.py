"""The options of a small training run with the tiny model, shared by the tests that drive ``steprl train``."""

from __future__ import annotations

from typing import Any

#: A few seconds per iteration: 2 tasks x 2 rollouts of at most 2 steps, short prompts and responses.
TINY_RUN: dict[str, Any] = {
    "model": "tiny",
    "batch_tasks": 2,
    "group_size": 2,
    "max_env_steps": 2,
    "pool_size": 2,
    "max_new_tokens": 6,
    "max_prompt_tokens": 256,
}


def cli_options(**fields: Any) -> list[str]:
    """``TINY_RUN`` updated with ``fields``, as command-line options (``max_env_steps=3`` -> ``--max-env-steps 3``)."""
    return [x for k, v in {**TINY_RUN, **fields}.items() for x in (f"--{k.replace('_', '-')}", str(v))]
