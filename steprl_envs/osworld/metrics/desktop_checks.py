"""Small checks of the desktop's state: clipboard text, desktop shortcuts, moved files, a speed test's time stamp,
place names in a document, cities in a spreadsheet column, and archives compared file by file with another
metric."""

from __future__ import annotations

import datetime
import os
import shutil
import tarfile
import zipfile

from . import METRICS
from .general import ratio
from .office import _need

#: the clock ``compare_time_in_speedtest_results`` compares with (tests freeze it)
now = datetime.datetime.now


@METRICS.register()
def is_in_vm_clickboard(config, terminal_output) -> float:
    """The clipboard text (``terminal_output``) contains the expected string, or every one of a list."""
    if terminal_output is None:
        return 0.0
    expected = config["expected"]
    if not isinstance(expected, list):
        return float(expected in terminal_output)
    return float(all(item in terminal_output for item in expected))


@METRICS.register()
def is_shortcut_on_desktop(shortcuts, rule) -> float:
    """Some ``.desktop`` file (name -> text, from ``shortcuts_on_desktop``) has the line ``Name=<rule name>``."""
    if rule.get("type") != "name":
        raise ValueError(f"is_shortcut_on_desktop: rule type {rule.get('type')!r} is not supported (use 'name')")
    return float(any("Name=" + rule["name"] + "\n" in text for text in (shortcuts or {}).values()))


@METRICS.register()
def check_moved_jpgs(directory_list, rule) -> float:
    """The folder (a ``list_directory`` tree) holds exactly the expected names, one level deep."""
    if not directory_list:
        return 0.0
    moved = [node["name"] for node in directory_list.get("children", [])]
    expected = rule["expected"]
    return float(len(moved) == len(expected) and set(moved) == set(expected))


@METRICS.register()
def compare_time_in_speedtest_results(speedtest_result_path, time_diff) -> float:
    """The first result row's time (``HH:MM``, the end of its second column) is within ``time_diff`` minutes of
    the clock's, compared as times of day. Unreadable files score 0."""
    if not speedtest_result_path:
        return 0.0
    try:
        with open(speedtest_result_path) as f:
            for i, line in enumerate(f):
                if i == 1:
                    stamp = line.split(",")[1]
                    break
        at = datetime.datetime.strptime(stamp[-5:], "%H:%M")
        current = datetime.datetime.strptime(now().strftime("%H:%M"), "%H:%M")
        return float(abs((at - current).total_seconds()) / 60 < int(time_diff))
    except Exception:  # OSWorld's metric scores any unreadable or malformed file 0
        return 0.0


@METRICS.register()
def fuzzy_place_math(result_file_path, rules) -> float:
    """A document with exactly three words: the mean over them of the best fuzzy ratio against the answers."""
    if result_file_path is None:
        return 0.0
    docx = _need("docx", "python-docx")
    words = [w for para in docx.Document(result_file_path).paragraphs for w in para.text.split()]
    if len(words) != 3:
        return 0.0
    return sum(max([0, *(ratio(w, ans) for ans in rules["expected"])]) for w in words) / 3


@METRICS.register()
def compare_conference_city_in_order(actual_city_list_path, expected_city) -> float:
    """Cells C2:C22 of the active sheet contain, in order, each expected city (or one of a list of spellings).
    Anything unexpected (an empty cell, too few expected cities) scores 0, as in OSWorld."""
    if not actual_city_list_path:
        return 0.0
    openpyxl = _need("openpyxl", "openpyxl")
    expected = expected_city["expected"]
    sheet = openpyxl.load_workbook(actual_city_list_path).active
    actual = [cell.value for row in sheet["C2:C22"] for cell in row]
    try:
        for i, value in enumerate(actual):
            want = expected[i]
            if isinstance(want, str):
                if want not in value:
                    return 0.0
            elif isinstance(want, list):
                if not any(option in value for option in want):
                    return 0.0
            else:
                return 0.0
    except (IndexError, TypeError):
        return 0.0
    return 1.0


# -- archives ------------------------------------------------------------------------------------------------------
#: compare_archive's file_type -> the metric that compares each pair of files
ARCHIVE_MEMBER_METRICS = {
    "text": "compare_text_file",
    "pdf": "compare_pdfs",
    "docx": "compare_docx_files",
    "ppt": "compare_pptx_files",
    "image": "compare_images",
    "csv": "compare_csv",
    "table": "compare_table",
    "audio": "compare_audios",
    "video": "compare_videos",
}


_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def _unpack(archive: str, folder: str) -> None:
    """Unpack by file extension like OSWorld (``shutil.unpack_archive``), but the archive comes from the agent's
    desktop: zip members naming absolute or ``..`` paths are skipped, as shutil does, and tar members that would
    land outside ``folder`` (paths, links, devices) are refused."""
    os.makedirs(folder, exist_ok=True)
    name = archive.lower()
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                for member in z.namelist():
                    parts = member.replace("\\", "/").split("/")
                    if member.startswith("/") or ".." in parts:
                        continue
                    z.extract(member, folder)
        elif name.endswith(_TAR_SUFFIXES):
            with tarfile.open(archive) as t:
                t.extractall(folder, filter="data")
        else:
            raise ValueError("unknown archive format (use .zip or .tar[.gz|.bz2|.xz])")
    except (zipfile.BadZipFile, tarfile.TarError, ValueError) as e:
        raise ValueError(f"compare_archive: cannot unpack {os.path.basename(archive)}: {e}") from None


@METRICS.register()
def compare_archive(pred_path, gold_path, **kwargs) -> float:
    """The archives hold the same file names (under ``file_path``); the score is the mean of ``file_type``'s
    metric over the pairs."""
    if not pred_path:
        return 0.0
    file_path = kwargs.pop("file_path", "")
    file_type = kwargs.pop("file_type", "text")
    if file_type not in ARCHIVE_MEMBER_METRICS:
        raise ValueError(f"compare_archive: file_type {file_type!r} is not supported")
    pred_folder = os.path.splitext(pred_path)[0] + "_pred"
    gold_folder = os.path.splitext(gold_path)[0] + "_gold"
    shutil.rmtree(pred_folder, ignore_errors=True)
    _unpack(pred_path, pred_folder)
    if not os.path.exists(gold_folder):
        _unpack(gold_path, gold_folder)
    pred_files = sorted(os.listdir(os.path.join(pred_folder, file_path)))
    gold_files = sorted(os.listdir(os.path.join(gold_folder, file_path)))
    if pred_files != gold_files:
        return 0.0
    if not pred_files:
        return 0.0
    compare = METRICS.get(ARCHIVE_MEMBER_METRICS[file_type])
    total = 0.0
    for name in pred_files:
        score = compare(
            os.path.join(pred_folder, file_path, name), os.path.join(gold_folder, file_path, name), **kwargs
        )
        total += float(score[0] if isinstance(score, tuple) else score)
    return total / len(pred_files)
