"""``compare_epub``: an e-book against the expected one, part by part, as OSWorld compares them.

The parts are the book's ``toc.ncx`` (navigation points dropped), ``content.opf`` (identifiers dropped) and its
top-level ``.html`` chapters re-serialised by lxml; their line lists are compared with difflib and the ratios
multiplied. OSWorld needs the two files at the archive's root and chapters beside them (it fails on a chapter in a
folder), which calibre's layout satisfies; the same layouts fail here with a clear error.
"""

from __future__ import annotations

import difflib
import zipfile

from . import METRICS


def _html_lines(raw: bytes) -> list[str]:
    try:
        import lxml.html
    except ImportError as e:
        raise ImportError("this metric needs lxml: pip install 'steprl[osworld]'") from e
    text = raw.decode().replace("\n", "").replace("\r", "")
    tree = lxml.html.fromstring(text.encode())
    return lxml.html.tostring(tree, pretty_print=True, encoding="unicode").splitlines()


def epub_parts(path) -> list[list[str]] | None:
    """The book's comparable parts (lines of each), in the order of their names; None for a file that is not a
    zip archive."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            for required in ("toc.ncx", "content.opf"):
                if required not in names:
                    raise ValueError(f"compare_epub: {path} has no {required} at its root")
            parts = {
                "toc.ncx": [line for line in z.read("toc.ncx").decode().splitlines() if "navPoint" not in line],
                "content.opf": [
                    line for line in z.read("content.opf").decode().splitlines() if "dc:identifier" not in line
                ],
            }
            for name in names:
                if name.endswith(".html"):
                    if "/" in name:
                        raise ValueError(f"compare_epub: chapter {name} is in a folder (OSWorld reads top-level ones)")
                    parts[name] = _html_lines(z.read(name))
    except zipfile.BadZipFile:
        return None
    return [parts[name] for name in sorted(parts)]


@METRICS.register()
def compare_epub(result, expected) -> float:
    """Product of the line-level similarity ratios of the paired parts (1 when either file is not an archive)."""
    if result is None:
        return 0.0
    a, b = epub_parts(result), epub_parts(expected)
    score = 1.0
    for x, y in zip(a or [], b or [], strict=False):
        score *= difflib.SequenceMatcher(a=x, b=y).ratio()
    return score
