"""Builders for OSWorld metric inputs: office files from small specs, so parity corpora stay readable.

``materialize`` turns a ``(kind, spec)`` tuple into a file (xlsx: sheet -> rows; pptx: slides of shapes; docx:
paragraphs of runs) and passes anything else through unchanged.
"""

from __future__ import annotations


def build_xlsx(path, sheets: dict) -> str:
    """``{sheet name: rows}``; a ``str`` cell is stored as text even when it looks like a number."""
    import openpyxl

    book = openpyxl.Workbook()
    for i, (name, rows) in enumerate(sheets.items()):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = name
        for row in rows:
            sheet.append(row)
    book.save(path)
    return str(path)


def build_docx(path, paragraphs: list) -> str:
    """Each paragraph is a string (one run) or a list of run texts."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        p = document.add_paragraph()
        for text in [paragraph] if isinstance(paragraph, str) else paragraph:
            p.add_run(text)
    document.save(path)
    return str(path)


def _png(path) -> str:
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(path)
    return str(path)


def _paragraph(p, spec: dict) -> None:
    from lxml import etree
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    p.level = spec.get("level", 0)
    if "align" in spec:
        p.alignment = getattr(PP_ALIGN, spec["align"])
    if "bullet" in spec:
        etree.SubElement(
            p._p.get_or_add_pPr(), "{http://schemas.openxmlformats.org/drawingml/2006/main}buChar", char=spec["bullet"]
        )
    for run_spec in spec.get("runs", []):
        run_spec = {"text": run_spec} if isinstance(run_spec, str) else run_spec
        run = p.add_run()
        run.text = run_spec["text"]
        font = run.font
        font.size = Pt(run_spec.get("size", 18))
        for attr in ("bold", "italic", "underline", "name"):
            if attr in run_spec:
                setattr(font, attr, run_spec[attr])
        if "color" in run_spec:
            font.color.rgb = RGBColor.from_string(run_spec["color"])
        if run_spec.get("strike"):
            font._rPr.set("strike", "sngStrike")


def _shape(slide, spec: dict, folder) -> None:
    """``kind``: text (default), table, picture or freeform; ``box``: left, top, width, height in EMU."""
    left, top, width, height = spec.get("box", (914400, 914400, 3657600, 914400))
    kind = spec.get("kind", "text")
    if kind == "table":
        slide.shapes.add_table(2, 2, left, top, width, height)
    elif kind == "picture":
        slide.shapes.add_picture(_png(folder / "pixel.png"), left, top, width, height)
    elif kind == "freeform":
        builder = slide.shapes.build_freeform(left, top, scale=1.0)
        builder.add_line_segments([(left + width, top), (left + width, top + height)])
        builder.convert_to_shape()
    else:
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        for i, paragraph in enumerate(spec.get("paragraphs", [])):
            _paragraph(frame.paragraphs[0] if i == 0 else frame.add_paragraph(), paragraph)


def build_pptx(path, slides: list) -> str:
    """Each slide: ``{"shapes": [...], "notes": str, "background": "RRGGBB"}`` on the blank layout."""
    import pptx
    from pptx.dml.color import RGBColor

    deck = pptx.Presentation()
    for spec in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        for shape in spec.get("shapes", []):
            _shape(slide, shape, path.parent)
        if "notes" in spec:
            slide.notes_slide.notes_text_frame.text = spec["notes"]
        if "background" in spec:
            slide.background.fill.solid()
            slide.background.fill.fore_color.rgb = RGBColor.from_string(spec["background"])
    deck.save(path)
    return str(path)


BUILDERS = {"xlsx": build_xlsx, "docx": build_docx, "pptx": build_pptx}


def text(*runs, **paragraph) -> dict:
    """A text-box spec holding one paragraph of ``runs``."""
    return {"paragraphs": [{"runs": list(runs), **paragraph}]}


def one_slide(*shapes, **slide) -> list:
    return [{"shapes": list(shapes), **slide}]


def materialize(value, folder, name: str):
    """A ``(kind, spec)`` tuple becomes a file in ``folder``; anything else is passed as is."""
    if isinstance(value, tuple) and value and value[0] in BUILDERS:
        kind, spec = value
        return BUILDERS[kind](folder / f"{name}.{kind}", spec)
    return value
