"""OSWorld's general, file and VS Code metrics against the scores OSWorld's own metric code gave on the same inputs
(``corpus_general_values.py``, ``corpus_general_files.py``)."""

from __future__ import annotations

import pytest

from steprl_envs.osworld.metrics import METRICS
from tests.osworld import corpus_general_files, corpus_general_values
from tests.osworld.parity import OFFICIAL_ERROR

#: the libraries a metric's cases need (skipped where one is not installed)
NEEDS = {
    "compare_docx_files_and_ignore_new_lines": ("docx",),
    "compare_zip_files": ("fpdf", "pymupdf"),
    "check_json": ("yaml",),
}
CASES = [(case, corpus_general_values) for case in corpus_general_values.CASES] + [
    (case, corpus_general_files) for case in corpus_general_files.CASES
]


def _score(case, corpus, folder) -> float:
    _, metric, result, expected, options, _ = case
    build = getattr(corpus, "build", lambda value, folder, name: value)
    args = [build(result, folder, "result")]
    if expected is not None:
        args.append(build(expected, folder, "expected"))
    return METRICS.get(metric)(*args, **options)


def test_ids_are_unique_and_each_metric_has_five_cases():
    ids = [case[0] for case, _ in CASES]
    assert len(ids) == len(set(ids))
    per_metric: dict[str, int] = {}
    for case, _ in CASES:
        per_metric[case[1]] = per_metric.get(case[1], 0) + 1
    # fuzzy_match's other cases are in test_metric_parity.py
    assert {metric: n for metric, n in per_metric.items() if n < 5} == {"fuzzy_match": 2}


@pytest.mark.parametrize(("case", "corpus"), CASES, ids=[case[0] for case, _ in CASES])
def test_matches_official(case, corpus, tmp_path):
    for module in NEEDS.get(case[1], ()):
        pytest.importorskip(module)
    official = case[-1]
    if official == OFFICIAL_ERROR:  # OSWorld's metric raises; the task scores 0 either way
        try:
            score = _score(case, corpus, tmp_path)
        except Exception:  # noqa: BLE001 - an error scores 0 too
            score = 0.0
        assert score == 0.0
        return
    assert _score(case, corpus, tmp_path) == pytest.approx(official, abs=1e-9)
