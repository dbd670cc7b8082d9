"""PDF metrics: text similarity, rendered pages and page count, read through PyMuPDF (OSWorld extracts text and
renders pages with it too, so scores match)."""

from __future__ import annotations

import operator

from . import METRICS
from .general import ratio


def _fitz():
    try:
        import pymupdf
    except ImportError as e:
        raise ImportError("this metric needs PyMuPDF: pip install 'steprl[osworld]'") from e
    return pymupdf


def pdf_text(path) -> str:
    """The text of every page, concatenated and stripped."""
    with _fitz().open(path) as doc:
        return "".join(page.get_text() for page in doc).strip()


def _pair_score(a, b) -> float:
    if not a or not b:
        return 0.0
    try:
        return ratio(pdf_text(a), pdf_text(b))
    except Exception:  # an unreadable file scores 0 for its pair, as in OSWorld
        return 0.0


@METRICS.register()
def compare_pdfs(pdf1_path, pdf2_path) -> float:
    """Mean fuzzy ratio of the texts of paired PDFs (one pair, or lists paired in order over the expected count)."""
    if not isinstance(pdf2_path, list):
        pdf1_path, pdf2_path = [pdf1_path], [pdf2_path]
    if not isinstance(pdf1_path, list):
        return 0.0
    if not pdf2_path:
        raise ValueError("compare_pdfs: no expected PDF")
    return sum(_pair_score(a, b) for a, b in zip(pdf1_path, pdf2_path, strict=False)) / len(pdf2_path)


def _pages(path) -> list[bytes]:
    """Each page's pixels rendered at 72 dpi in RGB (OSWorld compares these bytes only, not the page sizes)."""
    with _fitz().open(path) as doc:
        return [page.get_pixmap().samples for page in doc]


@METRICS.register()
def compare_pdf_images(pdf1_path, pdf2_path, **options) -> float:
    """The PDFs render to the same pages, pixel for pixel."""
    if not pdf1_path or not pdf2_path:
        return 0.0
    return float(_pages(pdf1_path) == _pages(pdf2_path))


@METRICS.register()
def check_pdf_pages(pdf_file, rules) -> float:
    """The page count against ``rules["ref_value"]`` by ``rules["relation"]`` (an ``operator`` name: eq, lt ...)."""
    if pdf_file is None:
        return 0.0
    relation = rules["relation"]
    if relation not in ("eq", "ne", "lt", "le", "gt", "ge"):
        raise ValueError(f"check_pdf_pages: unknown relation {relation!r}")
    with _fitz().open(pdf_file) as doc:
        count = doc.page_count
    return float(getattr(operator, relation)(count, rules["ref_value"]))
