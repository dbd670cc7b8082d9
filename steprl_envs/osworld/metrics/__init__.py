"""OSWorld's metrics by OSWorld's names and signatures: ``metric(result, expected, **options) -> float``.

``result`` and ``expected`` are what the task's getters returned (a local file path, a string, a dict ...). Metrics
are pure functions of those values; a missing result file (``None``) scores 0. Office formats load python-docx,
python-pptx and openpyxl only when such a metric runs (``pip install 'steprl[osworld]'``).
"""

from __future__ import annotations

from ..registry import NameRegistry

METRICS = NameRegistry("metric")

# they register themselves
from . import (  # noqa: E402,F401
    chrome,
    desktop_checks,
    files,
    general,
    images,
    media,
    office,
    python_suite,
    slides,
    table,
    thunderbird,
    vlc,
)


def infeasible() -> float:
    """OSWorld's marker for tasks that cannot be done: the evaluator scores them by the last action (FAIL -> 1)."""
    return 0.0


METRICS.register("infeasible")(infeasible)

from . import docs_format, epub, lo_config, ocr, pdf, slides_checks  # noqa: E402,F401

__all__ = ["METRICS", "infeasible"]
