"""The desktop a metric is being scored for, for the few metrics that must run something inside it.

Metrics are pure functions of their inputs, except where OSWorld's metric executes code the agent wrote (a test
suite importing the agent's modules): that code must run in the desktop, never on this machine, so
:func:`~steprl_envs.osworld.evaluate.run_metric` publishes its context here while a metric runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .context import DesktopContext

_CURRENT: ContextVar[DesktopContext | None] = ContextVar("osworld_current_desktop", default=None)


@contextmanager
def scoring_on(ctx: DesktopContext) -> Iterator[None]:
    token = _CURRENT.set(ctx)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_desktop(metric: str) -> DesktopContext:
    ctx = _CURRENT.get()
    if ctx is None:
        raise RuntimeError(f"{metric} runs code inside a desktop and can only be scored by evaluate() on one")
    return ctx
