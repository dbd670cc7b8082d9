"""Writer metrics that look past a document's text: tables, spacing, tab stops, fonts, footers, images, page breaks.

Each follows OSWorld's check of the same name over python-docx's view of the file, quirks included: paragraphs and
runs are paired in order and extra ones on either side are not looked at, and several checks first require
:func:`~steprl_envs.osworld.metrics.office.compare_docx_files` to pass. An unreadable docx scores 0.
"""

from __future__ import annotations

from . import METRICS
from .office import _need, compare_docx_files

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(path):
    """python-docx's Document, or None for a file it cannot read (scored 0)."""
    docx = _need("docx", "python-docx")
    try:
        return docx.Document(path)
    except Exception:  # not a docx
        return None


def _both(file1, file2):
    if not file1 or not file2:
        return None
    a, b = _open(file1), _open(file2)
    return None if a is None or b is None else (a, b)


def _run_pairs(a, b):
    """Runs of paragraphs paired in order, then runs within each pair in order (the rest is ignored)."""
    for pa, pb in zip(a.paragraphs, b.paragraphs, strict=False):
        yield from zip(pa.runs, pb.runs, strict=False)


@METRICS.register()
def compare_docx_tables(docx_file1, docx_file2) -> float:
    """Same number of tables, each of the same shape with the same stripped cell texts."""
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    a, b = (d.tables for d in docs)
    if len(a) != len(b):
        return 0.0
    for ta, tb in zip(a, b, strict=True):
        rows, cols = len(ta.rows), len(ta.columns)
        if rows != len(tb.rows) or cols != len(tb.columns):
            return 0.0
        for i in range(rows):
            for j in range(cols):
                if ta.cell(i, j).text.strip() != tb.cell(i, j).text.strip():
                    return 0.0
    return 1.0


@METRICS.register()
def compare_docx_images(docx_file1, docx_file2) -> float:
    """The documents embed the same images (by decoded pixels), in the order of their relationships."""
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    import io

    from PIL import Image

    a, b = ([r.target_part.blob for r in d.part.rels.values() if "image" in r.reltype] for d in docs)
    if len(a) != len(b):
        return 0.0
    for x, y in zip(a, b, strict=True):
        if Image.open(io.BytesIO(x)).tobytes() != Image.open(io.BytesIO(y)).tobytes():
            return 0.0
    return 1.0


@METRICS.register()
def compare_line_spacing(docx_file1, docx_file2) -> float:
    """Same text and, paragraph by paragraph, the same line spacing."""
    if not docx_file1 or not docx_file2 or not compare_docx_files(docx_file1, docx_file2):
        return 0.0
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    a, b = (d.paragraphs for d in docs)
    if len(a) != len(b):
        return 0.0
    same = all(x.paragraph_format.line_spacing == y.paragraph_format.line_spacing for x, y in zip(a, b, strict=True))
    return float(same)


def _tab_stops(paragraph, ignored) -> list:
    return [t for t in paragraph.paragraph_format.tab_stops if not ignored(t)]


@METRICS.register()
def check_tabstops(docx_file1, docx_file2, **options) -> float:
    """Tab stops of the non-blank paragraphs against the expected ones: 1 minus the mean, over paragraphs, of the
    summed position differences as a fraction of the text width (0 on a different count or alignment). With
    ``word_number_split_by_tabstop`` (and ``index``), each result paragraph's ``index``-th tab field must hold that
    many words."""
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    from docx.enum.text import WD_TAB_ALIGNMENT

    a, b = ([p for p in d.paragraphs if p.text.strip()] for d in docs)
    if len(a) != len(b):
        return 0.0
    words = options.get("word_number_split_by_tabstop")
    if words is not None:
        index = options.get("index", 0)
        for p in a:
            if len(p.text.split("\t")[index].split()) != words:
                return 0.0
    if not a:
        raise ValueError("check_tabstops: the documents have no text paragraphs to compare")
    section = docs[1].sections[0]
    width = section.page_width - section.left_margin - section.right_margin

    def ignored(tab) -> bool:
        return tab.alignment == WD_TAB_ALIGNMENT.CLEAR or (tab.alignment == WD_TAB_ALIGNMENT.LEFT and tab.position == 0)

    lost = 0.0
    for pa, pb in zip(a, b, strict=True):
        ta, tb = _tab_stops(pa, ignored), _tab_stops(pb, ignored)
        if len(ta) != len(tb) or any(x.alignment != y.alignment for x, y in zip(ta, tb, strict=True)):
            return 0.0
        lost += sum(abs(x.position - y.position) for x, y in zip(ta, tb, strict=True)) / width
    return 1 - lost / len(a)


@METRICS.register()
def compare_subscript_contains(docx_file1, docx_file2) -> float:
    """Some pair of runs (paired in order) is subscript in both documents."""
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    return float(any(x.font.subscript and y.font.subscript for x, y in _run_pairs(*docs)))


@METRICS.register()
def compare_contains_image(docx_file1, docx_file2) -> float:
    """No pair of runs (paired in order) where only one of the two holds a drawing."""
    docs = _both(docx_file1, docx_file2)
    if docs is None:
        return 0.0
    return float(
        all(("graphicData" in x._element.xml) == ("graphicData" in y._element.xml) for x, y in _run_pairs(*docs))
    )


@METRICS.register()
def compare_docx_lines(file1, file2) -> float:
    """The same set of non-blank paragraph texts (stripped), in any order and with duplicates merged."""
    docs = _both(file1, file2)
    if docs is None:
        return 0.0
    a, b = ({p.text.strip() for p in d.paragraphs if p.text.strip()} for d in docs)
    return float(a == b)


@METRICS.register()
def has_page_numbers_in_footers(docx_file) -> float:
    """Every section's footer starts with a paragraph holding a digit."""
    doc = _open(docx_file) if docx_file else None
    if doc is None:
        return 0.0
    for section in doc.sections:
        paragraphs = section.footer.paragraphs
        if not any(ch.isdigit() for ch in (paragraphs[0].text if paragraphs else "")):
            return 0.0
    return 1.0


@METRICS.register()
def is_first_line_centered(docx_file) -> float:
    doc = _open(docx_file) if docx_file else None
    if doc is None:
        return 0.0
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

    if not doc.paragraphs:
        raise ValueError("is_first_line_centered: the document has no paragraph")
    return float(doc.paragraphs[0].paragraph_format.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER)


@METRICS.register()
def compare_font_names(docx_file, rules) -> float:
    """Every run of the body's paragraphs names ``rules["font_name"]`` directly (an inherited font does not count)."""
    doc = _open(docx_file) if docx_file else None
    if doc is None:
        return 0.0
    want = rules["font_name"]
    return float(all(run.font.name == want for p in doc.paragraphs for run in p.runs))


@METRICS.register()
def contains_page_break(docx_file) -> float:
    """A run of the body's paragraphs holds a page break."""
    doc = _open(docx_file) if docx_file else None
    if doc is None:
        return 0.0
    for p in doc.paragraphs:
        for run in p.runs:
            if any(br.get(f"{_W}type") == "page" for br in run.element.iter(f"{_W}br")):
                return 1.0
    return 0.0


def _same_text_then_open(file1, file2):
    """The result's Document when both files hold the same text (compare_docx_files), else None."""
    if not file1 or not file2 or not compare_docx_files(file1, file2):
        return None
    return _open(file1)


@METRICS.register()
def evaluate_strike_through_last_paragraph(file_path1, file_path2) -> float:
    """Same text, and every run of the last paragraph is struck through."""
    doc = _same_text_then_open(file_path1, file_path2)
    if doc is None:
        return 0.0
    if not doc.paragraphs:
        raise ValueError("evaluate_strike_through_last_paragraph: the document has no paragraph")
    return float(all(run.font.strike for run in doc.paragraphs[-1].runs))


@METRICS.register()
def check_italic_font_size_14(path1, path2) -> float:
    """Same text, and every italic run of the body has a direct size of 14 pt."""
    doc = _same_text_then_open(path1, path2)
    if doc is None:
        return 0.0
    for p in doc.paragraphs:
        for run in p.runs:
            if run.italic and (run.font.size is None or run.font.size.pt != 14):
                return 0.0
    return 1.0


def _delta_e(rgb, ref) -> float:
    """CIEDE2000 colour difference of two 0-255 RGB triples (through scikit-image, as OSWorld)."""
    try:
        from skimage.color import deltaE_ciede2000, rgb2lab
    except ImportError as e:
        raise ImportError("this metric needs scikit-image: pip install 'steprl[osworld]'") from e
    lab = [rgb2lab([c / 255.0 for c in color]) for color in (rgb, ref)]
    return float(deltaE_ciede2000(*lab))


@METRICS.register()
def evaluate_colored_words_in_tables(file_path1, file_path2, **options) -> float:
    """Same text, and in every table each run starting with a vowel is red and every other run blue (CIEDE2000
    distance at most ``threshold``, default 3.5). A run without an explicit colour fails (OSWorld errors there)."""
    doc = _same_text_then_open(file_path1, file_path2)
    if doc is None:
        return 0.0
    threshold = options.get("threshold", 3.5)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        if not run.text:
                            continue
                        rgb = run.font.color.rgb
                        want = (255, 0, 0) if run.text[0].lower() in "aeiou" else (0, 0, 255)
                        if rgb is None or _delta_e(rgb, want) > threshold:
                            return 0.0
    return 1.0


@METRICS.register()
def compare_references(file1, file2, **options) -> float:
    """The non-blank paragraphs after the first ``reference_indicator`` paragraph (default "References"), paired
    in order: their mean fuzzy ratio, rescaled so that ``reference_base_result`` (default 0.5) maps to 0. Neither
    document having the heading scores 1; one of them, or a different count, 0."""
    if not file1 or not file2 or not (str(file1).endswith(".docx") and str(file2).endswith(".docx")):
        return 0.0
    docs = _both(file1, file2)
    if docs is None:
        return 0.0
    from .general import ratio

    heading = options.get("reference_indicator", "References")
    base = options.get("reference_base_result", 0.5)
    texts = [[p.text for p in d.paragraphs] for d in docs]
    found = [t.index(heading) if heading in t else -1 for t in texts]
    if found == [-1, -1]:
        return 1.0
    if -1 in found:
        return 0.0
    a, b = ([p for p in t[i + 1 :] if p.strip()] for t, i in zip(texts, found, strict=True))
    if len(a) != len(b):
        return 0.0
    if not a:
        raise ValueError("compare_references: no reference follows the heading")
    mean = sum(ratio(x, y) for x, y in zip(a, b, strict=True)) / len(a)
    return (mean - base) / (1 - base) if mean >= base else 0.0


_ODT_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODT_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODT_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODT_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def _yellow_spans(path) -> bool:
    """Some span of the odt (body, headers or footers) uses an automatic style whose properties set a yellow
    (#ffff00) background."""
    import zipfile
    from xml.etree import ElementTree

    roots = []
    with zipfile.ZipFile(path) as z:
        if "content.xml" not in z.namelist():
            raise ValueError(f"check_highlighted_words: {path} is not an OpenDocument text")
        for part in ("content.xml", "styles.xml"):
            if part in z.namelist():
                roots.append(ElementTree.fromstring(z.read(part)))
    yellow = set()
    for root in roots:
        for styles in root.iter(f"{_ODT_OFFICE}automatic-styles"):
            for style in styles:
                name = style.get(f"{_ODT_STYLE}name")
                if name and any(prop.get(f"{_ODT_FO}background-color") == "#ffff00" for prop in style):
                    yellow.add(name)
    return any(span.get(f"{_ODT_TEXT}style-name") in yellow for root in roots for span in root.iter(f"{_ODT_TEXT}span"))


@METRICS.register()
def check_highlighted_words(file_path1, file_path2) -> float:
    """Same text as the expected odt, and no yellow-highlighted span is left."""
    if not file_path1 or not file_path2 or not compare_docx_files(file_path1, file_path2):
        return 0.0
    return float(not _yellow_spans(file_path1))
