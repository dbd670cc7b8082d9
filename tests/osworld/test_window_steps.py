"""activate_window / close_window setup steps behave as OSWorld's: no matching window is logged, not fatal."""

from __future__ import annotations

import pytest

from steprl_envs.desktop.errors import DesktopRequestError
from steprl_envs.osworld.context import DesktopContext
from steprl_envs.osworld.setup import SetupError, run_steps


class WindowClient:
    """Answers window requests with a given HTTP status, as the control server does."""

    def __init__(self, status: int):
        self.status, self.calls = status, []

    def _answer(self, name, strict=False, by_class=False):
        self.calls.append((name, strict, by_class))
        if self.status != 200:
            raise DesktopRequestError("docker", f"failed with HTTP {self.status}", status=self.status)

    def activate_window(self, name, strict=False, by_class=False):
        self._answer(name, strict, by_class)

    def close_window(self, name, strict=False, by_class=False):
        self._answer(name, strict, by_class)


STEPS = [
    {"type": "activate_window", "parameters": {"window_name": "Terminal"}},
    {"type": "close_window", "parameters": {"window_name": "Mail.thunderbird", "by_class": True}},
]


def test_a_window_that_is_not_there_is_logged_and_the_setup_goes_on():
    ctx = DesktopContext(client=WindowClient(404))
    run_steps(ctx, STEPS, "config")
    assert ctx.client.calls == [("Terminal", False, False), ("Mail.thunderbird", False, True)]
    assert ctx.log == [
        "activate_window: no window matches 'Terminal'; going on, as OSWorld does",
        "close_window: no window matches 'Mail.thunderbird'; going on, as OSWorld does",
    ]


def test_a_found_window_logs_nothing_and_other_failures_still_end_the_setup():
    ctx = DesktopContext(client=WindowClient(200))
    run_steps(ctx, STEPS, "config")
    assert ctx.log == []
    with pytest.raises(SetupError, match="HTTP 500"):
        run_steps(DesktopContext(client=WindowClient(500)), STEPS, "config")
