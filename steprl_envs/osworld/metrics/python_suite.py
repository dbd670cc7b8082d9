"""``check_python_file_by_test_suite``: a task's test suite run against the agent's Python files, in the desktop.

OSWorld imports the test file into its own evaluator process, and the suite imports the agent's modules. Here
nothing of that runs on this machine: the agent's files (the result getter's copies) and the test file are
uploaded to a fresh folder in the desktop, the suite runs there with ``python3`` (that folder as working directory
and first import path), and only its one-line verdict comes back. A suite that cannot be imported, lacks the
function, raises, returns a falsy value or runs past the timeout scores 0.
"""

from __future__ import annotations

import os
import uuid

from ...desktop.errors import DesktopRequestError
from ..current import current_desktop
from . import METRICS

SUITE_TIMEOUT_S = 120.0
_VERDICT = "OSWORLD-TEST-SUITE-VERDICT:"
_RUNNER = f"""
import importlib.util, os, sys
folder, test_file, function = sys.argv[1:4]
os.chdir(folder)
sys.path.insert(0, folder)
spec = importlib.util.spec_from_file_location("dynamic_module", test_file)
module = importlib.util.module_from_spec(spec)
sys.modules["dynamic_module"] = module
spec.loader.exec_module(module)
test = getattr(module, function)
try:
    passed = bool(test())
except Exception:
    passed = False
print({_VERDICT!r} + ("1" if passed else "0"), flush=True)
os._exit(0)
"""


def _as_paths(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


@METRICS.register()
def check_python_file_by_test_suite(actual_files, test_file, **options) -> float:
    if not test_file or any(p is None for p in _as_paths(actual_files)):
        return 0.0
    ctx = current_desktop("check_python_file_by_test_suite")
    folder = f"/tmp/osworld-test-suite-{uuid.uuid4().hex[:12]}"
    try:
        for path in [*_as_paths(actual_files), test_file]:
            with open(path, "rb") as f:
                ctx.client.upload(f"{folder}/{os.path.basename(path)}", f.read())
        run = ctx.client.execute(
            [
                "python3",
                "-c",
                _RUNNER,
                folder,
                f"{folder}/{os.path.basename(test_file)}",
                str(options.get("test_function_name", "test")),
            ],
            timeout=SUITE_TIMEOUT_S,
        )
    except DesktopRequestError as e:  # the suite ran past the timeout, or the desktop refused the files
        ctx.log.append(f"check_python_file_by_test_suite: {e}")
        return 0.0
    finally:
        ctx.client.execute(["rm", "-rf", folder], timeout=30)
    lines = str(run.get("output") or "").splitlines()
    if not lines or not lines[-1].startswith(_VERDICT):
        ctx.log.append(f"check_python_file_by_test_suite: no verdict ({str(run.get('error') or '')[-300:]})")
        return 0.0
    return float(lines[-1] == _VERDICT + "1")
