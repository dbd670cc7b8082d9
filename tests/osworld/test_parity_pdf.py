"""PDF, e-book, archive and single-task metrics against the scores OSWorld's own code gives on the same inputs
(built here). Case format and ``OFFICIAL_ERROR``: tests/osworld/parity.py."""

from __future__ import annotations

import datetime

import pytest

from steprl_envs.osworld.metrics import METRICS, desktop_checks
from tests.osworld.builders_docs import build
from tests.osworld.parity import OFFICIAL_ERROR, check_case, skip_without

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
PDF_METRICS = {"compare_pdfs", "compare_pdf_images", "check_pdf_pages", "compare_archive"}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_official_score(case, tmp_path):
    skip_without(case, *(["pymupdf"] if case[1] in PDF_METRICS else []))
    check_case(case, tmp_path)


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
    monkeypatch.setattr(desktop_checks, "now", lambda: NOON)
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
    with pytest.raises(ValueError, match="outside the destination"):
        METRICS.get("compare_archive")(str(bad_tar), good)
    bad_zip = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad_zip, "w") as z:
        z.writestr(f"../../../../../../..{outside}", "x")
    assert METRICS.get("compare_archive")(str(bad_zip), good) == 0.0  # the name is cleaned, so the lists differ
    assert not outside.exists()
