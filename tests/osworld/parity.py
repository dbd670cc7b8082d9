"""Running a parity case: ``(id, metric, result, expected, options, official score)``, inputs built by
builders_docs. ``OFFICIAL_ERROR`` marks inputs on which OSWorld's code raises: ours must raise a clear error too or
score 0 (an evaluation that errors scores 0)."""

from __future__ import annotations

import pytest

from steprl_envs.osworld.metrics import METRICS
from tests.osworld.builders_docs import build

OFFICIAL_ERROR = "error"
#: input kind -> the module its builder needs
BUILDER_NEEDS = {
    "doc": "docx",
    "deck": "pptx",
    "pdf": "fpdf",
    "xlsx": "openpyxl",
    "epub": "lxml",
    "zip": "fpdf",
    "tgz": "fpdf",
}


def run_case(case, folder):
    """Our score for a case (files built in ``folder``)."""
    _, metric, result, expected, options, _ = case
    args = [build(result, folder, "result")]
    if expected is not None:
        args.append(build(expected, folder, "expected"))
    return METRICS.get(metric)(*args, **options)


def skip_without(case, *modules: str) -> None:
    """Skip when a library the case's builders (or ``modules``) need is missing."""
    values = [v for v in case[2:4] for v in (v if isinstance(v, list) else [v])]
    needed = {BUILDER_NEEDS[v[0]] for v in values if isinstance(v, tuple) and v and v[0] in BUILDER_NEEDS}
    for module in sorted(needed | set(modules)):
        pytest.importorskip(module)


def check_case(case, folder) -> None:
    """Our score equals the official literal (or, for ``OFFICIAL_ERROR``, a clear error or 0)."""
    score = case[-1]
    if score == OFFICIAL_ERROR:
        try:
            assert run_case(case, folder) == 0.0
        except (ValueError, TypeError, KeyError):
            pass
        return
    assert run_case(case, folder) == pytest.approx(score, abs=1e-9)
