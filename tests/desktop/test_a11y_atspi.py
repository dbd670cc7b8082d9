"""The widget-level accessibility tree on the full desktop image, with real applications on the AT-SPI bus: Calc's
cells without walking its grid, Chromium's address bar as ``active_url_from_accessTree`` reads it, gnome-terminal's
text through ``/terminal``, and the walk's time limit."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pytest

from steprl_envs.desktop.a11y_xml import NAMESPACES
from steprl_envs.desktop.providers.docker import DockerProvider
from steprl_envs.osworld.getters import GETTERS
from tests.osworld.builders import build_xlsx

pytestmark = [pytest.mark.container, pytest.mark.slow, pytest.mark.usefixtures("no_leaked_containers")]

ST = f"{{{NAMESPACES['st']}}}"
CHROMIUM = (
    "if command -v google-chrome >/dev/null; then exec google-chrome {url}; "
    "else exec chromium --no-sandbox --no-first-run --force-renderer-accessibility --user-data-dir=$HOME/.chr {url}; fi"
)
PAGE = "<html><head><title>Hello page</title></head><body><h1>Hello</h1><input value='box'></body></html>"


def _until(what, probe, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(1.0)
    pytest.fail(f"{what} within {timeout:g} s (last: {value!r})")


def _tree(client) -> ET.Element:
    return ET.fromstring(client.accessibility(timeout=60))


def test_widget_tree_of_calc_chromium_and_the_terminal(engine, desktop_full_image, tmp_path):
    with DockerProvider(desktop_full_image, client=engine, ready_timeout=60) as provider:
        client = provider.client()
        ctx = type("Ctx", (), {"client": client})()
        sheet = build_xlsx(tmp_path / "small.xlsx", {"Sheet1": [["Name", "Score"], ["Ann", 17], ["Bob", 23]]})
        client.upload("/home/user/small.xlsx", open(sheet, "rb").read())
        client.upload("/home/user/page.html", PAGE.encode())
        client.launch(["libreoffice", "--calc", "--norestore", "/home/user/small.xlsx"])
        client.launch(CHROMIUM.format(url="file:///home/user/page.html"), shell=True)
        client.launch(["gnome-terminal"])

        def calc_cells():
            tree = _tree(client)
            tables = [t for d in tree.iter("document-spreadsheet") for t in d.iter("table")]
            cells = {c.get("name"): c.text for t in tables for c in t if c.tag == "table-cell"}
            return (tree, tables, cells) if cells.get("A1") == "Name" else None

        tree, tables, cells = _until("Calc's cells on the AT-SPI bus", calc_cells)
        assert cells["B2"] == "17" and cells["A3"] == "Bob" and not cells.get("A5")
        assert 6 <= len(tables[0]) < 5000, "the grid was walked past what is on screen"
        assert all(c.get(ST + "showing") == "true" for c in tables[0])

        getter = GETTERS.get("active_url_from_accessTree")
        url = _until("Chromium's address bar", lambda: getter(ctx, {"goto_prefix": "file://"}))
        assert url == "file:///home/user/page.html"

        client.activate_window("gnome-terminal", by_class=True)
        # /terminal answers only for a focused terminal in the active frame: its prompt means keys will reach it.
        terminal_text = GETTERS.get("vm_terminal_output")
        _until("the shell's prompt in the terminal", lambda: (o := terminal_text(ctx, {})) and o.rstrip().endswith("$"))
        client.execute("xdotool type --delay 20 'echo atspi-$((6*7))' && xdotool key Return", shell=True)
        status, body = client.request("GET", "/terminal", timeout=30)
        assert status == 200 and json.loads(body)["status"] == "success"
        output = _until(
            "the command's output in /terminal",
            lambda: (o := terminal_text(ctx, {})) and "atspi-42" in o and o,
            timeout=30,
        )
        assert "echo atspi-$((6*7))" in output and output.rstrip().splitlines()[-1].endswith("$")

        # A second server on the same display with a short budget: the walk stops in time and says so.
        client.launch(
            'exec python3 -m steprl_envs.desktop.server --port 5099 --display "$DISPLAY" --a11y-time-limit 0.3',
            shell=True,
        )
        probe = (
            "import json, os, time, urllib.request\n"
            "token = os.environ.get('STEPRL_DESKTOP_TOKEN')\n"  # the second server inherits the first's token
            "url = urllib.request.Request('http://127.0.0.1:5099/accessibility',\n"
            "    headers={'Authorization': f'Bearer {token}'} if token else {})\n"
            "for _ in range(100):\n"
            "    try: urllib.request.urlopen(url, timeout=30).read(); break\n"
            "    except OSError: time.sleep(0.2)\n"
            "start = time.monotonic(); tree = json.load(urllib.request.urlopen(url, timeout=30))['AT']\n"
            "print(json.dumps({'took': time.monotonic() - start, 'tree': tree}))\n"
        )
        done = client.execute(["python3", "-c", probe], timeout=60)
        assert done["returncode"] == 0, done["error"][-800:]
        answer = json.loads(done["output"])
        root = ET.fromstring(answer["tree"])
        assert answer["took"] < 1.5, f"a 0.3 s walk answered after {answer['took']:.2f} s"
        assert root.get("truncated", "").startswith("time limit (0.3 s)")
        assert 0 < sum(1 for _ in root.iter()) < sum(1 for _ in tree.iter())
