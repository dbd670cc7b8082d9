"""Office document metrics: ``compare_docx_files`` (python-docx), ``compare_pptx_files`` (python-pptx),
``check_file_exists`` and ``compare_docx_files_and_ignore_new_lines``. The libraries load only when a metric runs."""

from __future__ import annotations

import os
import re

from . import METRICS
from .general import ratio


def _need(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"this metric needs {package}: pip install 'steprl[osworld]'") from e


def _paragraphs(path: str) -> list[str] | None:
    docx = _need("docx", "python-docx")
    try:
        return [p.text for p in docx.Document(path).paragraphs]
    except Exception:  # not a docx (or a broken one): the caller scores 0
        return None


@METRICS.register()
def compare_docx_files(file1, file2, **options) -> float:
    """Paragraph texts equal. Options: ``ignore_blanks`` (default True), ``ignore_case``, ``ignore_order``,
    ``content_only`` (fuzzy ratio of the whole text), ``delete_empty_lines``."""
    if not file1 or not file2:
        return 0.0
    a, b = _paragraphs(file1), _paragraphs(file2)
    if a is None or b is None:
        return 0.0
    if options.get("delete_empty_lines", False):
        a, b = [p for p in a if p.strip()], [p for p in b if p.strip()]
    if options.get("ignore_case", False):
        a, b = [p.lower() for p in a], [p.lower() for p in b]
    if options.get("ignore_order", False):
        a, b = sorted(a), sorted(b)
    if options.get("content_only", False):
        return ratio("\n".join(a), "\n".join(b))
    if options.get("ignore_blanks", True):
        a = [re.sub(r"\s+", " ", p).strip() for p in a]
        b = [re.sub(r"\s+", " ", p).strip() for p in b]
        return float(" ".join(a).split() == " ".join(b).split() and len([p for p in a if p]) == len(
            [p for p in b if p]))
    return float(a == b)


@METRICS.register()
def compare_docx_files_and_ignore_new_lines(file1, file2, **options) -> float:
    if not file1 or not file2:
        return 0.0
    a, b = _paragraphs(file1), _paragraphs(file2)
    if a is None or b is None:
        return 0.0
    a, b = [p for p in a if p.strip()], [p for p in b if p.strip()]
    if options.get("ignore_blanks", True):
        return float(" ".join(" ".join(a).split()) == " ".join(" ".join(b).split()))
    return float(a == b)


@METRICS.register()
def check_file_exists(directory, file_name) -> float:
    return float(bool(directory) and os.path.isfile(os.path.join(directory, file_name)))


def _runs(shape):
    for paragraph in shape.text_frame.paragraphs:
        yield from paragraph.runs


def _color(font):
    try:
        return str(font.color.rgb) if font.color and font.color.type is not None else None
    except AttributeError:
        return None


@METRICS.register()
def compare_pptx_files(file1, file2, **options) -> float:
    """Slides, shapes and text runs equal; by default also shape geometry and run fonts (name, size, bold,
    italic, underline, colour) and paragraph alignment. Each ``examine_*`` option (e.g.
    ``examine_shape=False``, ``examine_font_size=False``) turns one check off."""
    if not file1 or not file2:
        return 0.0
    pptx = _need("pptx", "python-pptx")
    try:
        a, b = pptx.Presentation(file1), pptx.Presentation(file2)
    except Exception:
        return 0.0

    def on(name: str) -> bool:
        return bool(options.get(f"examine_{name}", True))

    if on("number_of_slides") and len(a.slides) != len(b.slides):
        return 0.0
    for slide_a, slide_b in zip(a.slides, b.slides, strict=False):
        shapes_a, shapes_b = list(slide_a.shapes), list(slide_b.shapes)
        if len(shapes_a) != len(shapes_b):
            return 0.0
        for sa, sb in zip(shapes_a, shapes_b, strict=True):
            if on("shape") and (sa.left, sa.top, sa.width, sa.height) != (sb.left, sb.top, sb.width, sb.height):
                return 0.0
            if sa.has_text_frame != sb.has_text_frame:
                return 0.0
            if not sa.has_text_frame:
                continue
            if sa.text_frame.text.strip() != sb.text_frame.text.strip():
                return 0.0
            paragraphs_a, paragraphs_b = sa.text_frame.paragraphs, sb.text_frame.paragraphs
            if on("alignment") and [p.alignment for p in paragraphs_a] != [p.alignment for p in paragraphs_b]:
                return 0.0
            runs_a, runs_b = list(_runs(sa)), list(_runs(sb))
            if len(runs_a) != len(runs_b):
                return 0.0
            for ra, rb in zip(runs_a, runs_b, strict=True):
                if ra.text != rb.text:
                    return 0.0
                fa, fb = ra.font, rb.font
                checks = (("font_name", fa.name, fb.name), ("font_size", fa.size, fb.size),
                          ("font_bold", fa.bold, fb.bold), ("font_italic", fa.italic, fb.italic),
                          ("font_underline", fa.underline, fb.underline),
                          ("font_color", _color(fa), _color(fb)))
                if any(on(name) and x != y for name, x, y in checks):
                    return 0.0
    return 1.0
