"""A widget-level accessibility tree read through AT-SPI, in OSWorld's XML format, within a time and node budget.

OSWorld's server walks every application on the AT-SPI bus and writes one element per accessible: the role as tag,
``name``, states as ``st:<state>="true"``, object attributes as ``attr:<key>``, on-screen extents as
``cp:screencoord``/``cp:size`` (visible and showing nodes only), text as element text, ``image``/``selection``
flags, ``val:`` numbers and ``act:<action>_desc``/``_kb``. At most 50 levels and 1024 children per node are walked;
spreadsheet tables (LibreOffice Calc reports 2^31-1 cells) give only their cells on screen.

Unlike the official server this walk has a wall-clock budget and a node cap: when either runs out the answer is
what was read so far (nodes on screen before hidden ones), and the root carries ``truncated="..."``. The walk
works on any objects shaped like pyatspi's accessibles; ``a11y_atspi`` connects it to the real bus.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass

from .a11y_xml import Element, coords, is_name, role_tag

MAX_DEPTH = 50
MAX_WIDTH = 1024
#: cells read from a spreadsheet's screen area at most (a zoomed-out sheet shows a few thousand)
MAX_CELLS = 5000
#: how long past the time limit a walk may take to finish the node it is reading
GRACE = 0.25
TERMINAL_APP = "gnome-terminal-server"

#: one walk at a time: libatspi's caches are not safe to use from several threads at once
ATSPI_LOCK = threading.Lock()
_CELL_NAME = re.compile(r"([A-Z]{1,3})([0-9]{1,7})\Z")


@dataclass(frozen=True)
class Limits:
    """How long one walk may take (seconds) and how many nodes it may write."""

    time_limit: float = 5.0
    max_nodes: int = 20000


class Budget:
    """Counts nodes and watches the clock; once spent it says why, and the walk stops taking nodes."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.time_limit
        self.nodes = 0
        self.spent: str | None = None
        self._lock = threading.Lock()  # the time limit is enforced from the requesting thread

    def take(self) -> bool:
        with self._lock:
            if self.spent:
                return False
            if self.nodes >= self.limits.max_nodes:
                self.spent = f"node limit ({self.limits.max_nodes}) reached"
            elif time.monotonic() > self.deadline:
                self.spent = f"time limit ({self.limits.time_limit:g} s) reached after {self.nodes} nodes"
            else:
                self.nodes += 1
                return True
            return False

    def expired(self) -> bool:
        """Whether the walk must stop now (checked inside long loops over one node's children)."""
        return bool(self.spent) or time.monotonic() > self.deadline

    def stop(self, why: str) -> None:
        self.spent = self.spent or why


class Api:
    """What the walk needs from pyatspi besides the accessibles themselves: state names and the screen origin."""

    def __init__(self, state_names: dict[int, str], xy_screen: int, desktop=None):
        self.state_names = state_names
        self.xy_screen = xy_screen
        self._desktop = desktop

    @classmethod
    def from_pyatspi(cls, pyatspi) -> Api:
        names = {}
        for value, name in pyatspi.StateType._enum_lookup.items():
            short = name.split("_", 1)[1].lower() if "_" in name else ""
            if short:
                names[int(value)] = short
        return cls(names, pyatspi.XY_SCREEN, lambda: pyatspi.Registry.getDesktop(0))

    def desktop(self):
        return self._desktop()

    def states(self, acc) -> list[str]:
        return [self.state_names[int(s)] for s in acc.getState().get_states() if int(s) in self.state_names]


def _interface(acc, query: str):
    """``acc.queryX()``, or None where the accessible lacks that interface (pyatspi raises NotImplementedError)."""
    try:
        return getattr(acc, query)()
    except NotImplementedError:
        return None


def read_node(acc, api: Api, states: list[str] | None = None) -> tuple[Element, str]:
    """One accessible as an element (no children) and its raw role name (``states`` when already read). Each
    interface is read on its own, so one that fails (a dying widget, a buggy toolkit) costs only its attributes."""
    attrs: dict[str, str] = {"name": acc.name or ""}
    if states is None:
        try:
            states = api.states(acc)
        except Exception:
            states = []
    for state in states:
        attrs[f"st:{state}"] = "true"
    try:
        for key, value in (acc.get_attributes() or {}).items():
            if key and is_name(key):
                attrs[f"attr:{key}"] = str(value)
    except Exception:
        pass
    if "visible" in states and "showing" in states:
        try:
            component = _interface(acc, "queryComponent")
            if component is not None:
                box = tuple(component.getExtents(api.xy_screen))
                attrs["cp:screencoord"] = coords(box[0:2])
                attrs["cp:size"] = coords(box[2:4])
        except Exception:
            pass
    text = ""
    try:
        text_iface = _interface(acc, "queryText")
        if text_iface is not None:
            # U+FFFC stands for an embedded object, U+FFFD for an unknown character: neither is text
            text = text_iface.getText(0, text_iface.characterCount).replace("\ufffc", "").replace("\ufffd", "")
    except Exception:
        pass
    for flag, query in (("image", "queryImage"), ("selection", "querySelection")):
        try:
            if _interface(acc, query) is not None:
                attrs[flag] = "true"
        except Exception:
            pass
    try:
        value = _interface(acc, "queryValue")
        if value is not None:
            for key, field in (
                ("value", "currentValue"),
                ("min", "minimumValue"),
                ("max", "maximumValue"),
                ("step", "minimumIncrement"),
            ):
                try:
                    attrs[f"val:{key}"] = str(getattr(value, field))
                except Exception:
                    pass
    except Exception:
        pass
    try:
        action = _interface(acc, "queryAction")
        if action is not None:
            for i in range(action.nActions):
                name = (action.getName(i) or "").replace(" ", "-")
                if name and is_name(name):
                    attrs[f"act:{name}_desc"] = action.getDescription(i) or ""
                    attrs[f"act:{name}_kb"] = action.getKeyBinding(i) or ""
    except Exception:
        pass
    role = ""
    try:
        role = (acc.getRoleName() or "").strip()
    except Exception:
        pass
    return Element(role_tag(role), attrs, text), role


def _cell_position(cell, table) -> tuple[int, int] | None:
    """Row and column of a spreadsheet cell: from its name (``B7``; Calc's indices overflow past row 131072),
    else from its index in the table."""
    match = _CELL_NAME.match(cell.name or "")
    if match:
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - ord("A") + 1
        return int(match.group(2)) - 1, column - 1
    index = cell.getIndexInParent()
    if index < 0:
        return None
    return table.getRowAtIndex(index), table.getColumnAtIndex(index)


def visible_cells(acc, api: Api):
    """The cells of a huge table that are on screen, row by row, found from the cells at the table's visible
    corners (never by walking its children)."""
    table = _interface(acc, "queryTable")
    component = _interface(acc, "queryComponent")
    if table is None or component is None:
        return
    x, y, width, height = tuple(component.getExtents(api.xy_screen))[:4]
    if width <= 2 or height <= 2:
        return
    first = component.getAccessibleAtPoint(x + 1, y + 1, api.xy_screen)
    start = _cell_position(first, table) if first is not None else None
    if start is None:
        return
    last = component.getAccessibleAtPoint(x + width - 2, y + height - 2, api.xy_screen)
    end = _cell_position(last, table) if last is not None else None
    if end is None:  # the grid ends inside the view: stop where cells stop showing
        end = (min(table.nRows, start[0] + 500) - 1, min(table.nColumns, start[1] + 500) - 1)
    rows, columns = range(start[0], end[0] + 1), range(start[1], end[1] + 1)
    given = 0
    for row in rows:
        for column in columns:
            cell = table.getAccessibleAt(row, column)
            states = api.states(cell) if cell is not None else []
            if "showing" not in states:
                if column == start[1]:
                    return  # the first column of this row is off screen: so is every row after it
                break
            yield cell, states
            given += 1
            if given >= MAX_CELLS:
                return


class Walk:
    """Reads a tree of accessibles into elements, on screen first.

    Every child gets a placeholder in document order when its parent is read, so the XML keeps the apps' order
    whatever order nodes are read in. Children of nodes on screen (``showing``) are read first; those under hidden
    nodes (closed menus' items, inactive tabs) wait until nothing on screen is left. When the budget runs out,
    placeholders never read are dropped: a truncated tree loses hidden widgets before visible ones.
    """

    def __init__(self, api: Api, budget: Budget, pending: set[int] | None = None):
        self.api = api
        self.budget = budget
        self._urgent: list = []  # a stack: depth first, in document order
        self._later: deque = deque()
        self._pending = set() if pending is None else pending

    def add(self, parent: Element, acc, depth: int, in_sheet: bool, states=None, urgent: bool = False) -> Element:
        """A placeholder for ``acc`` under ``parent``, queued for reading: now if ``urgent`` or its ``states``
        (read already) say it is on screen, else later."""
        element = Element("unknown")
        self._pending.add(id(element))
        parent.children.append(element)
        item = (element, acc, depth, in_sheet, states)
        if urgent or (states is not None and "showing" in states):
            self._urgent.append(item)
        else:
            self._later.append(item)
        return element

    def run(self) -> None:
        run_together([self], self.budget)

    def step(self, urgent: bool) -> bool:
        """Read one queued node (one on screen, or with ``urgent`` False one hidden); False when none is left."""
        if urgent and self._urgent:
            item = self._urgent.pop()
        elif not urgent and self._later:
            item = self._later.popleft()
        else:
            return False
        try:
            self._visit(*item)
        except Exception:
            pass  # a widget that vanished mid-walk: its placeholder is dropped
        return True

    def has(self, urgent: bool) -> bool:
        return bool(self._urgent if urgent else self._later)

    def _visit(self, element: Element, acc, depth: int, in_sheet: bool, states: list[str] | None) -> None:
        read, role = read_node(acc, self.api, states)
        element.tag, element.attrs, element.text = read.tag, read.attrs, read.text
        self._pending.discard(id(element))
        in_sheet = in_sheet or role == "document spreadsheet"
        if depth >= MAX_DEPTH or self.budget.spent:
            return
        # Only children of a node on screen can be on screen (apps themselves never show): ask those for their
        # states now, so hidden ones wait.
        showing = read.get("st:showing") == "true" or role == "application"
        count = acc.childCount
        children = []
        if role == "table" and (in_sheet or count > MAX_WIDTH):
            try:
                for cell in visible_cells(acc, self.api):
                    children.append(cell)
                    if self.budget.expired():
                        break
            except Exception:
                pass
        else:
            for i in range(min(count, MAX_WIDTH)):
                if self.budget.expired():
                    break
                try:
                    child = acc.getChildAtIndex(i)
                    if child is not None:
                        children.append((child, self._states(child) if showing else None))
                except Exception:
                    continue
        mark = len(self._urgent)
        for child, child_states in children:
            self.add(element, child, depth + 1, in_sheet, child_states)
        self._urgent[mark:] = reversed(self._urgent[mark:])  # the stack pops the last: first child on top

    def _states(self, acc) -> list[str] | None:
        try:
            return self.api.states(acc)
        except Exception:
            return None

    def prune(self, root: Element) -> Element:
        return drop_unread(root, self._pending)


def run_together(walks: list[Walk], budget: Budget) -> None:
    """Take turns: one node from each walk that has nodes on screen left, until none has; then hidden nodes the
    same way. A slow or huge app cannot starve the others of the budget."""
    for urgent in (True, False):
        while True:
            busy = [walk for walk in walks if walk.has(urgent)]
            if not busy:
                break
            for walk in busy:
                if not budget.take():
                    return
                walk.step(urgent)  # children of hidden nodes are hidden: phase two never refills phase one


def drop_unread(root: Element, pending: set[int]) -> Element:
    """``root`` without the placeholders never read."""
    for node in root.iter():
        node.children = [c for c in node.children if id(c) not in pending]
    return root


def walk_desktop(api: Api, limits: Limits) -> Element:
    """The whole desktop: a ``desktop-frame`` with one ``application`` per app on the bus, apps taking turns on one
    budget. The walk runs in a thread of its own and holds the AT-SPI lock (libatspi is not thread-safe); when the
    time limit passes (a hung app can block a call for its D-Bus timeout) the tree read so far is returned,
    marked."""
    root = Element("desktop-frame")
    budget = Budget(limits)
    pending: set[int] = set()

    def walk():
        if not ATSPI_LOCK.acquire(timeout=limits.time_limit):
            budget.stop("a previous walk still holds the AT-SPI connection")
            return
        try:
            desktop = api.desktop()
            walks = []
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                if app is not None:
                    walks.append(Walk(api, budget, pending))
                    walks[-1].add(root, app, 1, False, urgent=True)
            run_together(walks, budget)
        except Exception as e:
            budget.stop(f"the desktop did not answer: {type(e).__name__}: {e}")
        finally:
            ATSPI_LOCK.release()

    worker = threading.Thread(target=walk, name="a11y-walk", daemon=True)
    worker.start()
    worker.join(max(0.0, budget.deadline + GRACE - time.monotonic()))
    if worker.is_alive():
        budget.stop(f"time limit ({limits.time_limit:g} s) reached after {budget.nodes} nodes")
    if budget.spent:
        root.attrs["truncated"] = budget.spent
    return drop_unread(root, pending)


def read_subtree(acc, api: Api, budget: Budget, depth: int = 1) -> Element | None:
    """The subtree at ``acc`` (in the calling thread), or None when the budget allowed not even its root."""
    holder = Element("holder")
    walk = Walk(api, budget)
    walk.add(holder, acc, depth, False, urgent=True)
    walk.run()
    walk.prune(holder)
    return holder.children[0] if holder.children else None


def terminal_text(api: Api, limits: Limits) -> str | None:
    """The focused terminal's text in gnome-terminal's active window, as OSWorld's ``/terminal`` reads it: None
    unless exactly one focused terminal is in an active frame."""
    if not ATSPI_LOCK.acquire(timeout=limits.time_limit):
        return None
    try:
        return _terminal_text(api, Budget(limits))
    finally:
        ATSPI_LOCK.release()


def _terminal_text(api: Api, budget: Budget) -> str | None:
    found: list[Element] = []
    desktop = api.desktop()
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is None or app.name != TERMINAL_APP:
            continue
        for j in range(app.childCount):
            frame = app.getChildAtIndex(j)
            if frame is None or frame.getRoleName() != "frame" or "active" not in api.states(frame):
                continue
            tree = read_subtree(frame, api, budget, depth=2)
            if tree is not None:
                found += [e for e in tree.iter() if e.tag == "terminal" and e.get("st:focused") == "true"]
    return found[0].text.rstrip() if len(found) == 1 else None
