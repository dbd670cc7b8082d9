"""Official-format OSWorld tasks over local files, for the full-image benchmarks: a Calc task that opens an .xlsx
(uploaded from this machine, no download), as the official Calc tasks do, and a Calc + Chrome one."""

from __future__ import annotations

import json
import os

CALC_ID = "calc-open-xlsx"
CALC_CHROME_ID = "calc-and-chrome"
XLSX = "sales.xlsx"
PAGE = "page.html"


def _calc_steps(folder: str) -> list[dict]:
    return [
        {
            "type": "upload_file",
            "parameters": {"files": [{"local_path": os.path.join(folder, XLSX), "path": f"/home/user/{XLSX}"}]},
        },
        {"type": "open", "parameters": {"path": f"/home/user/{XLSX}"}},
        {"type": "activate_window", "parameters": {"window_name": f"{XLSX} - LibreOffice Calc", "strict": True}},
    ]


def _chrome_steps(folder: str) -> list[dict]:
    return [
        {
            "type": "upload_file",
            "parameters": {"files": [{"local_path": os.path.join(folder, PAGE), "path": f"/home/user/{PAGE}"}]},
        },
        {"type": "launch", "parameters": {"command": ["google-chrome", "--remote-debugging-port=1337"]}},
        {"type": "launch", "parameters": {"command": ["socat", "tcp-listen:9222,fork", "tcp:localhost:1337"]}},
        {"type": "chrome_open_tabs", "parameters": {"urls_to_open": [f"file:///home/user/{PAGE}"]}},
    ]


def _task(task_id: str, instruction: str, config: list[dict], apps: list[str]) -> dict:
    return {
        "id": task_id,
        "snapshot": apps[0],
        "instruction": instruction,
        "source": "local",
        "config": config,
        "trajectory": "trajectories/",
        "related_apps": apps,
        "evaluator": {"func": "infeasible"},
    }


def write(folder: str) -> str:
    """Write the task folder (``examples/libreoffice_calc/*.json``, ``test_all.json``, the data files); returns it."""
    from openpyxl import Workbook

    domain = os.path.join(folder, "examples", "libreoffice_calc")
    os.makedirs(domain, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["Item", "Units", "Price"])
    for row in range(1, 41):
        sheet.append([f"item {row}", row, round(row * 2.5, 2)])
    book.save(os.path.join(folder, XLSX))
    with open(os.path.join(folder, PAGE), "w") as f:
        f.write("<!doctype html><title>Price list</title><h1>Price list</h1><p>Units and prices.</p>\n")
    tasks = {
        CALC_ID: _task(CALC_ID, "Fill column D with Units times Price.", _calc_steps(folder), ["libreoffice_calc"]),
        CALC_CHROME_ID: _task(
            CALC_CHROME_ID,
            "Copy the price list from the web page into the sheet.",
            _calc_steps(folder) + _chrome_steps(folder),
            ["libreoffice_calc", "chrome"],
        ),
    }
    for task_id, task in tasks.items():
        with open(os.path.join(domain, f"{task_id}.json"), "w") as f:
            json.dump(task, f, indent=1)
    with open(os.path.join(folder, "test_all.json"), "w") as f:
        json.dump({"libreoffice_calc": list(tasks)}, f)
    return folder
