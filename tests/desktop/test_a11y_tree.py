"""The AT-SPI tree's reading and XML, on fake accessibles shaped like pyatspi's (no bus needed): OSWorld's tags,
namespaces and value formats; spreadsheet grids read as their visible cells; the time, node, depth and width
limits; the terminal reading; the fallback when pyatspi is missing."""

from __future__ import annotations

import os
import re
import stat
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from steprl_envs.desktop import a11y_atspi, a11y_tree
from steprl_envs.desktop.a11y_atspi import AtspiSource
from steprl_envs.desktop.a11y_tree import Api, Limits, terminal_text, walk_desktop
from steprl_envs.desktop.a11y_xml import NAMESPACES, Element, to_xml

ST, ATTR, CP, VAL, ACT = (f"{{{NAMESPACES[p]}}}" for p in ("st", "attr", "cp", "val", "act"))
STATE_NAMES = {1: "active", 2: "showing", 3: "visible", 4: "focused", 5: "multi_line", 6: "enabled"}
STATE_IDS = {v: k for k, v in STATE_NAMES.items()}
SCREEN = 0


class _States:
    def __init__(self, names):
        self._ids = [STATE_IDS[n] for n in names]

    def get_states(self):
        return list(self._ids)


class Acc:
    """A fake pyatspi accessible: attributes for what it has, NotImplementedError for interfaces it lacks."""

    def __init__(self, role, name="", states=(), children=(), *, attrs=None, box=None, text=None, image=False,
                 selection=False, value=None, actions=(), delay=0.0):  # fmt: skip
        self.role, self._name, self.states, self.children = role, name, list(states), list(children)
        self.attrs, self.box, self.text, self.image, self.selection = attrs or {}, box, text, image, selection
        self.value, self.actions, self.delay = value, list(actions), delay
        self.parent = None
        for child in self.children:
            child.parent = self

    @property
    def name(self):
        if self.delay:
            time.sleep(self.delay)
        return self._name

    def getRoleName(self):  # noqa: N802 - pyatspi's spelling
        return self.role

    def getState(self):  # noqa: N802
        return _States(self.states)

    def get_attributes(self):
        return dict(self.attrs)

    @property
    def childCount(self):  # noqa: N802
        return len(self.children)

    def getChildAtIndex(self, i):  # noqa: N802
        return self.children[i]

    def getIndexInParent(self):  # noqa: N802
        return self.parent.children.index(self)

    def queryComponent(self):  # noqa: N802
        if self.box is None:
            raise NotImplementedError
        return _Component(self.box)

    def queryText(self):  # noqa: N802
        if self.text is None:
            raise NotImplementedError
        return _Text(self.text)

    def queryImage(self):  # noqa: N802
        if not self.image:
            raise NotImplementedError
        return object()

    def querySelection(self):  # noqa: N802
        if not self.selection:
            raise NotImplementedError
        return object()

    def queryValue(self):  # noqa: N802
        if self.value is None:
            raise NotImplementedError
        current, low, high, step = self.value
        return type("V", (), {"currentValue": current, "minimumValue": low, "maximumValue": high,
                              "minimumIncrement": step})()  # fmt: skip

    def queryAction(self):  # noqa: N802
        if not self.actions:
            raise NotImplementedError
        return _Action(self.actions)

    def queryTable(self):  # noqa: N802
        raise NotImplementedError


class _Component:
    def __init__(self, box):
        self.box = box

    def getExtents(self, coord_type):  # noqa: N802
        assert coord_type == SCREEN
        return tuple(self.box)


class _Text:
    def __init__(self, text):
        self.text = text
        self.characterCount = len(text)

    def getText(self, start, end):  # noqa: N802
        return self.text[start:end]


class _Action:
    def __init__(self, actions):
        self.actions = actions
        self.nActions = len(actions)

    def getName(self, i):  # noqa: N802
        return self.actions[i][0]

    def getDescription(self, i):  # noqa: N802
        return self.actions[i][1]

    def getKeyBinding(self, i):  # noqa: N802
        return self.actions[i][2]


ON = ("showing", "visible", "enabled")


def api_for(*apps) -> Api:
    return Api(STATE_NAMES, SCREEN, lambda: Acc("desktop frame", "main", (), apps))


def parse(root: Element) -> ET.Element:
    return ET.fromstring(to_xml(root))


def test_nodes_are_written_in_osworlds_format():
    button = Acc(
        "push button",
        "Save",
        ON + ("focused",),
        attrs={"toolkit": "gtk", "bad key": "x", "": "empty"},
        box=(10, 20, 30, 40),
        actions=[("click", "Clicks the button", "<Control>s"), ("long press", "", "")],
    )
    entry = Acc("entry", 'say "hi" & <bye>', ON, box=(0, 0, 5, 5), text="a\ufffcb\ufffdc\x07d", value=(3, 0, 10, 1))
    hidden = Acc("image", "logo", ("visible",), box=(1, 1, 1, 1), image=True, selection=True)
    frame = Acc("frame", "Editor", ON + ("active",), [button, entry, hidden], box=(0, 0, 800, 600))
    app = Acc("application", "gedit", (), [frame])
    xml = to_xml(walk_desktop(api_for(app), Limits(5, 100)))
    for prefix, uri in NAMESPACES.items():
        assert f'xmlns:{prefix}="{uri}"' in xml
    root = ET.fromstring(xml)
    assert root.tag == "desktop-frame" and root.get("truncated") is None
    (app_el,) = root
    assert app_el.tag == "application" and app_el.get("name") == "gedit"
    (frame_el,) = app_el
    assert frame_el.get(ST + "active") == "true"
    button_el, entry_el, hidden_el = frame_el
    assert button_el.tag == "push-button" and button_el.get("name") == "Save"
    assert {k: v for k, v in button_el.attrib.items() if k.startswith(ST)} == {
        ST + s: "true" for s in ("showing", "visible", "enabled", "focused")
    }
    assert button_el.get(ATTR + "toolkit") == "gtk" and not any(" " in k for k in button_el.attrib)
    assert button_el.get(CP + "screencoord") == "(10, 20)" and button_el.get(CP + "size") == "(30, 40)"
    assert eval(button_el.get(CP + "screencoord")) == (10, 20)  # how OSWorld's agents read it
    assert button_el.get(ACT + "click_desc") == "Clicks the button"
    assert button_el.get(ACT + "click_kb") == "<Control>s"
    assert button_el.get(ACT + "long-press_desc") == ""
    assert entry_el.get("name") == 'say "hi" & <bye>'
    assert entry_el.text == "abcd"  # placeholders and a character XML cannot carry are gone
    assert [entry_el.get(VAL + k) for k in ("value", "min", "max", "step")] == ["3", "0", "10", "1"]
    assert hidden_el.get("image") == "true" and hidden_el.get("selection") == "true"
    assert hidden_el.get(CP + "screencoord") is None  # not showing: no extents, as in OSWorld


def test_empty_role_and_odd_role_names_make_valid_tags():
    app = Acc("application", "x", (), [Acc("", "a"), Acc("page tab list", "b"), Acc("3d thing", "c")])
    tags = [e.tag for e in parse(walk_desktop(api_for(app), Limits(5, 100))).iter()]
    assert tags == ["desktop-frame", "application", "unknown", "page-tab-list", "_3d-thing"]


class SheetTable(Acc):
    """Calc's grid: 2^31-1 children that must never be walked; cells come from the Table interface, and those in
    rows 3-6 x columns B-D are on screen."""

    ROWS, COLUMNS = range(2, 6), range(1, 4)
    CELL_W, CELL_H, X0, Y0 = 100, 20, 40, 200

    def __init__(self, values):
        super().__init__("table", "Sheet Sheet1", ON, box=(self.X0, self.Y0, 300, 80))
        self.values = values
        self.asked: list[tuple[int, int]] = []

    @property
    def childCount(self):  # noqa: N802
        return 2**31 - 1

    def getChildAtIndex(self, i):  # noqa: N802
        raise AssertionError("the grid was walked child by child")

    def queryTable(self):  # noqa: N802
        return self

    nRows, nColumns = 1048576, 16384  # noqa: N815

    def getAccessibleAt(self, row, column):  # noqa: N802
        self.asked.append((row, column))
        name = f"{'ABCDEFGHIJ'[column]}{row + 1}"
        showing = row in self.ROWS and column in self.COLUMNS
        box = (self.X0 + (column - 1) * self.CELL_W, self.Y0 + (row - 2) * self.CELL_H, self.CELL_W, self.CELL_H)
        return Acc("table cell", name, ON if showing else ("visible",), box=box, text=self.values.get(name, ""))

    def queryComponent(self):  # noqa: N802
        table = self

        class Component(_Component):
            def getAccessibleAtPoint(self, x, y, coord_type):  # noqa: N802
                column = 1 + (x - table.X0) // table.CELL_W
                row = 2 + (y - table.Y0) // table.CELL_H
                return table.getAccessibleAt(row, column)

        return Component(self.box)


def test_spreadsheet_grid_gives_visible_cells_without_walking_it():
    table = SheetTable({"B3": "Name", "C3": "Score", "B4": "Ann", "C4": "17"})
    doc = Acc("document spreadsheet", "file:///tmp/s.xlsx", ON, [table], box=(0, 0, 800, 600))
    app = Acc("application", "soffice", (), [Acc("frame", "s.xlsx - LibreOffice Calc", ON, [doc])])
    root = parse(walk_desktop(api_for(app), Limits(5, 1000)))
    (table_el,) = root.iter("table")
    cells = list(table_el)
    assert [c.get("name") for c in cells] == [f"{c}{r}" for r in (3, 4, 5, 6) for c in "BCD"]
    assert {c.get("name"): c.text for c in cells if c.text} == {"B3": "Name", "C3": "Score", "B4": "Ann", "C4": "17"}
    assert all(c.tag == "table-cell" and c.get(ST + "showing") == "true" for c in cells)
    assert len(table.asked) < 40  # the corners and the visible block, not the sheet


def test_a_slow_grid_stops_at_the_time_limit_and_lets_go_of_the_connection():
    class SlowSheet(SheetTable):
        def getAccessibleAt(self, row, column):  # noqa: N802
            time.sleep(0.1)
            return super().getAccessibleAt(row, column)

    table = SlowSheet({"B3": "Name"})
    doc = Acc("document spreadsheet", "s.xlsx", ON, [table], box=(0, 0, 800, 600))
    started = time.monotonic()
    root = parse(walk_desktop(api_for(Acc("application", "soffice", (), [doc])), Limits(0.3, 1000)))
    assert time.monotonic() - started < 1.0 and root.get("truncated")
    assert a11y_tree.ATSPI_LOCK.acquire(timeout=0.5), "the walk kept reading cells past its time limit"
    a11y_tree.ATSPI_LOCK.release()
    assert len(table.asked) < 12


def test_walk_stops_at_the_time_limit_and_keeps_what_is_on_screen_first():
    slow_menu = [Acc("menu item", f"hidden {i}", ("enabled",), delay=0.02) for i in range(200)]
    menu = Acc("menu", "File", ON, [Acc("menu", "Recent", ("enabled",), slow_menu)])
    canvas = Acc("frame", "Doc", ON, [menu] + [Acc("push button", f"b{i}", ON, delay=0.005) for i in range(20)])
    app = Acc("application", "slow", (), [canvas])
    started = time.monotonic()
    root = parse(walk_desktop(api_for(app), Limits(time_limit=0.5, max_nodes=10_000)))
    took = time.monotonic() - started
    assert took < 1.2, f"the walk took {took:.2f} s with a 0.5 s limit"
    assert root.get("truncated", "").startswith("time limit (0.5 s) reached")
    names = [e.get("name") for e in root.iter()]
    assert all(f"b{i}" in names for i in range(20)), "on-screen buttons lost to hidden menu items"
    assert 0 < sum(n.startswith("hidden") for n in names if n) < 200
    assert "unknown" not in [e.tag for e in root.iter()], "a placeholder never read was written"


def test_a_hung_app_costs_only_the_time_limit():
    fine = Acc("application", "fine", (), [Acc("frame", "answers", ON, box=(0, 0, 1, 1))])
    hung = Acc("application", "hung", (), [Acc("frame", "never answers", ON, delay=2.0)])
    started = time.monotonic()
    root = parse(walk_desktop(api_for(fine, hung), Limits(time_limit=0.3, max_nodes=100)))
    assert time.monotonic() - started < 1.0
    assert root.get("truncated", "").startswith("time limit (0.3 s)")
    assert [a.get("name") for a in root] == ["fine", "hung"]
    assert [f.get("name") for f in root.iter("frame")] == ["answers"]
    # The hung call still holds the AT-SPI connection: the next walk waits at most its own limit, then says so.
    started = time.monotonic()
    second = parse(walk_desktop(api_for(fine), Limits(time_limit=0.3, max_nodes=100)))
    assert time.monotonic() - started < 1.0
    assert second.get("truncated") == "a previous walk still holds the AT-SPI connection" and len(second) == 0
    assert a11y_tree.ATSPI_LOCK.acquire(timeout=5), "the hung walk never let go"
    a11y_tree.ATSPI_LOCK.release()


def test_node_depth_and_width_limits():
    wide = Acc("application", "wide", (), [Acc("list item", str(i), ON) for i in range(1500)])
    root = parse(walk_desktop(api_for(wide), Limits(30, 100_000)))
    assert len(root.find("application")) == a11y_tree.MAX_WIDTH and root.get("truncated") is None
    capped = parse(walk_desktop(api_for(wide), Limits(30, 10)))
    assert sum(1 for _ in capped.iter()) == 11 and capped.get("truncated") == "node limit (10) reached"
    deep = Acc("panel", "leaf", ON)
    for level in range(70):
        deep = Acc("panel", f"level {level}", ON, [deep])
    root = parse(walk_desktop(api_for(Acc("application", "deep", (), [deep])), Limits(30, 100_000)))
    depth, node = 0, root
    while len(node):
        node, depth = node[0], depth + 1
    assert depth == a11y_tree.MAX_DEPTH


def _terminal_app(*frames):
    return Acc("application", "gnome-terminal-server", (), list(frames))


def _terminal_frame(active: bool, *terminals):
    states = ON + (("active",) if active else ())
    return Acc("frame", "user@host: ~", states, [Acc("scroll pane", "", ON, list(terminals))])


def test_terminal_text_is_the_focused_terminal_of_the_active_window():
    focused = Acc("terminal", "Terminal", ON + ("focused",), text="$ echo hi\nhi\n$ \n\n\n")
    other = Acc("terminal", "Terminal", ON, text="other tab")
    limits = Limits(5, 1000)
    assert terminal_text(api_for(_terminal_app(_terminal_frame(True, focused, other))), limits) == "$ echo hi\nhi\n$"
    assert terminal_text(api_for(_terminal_app(_terminal_frame(False, focused))), limits) is None
    assert terminal_text(api_for(Acc("application", "xterm", (), [_terminal_frame(True, focused)])), limits) is None
    two = _terminal_frame(True, focused, Acc("terminal", "Terminal", ON + ("focused",), text="second"))
    assert terminal_text(api_for(_terminal_app(two)), limits) is None  # OSWorld wants exactly one


def _fake_python(tmp_path, body: str) -> str:
    path = tmp_path / "python"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_without_pyatspi_the_source_says_why_and_stops_asking(tmp_path):
    calls = tmp_path / "calls"
    python = _fake_python(
        tmp_path, f"echo x >> {calls}\necho \"ModuleNotFoundError: No module named 'pyatspi'\" >&2\nexit 1"
    )
    source = AtspiSource(dict(os.environ), python=python)
    assert source.tree_xml() is None and source.terminal() == (False, None)
    assert "No module named 'pyatspi'" in source.unavailable_reason
    assert calls.read_text().count("x") == 1, "a missing pyatspi was probed again"


def test_a_bus_that_does_not_answer_is_probed_again_later(tmp_path, monkeypatch):
    python = _fake_python(tmp_path, 'echo "dbind-ERROR: Couldn\'t connect to accessibility bus" >&2\nexit 133')
    source = AtspiSource(dict(os.environ), python=python)
    assert source.api() is None and "accessibility bus" in source.unavailable_reason
    monkeypatch.setattr(a11y_atspi, "PROBE_RETRY", 0.0)
    (tmp_path / "python").write_text("#!/bin/sh\nexit 3\n")
    assert source.api() is None and source.unavailable_reason == "exit 3"


def test_serialisation_survives_a_walk_still_running():
    root = Element("desktop-frame")
    app = Element("application", {"name": "busy"})
    root.children.append(app)
    stop = threading.Event()

    def grow():
        for _ in range(20_000):
            if stop.is_set():
                return
            app.children.append(Element("label", {"name": "x"}))
            time.sleep(0)

    worker = threading.Thread(target=grow)
    worker.start()
    try:
        for _ in range(20):
            ET.fromstring(to_xml(root))
    finally:
        stop.set()
        worker.join()
    assert re.match(r"<desktop-frame xmlns:st=", to_xml(root))


@pytest.mark.parametrize("text", ["line\r\nnext", "tab\there", "  spaced  "])
def test_text_round_trips(text):
    root = Element("desktop-frame")
    root.children.append(Element("paragraph", {"name": text}, text))
    (para,) = parse(root)
    assert para.text == text and para.get("name") == text


def test_terminal_endpoint_answers_404_without_atspi(tmp_path):
    """``vm_terminal_output`` falls back to the terminal's transcript on a 404."""
    import http.client
    import json

    from steprl_envs.desktop.handlers import Desktop
    from steprl_envs.desktop.server import serve

    python = _fake_python(tmp_path, "echo \"ModuleNotFoundError: No module named 'pyatspi'\" >&2\nexit 1")
    desktop = Desktop(":99", str(tmp_path), dict(os.environ), [str(tmp_path)])
    desktop.a11y = AtspiSource(desktop.env, python=python)
    httpd = serve(desktop, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=10)
        conn.request("GET", "/terminal")
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 404 and "No module named 'pyatspi'" in body["message"]
    finally:
        httpd.shutdown()
        httpd.server_close()
