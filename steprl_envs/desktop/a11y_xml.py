"""A small element tree for accessibility XML, serialised the way OSWorld's server writes it.

OSWorld agents and getters parse ``/accessibility`` with lxml or ElementTree, pick nodes by role tag, ``name``
and namespaced attributes (``st:showing``, ``cp:screencoord`` ...) and ``eval`` the coordinate strings, so the
namespaces, tag spelling and value formats here are theirs. The image's python3 has no lxml: this module needs only
the standard library.
"""

from __future__ import annotations

import re

#: OSWorld's namespaces for Ubuntu desktops (prefix -> URI), declared once on the root element.
NAMESPACES = {
    "st": "https://accessibility.ubuntu.example.org/ns/state",
    "attr": "https://accessibility.ubuntu.example.org/ns/attributes",
    "cp": "https://accessibility.ubuntu.example.org/ns/component",
    "doc": "https://accessibility.ubuntu.example.org/ns/document",
    "docattr": "https://accessibility.ubuntu.example.org/ns/document/attributes",
    "txt": "https://accessibility.ubuntu.example.org/ns/text",
    "val": "https://accessibility.ubuntu.example.org/ns/value",
    "act": "https://accessibility.ubuntu.example.org/ns/action",
}

# XML 1.0 forbids most control characters and a few code points outright; apps put them in names and text.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_ATTR_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')
_TEXT_SPECIAL = re.compile("[&<>\r]")


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value)


def is_name(name: str) -> bool:
    """Whether ``name`` can be an XML tag or attribute local name (apps report attributes with odd keys)."""
    return bool(_NAME.match(name))


def role_tag(role: str) -> str:
    """The tag for an AT-SPI role name: ``push button`` -> ``push-button``; empty -> ``unknown``."""
    tag = (role or "").strip().replace(" ", "-") or "unknown"
    if is_name(tag):
        return tag
    tag = re.sub(r"[^A-Za-z0-9_.\-]", "-", tag)
    return tag if is_name(tag) else f"_{tag}"


def coords(pair) -> str:
    """OSWorld's spelling of a point or size, a Python tuple that agents ``eval``: ``(10, 20)``."""
    return str(tuple(int(v) for v in pair))


class Element:
    """One node: a tag, ordered attributes (qualified names such as ``st:focused``), text and children."""

    __slots__ = ("tag", "attrs", "text", "children")

    def __init__(self, tag: str, attrs: dict | None = None, text: str = ""):
        self.tag = tag
        self.attrs: dict[str, str] = dict(attrs or {})
        self.text = text
        self.children: list[Element] = []

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def iter(self):
        """This element and all below it, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children)))

    def count(self) -> int:
        return sum(1 for _ in self.iter())


def _attr_value(value: str) -> str:
    return _ATTR_SPECIAL.sub(lambda m: _ATTR_ESCAPES[m.group()], xml_safe(value))


def _text_value(value: str) -> str:
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES[m.group()], xml_safe(value))


def to_xml(root: Element, namespaces: dict[str, str] = NAMESPACES) -> str:
    """The document for ``root``, with ``namespaces`` declared on it."""
    out: list[str] = []
    declare = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items())
    # Iterative (trees nest up to 50 deep and hold thousands of nodes); a snapshot of each child list, so a walk
    # still running elsewhere cannot change what is being written.
    stack: list = [(root, declare)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, extra = item
        attrs = "".join(f' {k}="{_attr_value(str(v))}"' for k, v in node.attrs.items())
        children = list(node.children)
        if not children and not node.text:
            out.append(f"<{node.tag}{extra}{attrs} />")
            continue
        out.append(f"<{node.tag}{extra}{attrs}>{_text_value(node.text)}")
        stack.append(f"</{node.tag}>")
        stack.extend((child, "") for child in reversed(children))
    return "".join(out)
