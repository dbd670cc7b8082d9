"""The setup controller: OSWorld's ``config`` steps (and ``evaluator.postconfig``), one function per step type.

A step is ``{"type": name, "parameters": {...}}``; :data:`STEPS` maps the type to a function
``step(ctx, **parameters)``. Parameters are mapped from the official VM's ``/home/user`` to the desktop's home
first. A step that fails raises :class:`SetupError` naming the step; a type that is not registered makes the task
unsupported before anything runs (see :func:`steprl_envs.osworld.tasks.requirements`).

Failures. OSWorld's controller only logs most failures (a command's exit status, an ``open`` of a missing file, a
launch that dies) and goes on, so a task then fails for a reason nobody sees. Here a step fails the setup, with a
message that names the step's index and type, the command, the exit status and the tail of its output, when:

* ``execute``/``command`` exits non-zero (in ``config``; in ``postconfig`` that is only logged, see
  :func:`run_steps`), unless the step is visibly best-effort (:func:`best_effort`): it saves
  its ``stdout``/``stderr`` for the evaluator (a probe such as ``diff`` or ``grep``, whose status is the metric's
  business), it only runs ``pkill``/``killall`` (status 1 when nothing matched), its shell text ends in
  ``|| true``, ``|| :`` or ``|| exit 0``, or it is one of :data:`EXPECTED_NONZERO`, official commands that fail on
  OSWorld's own VM by design;
* ``execute``/``command`` with ``until`` never meets the condition within ``timeout`` seconds (default 30; OSWorld
  gives up silently after five tries). Bundled tasks use this as a readiness check in place of fixed sleeps;
* ``launch`` cannot start the program, or (on this package's desktops) the program dies with a non-zero status
  within :data:`LAUNCH_CHECK_S` (``pkill``/``killall`` excepted);
* ``open`` names a file the desktop lacks or no window shows it; ``download`` cannot get the file (OSWorld fails
  here too) or cannot upload it.

Other differences from OSWorld's controller, on purpose:
* ``sleep`` is honoured but capped at :data:`MAX_SLEEP_S`.
* ``download`` reads a local cache or file URL first (:mod:`steprl_envs.osworld.sources`).
"""

from __future__ import annotations

import os
import re
import shlex
import time
from typing import Any

from . import sources
from .context import DesktopContext
from .registry import NameRegistry

STEPS = NameRegistry("setup step type")
MAX_SLEEP_S = 30.0
UNTIL_TIMEOUT_S = 30.0
UNTIL_INTERVAL_S = 0.1
#: Seconds a launched program must survive (on this package's desktops) for ``launch`` to count as done.
LAUNCH_CHECK_S = 0.5
#: Programs whose non-zero exit means "nothing to do": no process matched.
BEST_EFFORT_PROGRAMS = frozenset({"pkill", "killall"})
#: Official setup commands that exit non-zero on OSWorld's own VM too, by design of their task.
EXPECTED_NONZERO = {
    "mkdir /home/test1": "it runs as the VM's user, who may not write /home: it fails there too",
    "echo password | sudo -S su - charles": "user charles does not exist: the task is infeasible by design",
}
_SHELLS = ("sh", "bash", "dash")
_OR_TRUE = re.compile(r"\|\|\s*(true|:|exit\s+0)\s*;?\s*$")
OUTPUT_TAIL = 600


class SetupError(RuntimeError):
    """A setup (or postconfig) step failed; ``index`` and ``step_type`` say which."""

    def __init__(self, index: int, step_type: str, message: str):
        self.index, self.step_type = index, step_type
        super().__init__(f"setup step {index} ({step_type}) failed: {message}")


def run_steps(ctx: DesktopContext, steps: list[dict] | None, what: str = "config") -> None:
    """Run steps in order; the first failure raises :class:`SetupError`. In ``postconfig`` (run before scoring) a
    command's non-zero exit goes to ``ctx.log`` and the steps go on, as in OSWorld: whether ``tar -zcf out.tar.gz
    *.pdf`` works there depends on what the agent did, and the metric is what judges that."""
    for i, step in enumerate(steps or []):
        kind = step.get("type") if isinstance(step, dict) else None
        if kind not in STEPS:
            raise SetupError(i, str(kind), f"unknown {what} step type {kind!r}")
        params = step.get("parameters") or {}
        if not isinstance(params, dict):
            raise SetupError(i, kind, "parameters must be an object")
        try:
            STEPS.get(kind)(ctx, **ctx.vm(params))
        except SetupError:
            raise
        except CommandFailed as e:
            if what != "postconfig":
                raise SetupError(i, kind, str(e)) from None
            ctx.log.append(f"postconfig step {i} ({kind}): {e}")
        except TypeError as e:
            raise SetupError(i, kind, f"bad parameters: {e}") from None
        except Exception as e:  # a failing step ends the setup with its reason, whatever the cause
            raise SetupError(i, kind, str(e) if isinstance(e, StepFailed) else f"{type(e).__name__}: {e}") from e


def placeholders(ctx: DesktopContext, value: Any) -> Any:
    """OSWorld's command placeholders: ``{CLIENT_PASSWORD}``, ``{SCREEN_WIDTH}``, ``{SCREEN_HEIGHT}`` and the
    ``_HALF`` variants."""
    if isinstance(value, list):
        return [placeholders(ctx, v) for v in value]
    if not isinstance(value, str):
        return value
    width, height = ctx.screen
    for key, sub in (
        ("{CLIENT_PASSWORD}", ctx.client_password),
        ("{SCREEN_WIDTH_HALF}", str(width // 2)),
        ("{SCREEN_HEIGHT_HALF}", str(height // 2)),
        ("{SCREEN_WIDTH}", str(width)),
        ("{SCREEN_HEIGHT}", str(height)),
    ):
        value = value.replace(key, sub)
    return value


def shell_text(command) -> tuple[str, list[str] | None]:
    """The command as shell text (a string, or the script of ``bash -c SCRIPT``) and as argv when it is one."""
    if isinstance(command, list):
        words = [str(c) for c in command]
        if len(words) >= 3 and os.path.basename(words[0]) in _SHELLS and words[1] == "-c":
            return words[2], None
        return shlex.join(words), words
    return str(command), None


def best_effort(command, stdout: str = "", stderr: str = "") -> str | None:
    """Why a non-zero exit of this ``execute``/``command``/``launch`` step is no failure, or None when it is one."""
    if stdout or stderr:
        return "its output is saved for the evaluator"
    text, argv = shell_text(command)
    if argv is None:
        try:
            argv = shlex.split(text) if not re.search(r"[;&|<>`$\n]", text) else None
        except ValueError:
            argv = None
    if argv and os.path.basename(argv[0]) in BEST_EFFORT_PROGRAMS:
        return f"{os.path.basename(argv[0])} exits 1 when no process matched"
    if _OR_TRUE.search(text):
        return "it ends in || true"
    if text.strip() in EXPECTED_NONZERO:
        return EXPECTED_NONZERO[text.strip()]
    return None


def _tail(result: dict) -> str:
    """The end of stderr, then of stdout (stderr usually says why; OUTPUT_TAIL characters in all)."""
    err, out = (result.get("error") or "").strip(), (result.get("output") or "").strip()
    if err and out:
        return f"{err[-(OUTPUT_TAIL * 2 // 3) :]}\nstdout: {out[-(OUTPUT_TAIL // 3) :]}"
    return (err or out)[-OUTPUT_TAIL:] or "(no output)"


class StepFailed(RuntimeError):
    """A step's own failure whose message says all (no exception type name is added to it)."""


class CommandFailed(StepFailed):
    """A setup command exited non-zero; the message carries the command, the status and the output's tail."""

    def __init__(self, command, result: dict):
        self.command, self.returncode = command, result.get("returncode")
        text = shell_text(command)[0]
        super().__init__(f"{text!r} exited with status {self.returncode}: {_tail(result)}")


# -- files -------------------------------------------------------------------------------------------------------
@STEPS.register("download")
def download(ctx: DesktopContext, files: list[dict]) -> None:
    for item in files:
        url, path = item["url"], item["path"]
        if not url or not path:
            raise ValueError(f"download needs a url and a path, got {item!r}")
        data = sources.fetch(ctx, url, sources.download_name(url, path), aliases=(os.path.basename(path),))
        ctx.client.upload(path, data)


@STEPS.register("upload_file")
def upload_file(ctx: DesktopContext, files: list[dict]) -> None:
    for item in files:
        with open(sources.local_path(ctx, item["local_path"]), "rb") as f:
            ctx.client.upload(item["path"], f.read())


@STEPS.register("open")
def open_file(ctx: DesktopContext, path: str, timeout: float = 60.0) -> None:
    ctx.client.open_file(path, timeout=timeout)


# -- processes ---------------------------------------------------------------------------------------------------
@STEPS.register("launch")
def launch(ctx: DesktopContext, command, shell: bool = False) -> None:
    if not command:
        raise ValueError("empty command to launch")
    command = placeholders(ctx, command)
    if not shell and isinstance(command, str):
        command = command.split()  # as OSWorld's controller does
    ctx.client.launch(command, shell=shell, check_s=0.0 if best_effort(command) else LAUNCH_CHECK_S)


def _satisfied(result: dict, until: dict) -> bool:
    return (
        ("returncode" in until and result.get("returncode") == until["returncode"])
        or ("stdout" in until and until["stdout"] in (result.get("output") or ""))
        or ("stderr" in until and until["stderr"] in (result.get("error") or ""))
    )


@STEPS.register("execute", "command")
def execute(
    ctx: DesktopContext,
    command,
    shell: bool = False,
    stdout: str = "",
    stderr: str = "",
    until: dict | None = None,
    timeout: float = UNTIL_TIMEOUT_S,
) -> None:
    if not command:
        raise ValueError("empty command to execute")
    command = placeholders(ctx, command)
    deadline = time.monotonic() + float(timeout)
    while True:
        result = ctx.client.execute(command, shell=shell, timeout=max(1.0, float(timeout)))
        if not until or _satisfied(result, until):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{command!r} did not reach {until} within {timeout:g} s (last: returncode "
                f"{result.get('returncode')}, output {str(result.get('output'))[-200:]!r})"
            )
        time.sleep(UNTIL_INTERVAL_S)
    for name, key in ((stdout, "output"), (stderr, "error")):
        if name:
            with open(ctx.cache_path(name), "w", encoding="utf-8") as f:
                f.write(result.get(key) or "")
    if not until and result.get("returncode", 0) != 0 and not best_effort(command, stdout, stderr):
        raise CommandFailed(command, result)


@STEPS.register("sleep")
def sleep(ctx: DesktopContext, seconds: float) -> None:
    time.sleep(min(max(0.0, float(seconds)), MAX_SLEEP_S))


# -- windows -----------------------------------------------------------------------------------------------------
def _window_step(ctx: DesktopContext, act, window_name: str, strict: bool, by_class: bool) -> None:
    """OSWorld's Linux server answers 200 whether wmctrl matched a window or not, and its setup only logs a
    failure: a window that is not there (a terminal titled ``user@host: ~`` for "Terminal") does not end the setup."""
    from ..desktop.errors import DesktopRequestError

    try:
        act(window_name, strict=strict, by_class=by_class)
    except DesktopRequestError as e:
        if e.status != 404:
            raise
        ctx.log.append(f"{act.__name__}: no window matches {window_name!r}; going on, as OSWorld does")


@STEPS.register("activate_window")
def activate_window(ctx: DesktopContext, window_name: str, strict: bool = False, by_class: bool = False) -> None:
    _window_step(ctx, ctx.client.activate_window, window_name, strict, by_class)


@STEPS.register("close_window")
def close_window(ctx: DesktopContext, window_name: str, strict: bool = False, by_class: bool = False) -> None:
    _window_step(ctx, ctx.client.close_window, window_name, strict, by_class)


@STEPS.register("change_wallpaper")
def change_wallpaper(ctx: DesktopContext, path: str) -> None:
    """The server's ``/setup/change_wallpaper`` (official VM); elsewhere GNOME's setting through gsettings."""
    from ..desktop.errors import DesktopRequestError

    try:
        ctx.client.request("POST", "/setup/change_wallpaper", json_body={"path": path}, idempotent=False)
        return
    except DesktopRequestError as e:
        if e.status != 404:
            raise
    if ctx.client.get_file(path) is None:
        raise FileNotFoundError(f"wallpaper {path} is not on the desktop")
    result = ctx.client.execute(["gsettings", "set", "org.gnome.desktop.background", "picture-uri", f"file://{path}"])
    if result.get("returncode") != 0:
        raise RuntimeError(
            "this desktop has neither /setup/change_wallpaper nor a working gsettings: "
            + (result.get("error") or "")[-200:]
        )


from . import setup_chrome  # noqa: E402,F401  (registers the Chrome steps)
