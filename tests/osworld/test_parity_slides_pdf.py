"""Impress, LibreOffice-settings, PDF, e-book and single-task metrics against the scores OSWorld's own code gives on
the same inputs (built here). Case format and ``OFFICIAL_ERROR`` as in test_parity_docs.py."""

from __future__ import annotations

import datetime

import pytest

from steprl_envs.osworld.metrics import METRICS, task_specific
from tests.osworld.builders_docs import build
from tests.osworld.test_parity_docs import OFFICIAL_ERROR, run_case

W, H = 9144000, 6858000  # python-pptx's default 4:3 slide, EMU
BLUE = {"rgb": [0, 0, 255]}
DISSOLVE = "<p:transition><p:dissolve/></p:transition>"
ALTERNATE = (
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" Requires="p14">'
    '<p:transition spd="slow" p14:dur="2000"><p14:prism/></p:transition></mc:Choice>'
    "<mc:Fallback><p:transition><p:dissolve/></p:transition></mc:Fallback></mc:AlternateContent>"
)
DESKAT = 'xmlns:st="uri:deskat:state.at-spi.gnome.org" xmlns:cp="uri:deskat:component.at-spi.gnome.org"'
UBUNTU = (
    'xmlns:st="https://accessibility.ubuntu.example.org/ns/state" '
    'xmlns:cp="https://accessibility.ubuntu.example.org/ns/component"'
)


def deck(**spec) -> tuple:
    return ("deck", {"slides": spec.pop("slides", [{}]), **spec})


def tree(pane: str, ns: str = DESKAT, wrap=("<root-pane><panel>", "</panel></root-pane>")) -> str:
    return f"<desktop-frame {ns}>{wrap[0]}{pane}{wrap[1]}</desktop-frame>"


def xcu(*items: str) -> tuple:
    body = "".join(items)
    return (
        "file",
        "xcu",
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        f'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}'
        "</oor:items>",
    )


def item(path: str, prop: str, value: str | None, extra: str = "") -> str:
    inner = "" if value is None else f"<value>{value}</value>"
    return f'<item oor:path="{path}"><prop oor:name="{prop}" oor:op="fuse">{inner}</prop>{extra}</item>'


FONT = "/org.openoffice.Office.Writer/DefaultFont"
PRESENTER = "/org.openoffice.Office.Impress/Misc/Start"
AUTOSAVE = "/org.openoffice.Office.Common/Save/Document"
TNR = {"font_name": "Times New Roman"}
TEXT = ["Invoice 243729", "Total: 120.00 EUR", "Due date: 2024-03-01"]
NCX = (
    '<?xml version="1.0"?>\n<ncx>\n<navMap>\n<navPoint id="n{}">\n<text>Chapter</text>\n</navPoint>\n</navMap>\n</ncx>'
)
OPF = '<?xml version="1.0"?>\n<package>\n<metadata>\n<dc:identifier id="uid">{}</dc:identifier>\n<dc:title>Pass Through</dc:title>\n</metadata>\n</package>'


def chapter(*paragraphs: str) -> str:
    return (
        "<html><head><title>c</title></head><body>\n" + "\n".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    )


def book(ncx_id="1", uid="a", **chapters) -> tuple:
    members = {"mimetype": "application/epub+zip", "toc.ncx": NCX.format(ncx_id), "content.opf": OPF.format(uid)}
    return ("epub", {**members, **{f"{name}.html": text for name, text in chapters.items()}})


SLIDES = {"a.pdf": ("pdf", [["Week 1", "Intro"]]), "b.pdf": ("pdf", [["Week 2", "Trees"]])}
IN_FOLDER = {f"lecture_slides/{name}": value for name, value in SLIDES.items()}
LONG = [f"line {i % 7}" for i in range(260)]
CITIES = ["Scottsdale", "Atlanta", ["Montreal", "Montréal"]] + [f"City{i}" for i in range(18)]


def cities(*names) -> tuple:
    return ("xlsx", {"S": [["year", "name", "city"]] + [[2000 + i, "conf", c] for i, c in enumerate(names)]})


RIGHT_CITIES = ["Scottsdale, AZ", "Atlanta", "Montréal"] + [f"City{i}" for i in range(18)]

CASES = [
    # check_slide_orientation_Portrait -----------------------------------------------------------------------
    ("portrait-default", "check_slide_orientation_Portrait", deck(), None, {}, 0.0),
    ("portrait-a4", "check_slide_orientation_Portrait", deck(size=(6858000, 9144000)), None, {}, 1.0),
    ("portrait-square", "check_slide_orientation_Portrait", deck(size=(W, W)), None, {}, 0.0),
    ("portrait-narrow", "check_slide_orientation_Portrait", deck(size=(W - 1, W)), None, {}, 1.0),
    ("portrait-missing", "check_slide_orientation_Portrait", None, None, {}, 0.0),
    # evaluate_presentation_fill_to_rgb_distance -------------------------------------------------------------
    ("fill-blue", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=["0000FF"]), BLUE, {}, 1.0),
    ("fill-red", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=["FF0000"]), BLUE, {}, 0.183503419072),
    (
        "fill-mixed",
        "evaluate_presentation_fill_to_rgb_distance",
        deck(slides=[{}, {}, {}], backgrounds=["0000FF", "1010E0", None]),
        BLUE,
        {},
        0.637701281299,
    ),
    (
        "fill-master",
        "evaluate_presentation_fill_to_rgb_distance",
        deck(master="0000F0", backgrounds=["inherit"]),
        BLUE,
        {},
        0.966038219459,
    ),
    ("fill-default", "evaluate_presentation_fill_to_rgb_distance", deck(), BLUE, {}, 0.0),
    ("fill-pattern", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=[None]), BLUE, {}, 0.0),
    # check_transition ---------------------------------------------------------------------------------------
    (
        "transition-dissolve",
        "check_transition",
        deck(transitions={0: DISSOLVE}),
        {"slide_idx": 0, "transition_type": "dissolve"},
        {},
        1.0,
    ),
    (
        "transition-other",
        "check_transition",
        deck(transitions={0: DISSOLVE}),
        {"slide_idx": 0, "transition_type": "fade"},
        {},
        0.0,
    ),
    ("transition-none", "check_transition", deck(), {"slide_idx": 0, "transition_type": "dissolve"}, {}, 0.0),
    ("transition-no-slide", "check_transition", deck(), {"slide_idx": 3, "transition_type": "dissolve"}, {}, 0.0),
    (
        "transition-alternate",
        "check_transition",
        deck(transitions={0: ALTERNATE}),
        {"slide_idx": 0, "transition_type": "dissolve"},
        {},
        0.0,
    ),
    (
        "transition-second",
        "check_transition",
        deck(slides=[{}, {}], transitions={1: DISSOLVE}),
        {"slide_idx": 1, "transition_type": "dissolve"},
        {},
        1.0,
    ),
    # check_page_number_colors -------------------------------------------------------------------------------
    ("numbers-red", "check_page_number_colors", deck(master_colors=["FF0000", "000000"]), {"color": "red"}, {}, 1.0),
    (
        "numbers-dark-red",
        "check_page_number_colors",
        deck(master_colors=["C00000", "000000"]),
        {"color": "red"},
        {},
        0.0,
    ),
    ("numbers-blue", "check_page_number_colors", deck(master_colors=["0000FF", "000000"]), {"color": "blue"}, {}, 0.0),
    (
        "numbers-green",
        "check_page_number_colors",
        deck(master_colors=["00FF00", "FFFFFF"]),
        {"color": "green"},
        {},
        1.0,
    ),
    (
        "numbers-black",
        "check_page_number_colors",
        deck(master_colors=["000000", "FF0000"]),
        {"color": "black"},
        {},
        1.0,
    ),
    (
        "numbers-other-name",
        "check_page_number_colors",
        deck(master_colors=["000000", "FF0000"]),
        {"color": "purple"},
        {},
        1.0,
    ),
    (
        "numbers-one-colour",
        "check_page_number_colors",
        deck(master_colors=["FF0000"]),
        {"color": "red"},
        {},
        OFFICIAL_ERROR,
    ),
    # check_image_stretch_and_center -------------------------------------------------------------------------
    (
        "stretch-full",
        "check_image_stretch_and_center",
        deck(picture=(0, 0, W, H)),
        deck(picture=(100, 100, 900, 900)),
        {},
        1.0,
    ),
    (
        "stretch-nearly",
        "check_image_stretch_and_center",
        deck(picture=(200000, 200000, W - 400000, H - 400000)),
        deck(picture=(100, 100, 900, 900)),
        {},
        1.0,
    ),
    (
        "stretch-half",
        "check_image_stretch_and_center",
        deck(picture=(W // 4, H // 4, W // 2, H // 2)),
        deck(picture=(1, 1, 9, 9)),
        {},
        0.0,
    ),
    (
        "stretch-shifted",
        "check_image_stretch_and_center",
        deck(picture=(600000, 0, W, H)),
        deck(picture=(1, 1, 9, 9)),
        {},
        0.0,
    ),
    ("stretch-lost", "check_image_stretch_and_center", deck(), deck(picture=(1, 1, 9, 9)), {}, OFFICIAL_ERROR),
    # check_left_panel ---------------------------------------------------------------------------------------
    (
        "panel-visible",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>'),
        None,
        {},
        1.0,
    ),
    (
        "panel-elsewhere",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(10, 0)" st:visible="true"/>'),
        None,
        {},
        0.0,
    ),
    ("panel-hidden", "check_left_panel", tree('<split-pane cp:parentcoord="(0, 0)"/>'), None, {}, 0.0),
    (
        "panel-false",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="false"/>'),
        None,
        {},
        1.0,
    ),
    (
        "panel-outside",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>', wrap=("<root-pane>", "</root-pane>")),
        None,
        {},
        0.0,
    ),
    (
        "panel-ubuntu-ns",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>', UBUNTU),
        None,
        {},
        0.0,
    ),
    # find_default_font --------------------------------------------------------------------------------------
    ("font-set", "find_default_font", xcu(item(FONT, "Standard", "Times New Roman")), TNR, {}, 1.0),
    ("font-other", "find_default_font", xcu(item(FONT, "Standard", "Liberation Serif")), TNR, {}, 0.0),
    (
        "font-last-wins",
        "find_default_font",
        xcu(item(FONT, "Standard", "Arial"), item(FONT, "Standard", "Times New Roman")),
        TNR,
        {},
        1.0,
    ),
    ("font-heading-only", "find_default_font", xcu(item(FONT, "Heading", "Times New Roman")), TNR, {}, 0.0),
    ("font-not-xml", "find_default_font", ("file", "xcu", "not xml"), TNR, {}, 0.0),
    ("font-missing", "find_default_font", None, TNR, {}, 0.0),
    # check_presenter_console_disable ------------------------------------------------------------------------
    (
        "presenter-off",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "false")),
        None,
        {},
        1.0,
    ),
    (
        "presenter-on",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "true")),
        None,
        {},
        0.0,
    ),
    (
        "presenter-case",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "False")),
        None,
        {},
        1.0,
    ),
    ("presenter-unset", "check_presenter_console_disable", xcu(item(FONT, "Standard", "x")), None, {}, 0.0),
    (
        "presenter-empty",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", None)),
        None,
        {},
        0.0,
    ),
    (
        "presenter-first-wins",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "true"), item(PRESENTER, "EnablePresenterScreen", "false")),
        None,
        {},
        0.0,
    ),
    ("presenter-not-xml", "check_presenter_console_disable", ("file", "xcu", "<oor"), None, {}, 0.0),
    # check_auto_saving_time ---------------------------------------------------------------------------------
    (
        "autosave-3",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "3")),
        {"minutes": 3},
        {},
        1.0,
    ),
    (
        "autosave-10",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "10")),
        {"minutes": 3},
        {},
        0.0,
    ),
    ("autosave-unset", "check_auto_saving_time", xcu(item(AUTOSAVE, "CreateBackup", "true")), {"minutes": 3}, {}, 0.0),
    (
        "autosave-last-wins",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "3"), item(AUTOSAVE, "AutoSaveTimeIntervall", "5")),
        {"minutes": 3},
        {},
        0.0,
    ),
    ("autosave-not-xml", "check_auto_saving_time", ("file", "xcu", "oops"), {"minutes": 3}, {}, 0.0),
    (
        "autosave-word",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "three")),
        {"minutes": 3},
        {},
        OFFICIAL_ERROR,
    ),
    # check_pdf_pages ----------------------------------------------------------------------------------------
    ("pages-one", "check_pdf_pages", ("pdf", [TEXT]), {"relation": "eq", "ref_value": 1}, {}, 1.0),
    ("pages-two", "check_pdf_pages", ("pdf", [TEXT, TEXT]), {"relation": "eq", "ref_value": 1}, {}, 0.0),
    ("pages-le", "check_pdf_pages", ("pdf", [TEXT, TEXT]), {"relation": "le", "ref_value": 3}, {}, 1.0),
    ("pages-gt", "check_pdf_pages", ("pdf", [TEXT, TEXT]), {"relation": "gt", "ref_value": 1}, {}, 1.0),
    ("pages-missing", "check_pdf_pages", None, {"relation": "eq", "ref_value": 1}, {}, 0.0),
    # compare_pdfs -------------------------------------------------------------------------------------------
    ("pdfs-same", "compare_pdfs", ("pdf", [TEXT]), ("pdf", [TEXT]), {}, 1.0),
    (
        "pdfs-edited",
        "compare_pdfs",
        ("pdf", [TEXT[:2] + ["Due date: 2024-04-01"]]),
        ("pdf", [TEXT]),
        {},
        0.981132075472,
    ),
    ("pdfs-pages", "compare_pdfs", ("pdf", [TEXT[:1], TEXT[1:]]), ("pdf", [TEXT]), {}, 1.0),
    (
        "pdfs-list",
        "compare_pdfs",
        [("pdf", [TEXT]), ("pdf", [["other"]])],
        [("pdf", [TEXT]), ("pdf", [TEXT])],
        {},
        0.551724137931,
    ),
    (
        "pdfs-list-missing",
        "compare_pdfs",
        [("pdf", [TEXT]), "/nonexistent/x.pdf"],
        [("pdf", [TEXT]), ("pdf", [TEXT])],
        {},
        0.5,
    ),
    ("pdfs-broken", "compare_pdfs", ("file", "pdf", "%PDF-1.4 garbage"), ("pdf", [TEXT]), {}, 0.0),
    ("pdfs-empty", "compare_pdfs", ("pdf", [[]]), ("pdf", [TEXT]), {}, 0.0),
    # compare_pdf_images -------------------------------------------------------------------------------------
    ("render-same", "compare_pdf_images", ("pdf", [TEXT, ["p2"]]), ("pdf", [TEXT, ["p2"]]), {}, 1.0),
    ("render-text", "compare_pdf_images", ("pdf", [TEXT]), ("pdf", [TEXT[:2]]), {}, 0.0),
    ("render-pages", "compare_pdf_images", ("pdf", [TEXT, TEXT]), ("pdf", [TEXT]), {}, 0.0),
    ("render-blank", "compare_pdf_images", ("pdf", [[]]), ("pdf", [[""]]), {}, 1.0),
    ("render-missing", "compare_pdf_images", None, ("pdf", [TEXT]), {}, 0.0),
    # compare_epub -------------------------------------------------------------------------------------------
    ("epub-same", "compare_epub", book(c1=chapter("a", "b")), book(c1=chapter("a", "b")), {}, 1.0),
    ("epub-ids", "compare_epub", book("7", "zz", c1=chapter("a")), book("1", "a", c1=chapter("a")), {}, 1.0),
    ("epub-chapter", "compare_epub", book(c1=chapter("a", "b", "c")), book(c1=chapter("a", "x", "c")), {}, 0.875),
    ("epub-extra", "compare_epub", book(c1=chapter("a"), c2=chapter("b")), book(c1=chapter("a")), {}, 0.0),
    (
        "epub-long",
        "compare_epub",
        book(c1=chapter(*LONG)),
        book(c1=chapter(*LONG[:250], "new", *LONG[251:])),
        {},
        0.996226415094,
    ),
    ("epub-not-zip", "compare_epub", ("file", "epub", "text"), book(c1=chapter("a")), {}, 1.0),
    ("epub-no-toc", "compare_epub", ("epub", {"content.opf": OPF}), book(c1=chapter("a")), {}, OFFICIAL_ERROR),
    ("epub-folder", "compare_epub", book(**{"text/c1": chapter("a")}), book(c1=chapter("a")), {}, OFFICIAL_ERROR),
    ("epub-missing", "compare_epub", None, book(c1=chapter("a")), {}, 0.0),
    # compare_archive ----------------------------------------------------------------------------------------
    ("archive-same", "compare_archive", ("zip", SLIDES), ("zip", SLIDES), {"file_type": "pdf"}, 1.0),
    (
        "archive-one-off",
        "compare_archive",
        ("zip", {**SLIDES, "b.pdf": ("pdf", [["Week 2", "Graphs"]])}),
        ("zip", SLIDES),
        {"file_type": "pdf"},
        0.86,
    ),
    (
        "archive-names",
        "compare_archive",
        ("zip", {"a.pdf": SLIDES["a.pdf"]}),
        ("zip", SLIDES),
        {"file_type": "pdf"},
        0.0,
    ),
    (
        "archive-folder",
        "compare_archive",
        ("tgz", IN_FOLDER),
        ("zip", IN_FOLDER),
        {"file_path": "lecture_slides", "file_type": "pdf"},
        1.0,
    ),
    (
        "archive-docx",
        "compare_archive",
        ("zip", {"r.docx": ("doc", {"blocks": ["a b"]})}),
        ("zip", {"r.docx": ("doc", {"blocks": ["a", "b"]})}),
        {"file_type": "docx"},
        1.0,
    ),
    (
        "archive-docx-options",
        "compare_archive",
        ("zip", {"r.docx": ("doc", {"blocks": ["a b"]})}),
        ("zip", {"r.docx": ("doc", {"blocks": ["a", "b"]})}),
        {"file_type": "docx", "ignore_blanks": False},
        0.0,
    ),
    (
        "archive-text",
        "compare_archive",
        ("zip", {"x.txt": "one", "y.txt": "two"}),
        ("zip", {"x.txt": "one", "y.txt": "2"}),
        {},
        0.5,
    ),
    ("archive-empty", "compare_archive", ("zip", {}), ("zip", {}), {}, OFFICIAL_ERROR),
    ("archive-missing", "compare_archive", None, ("zip", SLIDES), {"file_type": "pdf"}, 0.0),
    # compare_conference_city_in_order -----------------------------------------------------------------------
    ("cities-right", "compare_conference_city_in_order", cities(*RIGHT_CITIES), {"expected": CITIES}, {}, 1.0),
    (
        "cities-wrong",
        "compare_conference_city_in_order",
        cities(*RIGHT_CITIES[:5], "Paris", *RIGHT_CITIES[6:]),
        {"expected": CITIES},
        {},
        0.0,
    ),
    (
        "cities-empty-cell",
        "compare_conference_city_in_order",
        cities(*RIGHT_CITIES[:20]),
        {"expected": CITIES},
        {},
        0.0,
    ),
    (
        "cities-short-list",
        "compare_conference_city_in_order",
        cities(*RIGHT_CITIES),
        {"expected": CITIES[:20]},
        {},
        0.0,
    ),
    ("cities-number", "compare_conference_city_in_order", cities(*RIGHT_CITIES[:20], 7), {"expected": CITIES}, {}, 0.0),
    (
        "cities-spelling",
        "compare_conference_city_in_order",
        cities(*RIGHT_CITIES[:2], "Montreal", *RIGHT_CITIES[3:]),
        {"expected": CITIES},
        {},
        1.0,
    ),
    (
        "cities-bad-rule",
        "compare_conference_city_in_order",
        cities(*RIGHT_CITIES),
        {"expected": [1, *CITIES[1:]]},
        {},
        0.0,
    ),
    # check_textbox_on_leftside ------------------------------------------------------------------------------
    ("leftside-edge", "check_textbox_on_leftside", ("png", {"dark": (2, 40, 60, 50)}), None, {}, 1.0),
    ("leftside-middle", "check_textbox_on_leftside", ("png", {"dark": (50, 40, 90, 50)}), None, {}, 0.0),
    ("leftside-blank", "check_textbox_on_leftside", ("png", {}), None, {}, 0.0),
    ("leftside-boundary", "check_textbox_on_leftside", ("png", {"dark": (9, 40, 60, 50)}), None, {}, 1.0),
    ("leftside-past", "check_textbox_on_leftside", ("png", {"dark": (10, 40, 60, 50)}), None, {}, 0.0),
    (
        "leftside-grey-127",
        "check_textbox_on_leftside",
        ("png", {"dark": (1, 1, 5, 5), "ink": (127, 127, 127)}),
        None,
        {},
        1.0,
    ),
    (
        "leftside-grey-128",
        "check_textbox_on_leftside",
        ("png", {"dark": (1, 1, 5, 5), "ink": (128, 128, 128)}),
        None,
        {},
        0.0,
    ),
]


NEEDS = {"deck": "pptx", "pdf": "fpdf", "xlsx": "openpyxl", "epub": "lxml", "zip": "fpdf", "tgz": "fpdf"}
PDF_METRICS = {"compare_pdfs", "compare_pdf_images", "check_pdf_pages", "compare_archive"}


def _needs(case) -> set[str]:
    values = [v for v in case[2:4] for v in (v if isinstance(v, list) else [v])]
    needs = {NEEDS[v[0]] for v in values if isinstance(v, tuple) and v and v[0] in NEEDS}
    return needs | ({"pymupdf"} if case[1] in PDF_METRICS else set())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_official_score(case, tmp_path):
    for module in _needs(case):
        pytest.importorskip(module)
    score = case[-1]
    if score == OFFICIAL_ERROR:
        try:
            assert run_case(case, tmp_path) == 0.0
        except (ValueError, TypeError, KeyError):
            pass
        return
    assert run_case(case, tmp_path) == pytest.approx(score, abs=1e-9)


# compare_time_in_speedtest_results: scored against a fixed clock (12:00), the official code under the same clock.
SPEEDTEST = "Date,Time,Download\n{}\n"
SPEED_CASES = [
    ("speed-now", SPEEDTEST.format("2024-01-31,2024-01-31 12:00,95.1"), "60", 1.0),
    ("speed-59", SPEEDTEST.format("2024-01-31,2024-01-31 12:59,95.1"), "60", 1.0),
    ("speed-60", SPEEDTEST.format("2024-01-31,2024-01-31 11:00,95.1"), "60", 0.0),
    ("speed-midnight", SPEEDTEST.format("2024-01-31,2024-01-31 00:05,95.1"), "60", 0.0),
    ("speed-one-line", "Date,Time,Download\n", "60", 0.0),
    ("speed-last-field", "Date,Time\n2024-01-31,2024-01-31 12:00\n", "60", 0.0),
    ("speed-not-time", SPEEDTEST.format("2024-01-31,soon,95.1"), "60", 0.0),
    ("speed-narrow", SPEEDTEST.format("2024-01-31,2024-01-31 12:10,95.1"), "5", 0.0),
]
NOON = datetime.datetime(2024, 1, 31, 12, 0, 30)


@pytest.mark.parametrize("case", SPEED_CASES, ids=[c[0] for c in SPEED_CASES])
def test_speedtest_time_matches_official_score(case, tmp_path, monkeypatch):
    _, content, minutes, score = case
    monkeypatch.setattr(task_specific, "_clock", lambda: NOON)
    path = tmp_path / "speedtest.csv"
    path.write_text(content)
    assert METRICS.get("compare_time_in_speedtest_results")(str(path), minutes) == score


def test_archive_members_cannot_leave_the_scratch_folder(tmp_path):
    import io
    import tarfile
    import zipfile

    outside = tmp_path / "evil.txt"
    bad_tar = tmp_path / "bad.tar.gz"
    with tarfile.open(bad_tar, "w:gz") as t:
        data = b"x"
        info = tarfile.TarInfo(f"../../../../../../..{outside}")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    good = build(("zip", {"a.txt": "x"}), tmp_path, "good")
    with pytest.raises(tarfile.FilterError):
        METRICS.get("compare_archive")(str(bad_tar), good)
    bad_zip = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad_zip, "w") as z:
        z.writestr(f"../../../../../../..{outside}", "x")
    assert METRICS.get("compare_archive")(str(bad_zip), good) == 0.0  # the name is cleaned, so the lists differ
    assert not outside.exists()
