"""Builders for Writer, Impress, PDF and e-book metric inputs, from small specs (beside builders.py's plain ones).

``build(value, folder, name)`` turns a ``(kind, spec)`` tuple into a file and passes anything else through:

- ``doc``: ``{"blocks": [...], "footers": [...], "landscape": bool}``; a block is a string (one run), a
  paragraph dict (``runs``, ``align``, ``spacing``, ``tabs``: ``[(inches, alignment)]``), ``{"table": rows}``
  (a cell is a string or a list of run dicts) or ``{"image": colour}``. A run is a string or a dict with
  ``text``, ``italic``, ``size``, ``subscript``, ``strike``, ``color`` (RRGGBB), ``font``, ``break`` (PAGE, LINE ...).
- ``odt``: ``{"paragraphs": [(text, style name or "")], "styles": {name: background colour}}``.
- ``deck``: a pptx from builders.py's slide specs plus ``size`` (width, height EMU), ``backgrounds``
  (per slide: RRGGBB, "inherit" or None), ``master`` (RRGGBB), ``transitions`` ({slide index: XML}),
  ``master_colors`` (RRGGBB values appended to the master as solid fills), ``picture`` (left, top, w, h EMU).
- ``pdf``: pages of text lines (fpdf2, Helvetica).
- ``epub``: ``{name: text}`` members of a zip.
- ``("file", extension, content)``: a plain file (text or bytes).
- ``zip`` / ``tgz``: ``{relative name: buildable value or text}`` packed into an archive.
- ``png``: ``{"size": (w, h), "paper": colour, "ink": colour, "dark": (left, top, right, bottom),
  "lines": [(x, y, text, font size)]}`` (Pillow's bundled font).
"""

from __future__ import annotations

import io
import zipfile

from tests.osworld.builders import build_pptx, build_xlsx


def _png_bytes(colour: str, size=(8, 6)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _run(paragraph, spec) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    spec = {"text": spec} if isinstance(spec, str) else spec
    run = paragraph.add_run(spec.get("text", ""))
    if "break" in spec:
        run.add_break(getattr(WD_BREAK, spec["break"]))
    for key in ("italic", "bold", "strike", "subscript"):
        if key in spec:
            setattr(run.font, key, spec[key])
    if "size" in spec:
        run.font.size = Pt(spec["size"])
    if "color" in spec:
        run.font.color.rgb = RGBColor.from_string(spec["color"])
    if "font" in spec:
        run.font.name = spec["font"]


def _paragraph(document, spec) -> None:
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
    from docx.shared import Inches

    if isinstance(spec, str):
        document.add_paragraph(spec)
        return
    if "table" in spec:
        rows = spec["table"]
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                target = table.cell(i, j).paragraphs[0]
                for run in [cell] if isinstance(cell, str) else cell:
                    _run(target, run)
        return
    if "image" in spec:
        document.add_picture(io.BytesIO(_png_bytes(spec["image"])), width=Inches(1))
        return
    p = document.add_paragraph()
    for run in spec.get("runs", []):
        _run(p, run)
    if "align" in spec:
        p.paragraph_format.alignment = getattr(WD_PARAGRAPH_ALIGNMENT, spec["align"])
    if "spacing" in spec:
        p.paragraph_format.line_spacing = spec["spacing"]
    for inches, alignment in spec.get("tabs", []):
        p.paragraph_format.tab_stops.add_tab_stop(Inches(inches), getattr(WD_TAB_ALIGNMENT, alignment))


def build_doc(path, spec: dict) -> str:
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document()
    for block in spec.get("blocks", []):
        _paragraph(document, block)
    for i, footer in enumerate(spec.get("footers", [])):
        section = document.sections[0] if i == 0 else document.add_section()
        if footer is not None:
            section.footer.is_linked_to_previous = False
            section.footer.paragraphs[0].text = footer
    if spec.get("landscape"):
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.save(path)
    return str(path)


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def build_odt(path, spec: dict) -> str:
    """A minimal Writer document: paragraphs whose text sits in one span each (styled or not)."""
    styles = "".join(
        f'<style:style style:name="{name}" style:family="text">'
        f'<style:text-properties fo:background-color="{colour}"/></style:style>'
        for name, colour in spec.get("styles", {}).items()
    )
    body = "".join(
        f'<text:p><text:span text:style-name="{style}">{text}</text:span></text:p>'
        if style
        else f"<text:p><text:span>{text}</text:span></text:p>"
        for text, style in spec["paragraphs"]
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODT_NS}>'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", _MANIFEST)
        z.writestr("content.xml", content)
        z.writestr("styles.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_ODT_NS}/>')
    return str(path)


def _rewrite_zip(path, edits: dict) -> None:
    """Replace members of a zip (``{name: function(old text) -> new text}``)."""
    with zipfile.ZipFile(path) as z:
        members = {info.filename: z.read(info.filename) for info in z.infolist()}
    for name, edit in edits.items():
        members[name] = edit(members[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def build_deck(path, spec: dict) -> str:
    import pptx
    from pptx.dml.color import RGBColor

    build_pptx(path, spec.get("slides", [{}]))
    deck = pptx.Presentation(path)
    if "size" in spec:
        deck.slide_width, deck.slide_height = spec["size"]
    if "master" in spec:
        fill = deck.slide_masters[0].background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor.from_string(spec["master"])
    for slide, colour in zip(deck.slides, spec.get("backgrounds", []), strict=False):
        if colour not in (None, "inherit"):
            slide.background.fill.solid()
            slide.background.fill.fore_color.rgb = RGBColor.from_string(colour)
        elif colour is None:
            slide.background.fill.patterned()
    if "picture" in spec:
        left, top, width, height = spec["picture"]
        deck.slides[0].shapes.add_picture(io.BytesIO(_png_bytes("blue")), left, top, width, height)
    deck.save(path)
    edits = {}
    for index, xml in spec.get("transitions", {}).items():
        edits[f"ppt/slides/slide{index + 1}.xml"] = lambda text, xml=xml: text.replace("</p:sld>", xml + "</p:sld>")
    if "master_colors" in spec:
        fills = "".join(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{90 + i}" name="c{i}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>'
            f'<a:solidFill><a:srgbClr val="{c}"/></a:solidFill></p:spPr></p:sp>'
            for i, c in enumerate(spec["master_colors"])
        )
        edits["ppt/slideMasters/slideMaster1.xml"] = lambda text: text.replace("</p:spTree>", fills + "</p:spTree>", 1)
    if edits:
        _rewrite_zip(path, edits)
    return str(path)


def build_pdf(path, pages: list) -> str:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return str(path)


def build_epub(path, members: dict) -> str:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return str(path)


def build_png(path, spec: dict) -> str:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", spec.get("size", (200, 100)), spec.get("paper", "white"))
    draw = ImageDraw.Draw(image)
    if spec.get("dark"):
        draw.rectangle(spec["dark"], fill=spec.get("ink", "black"))
    for x, y, text, size in spec.get("lines", []):
        draw.text((x, y), text, fill=spec.get("ink", "black"), font=ImageFont.load_default(size))
    image.save(path)
    return str(path)


def _write(path, data) -> str:
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    return str(path)


def build_archive(path, spec: dict) -> str:
    """``{"format": "zip" | "gztar" ..., "files": {relative name: buildable value or text}}``."""
    import pathlib
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        for name, value in spec["files"].items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(value, tuple):
                built = build(value, target.parent, "built")
                pathlib.Path(built).rename(target)
            else:
                _write(target, value)
        base = str(path).rsplit(".", 1)[0] if spec["format"] == "zip" else str(path).removesuffix(".tar.gz")
        return shutil.make_archive(base, spec["format"], root)


BUILDERS = {
    "doc": ("docx", build_doc),
    "odt": ("odt", build_odt),
    "deck": ("pptx", build_deck),
    "pdf": ("pdf", build_pdf),
    "epub": ("epub", build_epub),
    "png": ("png", build_png),
    "xlsx": ("xlsx", build_xlsx),
    "zip": ("zip", lambda path, files: build_archive(path, {"format": "zip", "files": files})),
    "tgz": ("tar.gz", lambda path, files: build_archive(path, {"format": "gztar", "files": files})),
}


def build(value, folder, name: str):
    """A ``(kind, spec)`` tuple becomes a file in ``folder``; ``("file", extension, content)`` a plain file; a list
    is built item by item; anything else is passed as is."""
    if isinstance(value, list):
        return [build(v, folder, f"{name}{i}") for i, v in enumerate(value)]
    if isinstance(value, tuple) and value and value[0] == "file":
        return _write(folder / f"{name}.{value[1]}", value[2])
    if isinstance(value, tuple) and value and value[0] in BUILDERS:
        extension, builder = BUILDERS[value[0]]
        return builder(folder / f"{name}.{extension}", value[1])
    return value
