"""Page-side JavaScript for the Chrome getters: Playwright's selector semantics in a few expressions.

CSS selectors pierce open shadow roots (matches in the document first, then in each shadow root, as Playwright's CSS
engine does); ``text=`` matches the smallest elements whose whitespace-normalised text contains the label,
case-insensitively; XPath selects elements in document order. Arguments are embedded as JSON, never as code.
"""

from __future__ import annotations

import json

_DEEP_ALL = (
    "const deepAll = (sel) => { const out = []; const visit = (root) => {"
    " out.push(...root.querySelectorAll(sel));"
    " for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot); };"
    " visit(document); return out; };"
)


def _with_first(selector: str, body: str) -> str:
    return f"(() => {{ {_DEEP_ALL} const el = deepAll({json.dumps(selector)})[0]; {body} }})()"


def exists(selector: str) -> str:
    return _with_first(selector, "return el ? true : null;")


def inner_text(selector: str) -> str:
    return _with_first(selector, "return el ? el.innerText : null;")


def attribute(selector: str, name: str) -> str:
    return _with_first(selector, f"return el ? el.getAttribute({json.dumps(name)}) : null;")


def visible(selector: str) -> str:
    """True when the first match has a box and is not ``visibility: hidden`` (Playwright's "visible")."""
    return _with_first(
        selector,
        "if (!el) return null; const box = el.getBoundingClientRect();"
        " return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden' ? true : null;",
    )


def click(selector: str) -> str:
    return _with_first(selector, "el.scrollIntoView({block: 'center'}); el.click(); return true;")


def focus(selector: str) -> str:
    return _with_first(selector, "el.focus(); if (el.select) el.select(); return true;")


def texts(selector: str) -> str:
    """The ``textContent`` of every element matching ``selector``."""
    return f"(() => {{ {_DEEP_ALL} return deepAll({json.dumps(selector)}).map(e => e.textContent); }})()"


#: Marks the current document so that a click's navigation can be told from no navigation.
MARK_DOCUMENT = "window.__osworldClickMark = true"
#: ``[document replaced since the mark, readyState]``.
DOCUMENT_STATE = "[!window.__osworldClickMark, document.readyState]"


def text_match(label: str) -> str:
    """The ``textContent`` of the first smallest element whose text contains ``label`` (Playwright's ``text=``)."""
    return (
        "(() => { const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim().toLowerCase();"
        f" const want = norm({json.dumps(label)});"
        " const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'HEAD', 'TEMPLATE']);"
        " const text = (el) => (el.tagName === 'INPUT' && ['button', 'submit'].includes(el.type))"
        " ? el.value : el.textContent;"
        " const hits = (el) => !skip.has(el.tagName) && norm(text(el)).includes(want);"
        " for (const el of document.querySelectorAll('*')) {"
        "  if (hits(el) && !Array.from(el.children).some(hits)) return el.textContent; }"
        " return null; })()"
    )


def _xpath_first(xpath: str, body: str) -> str:
    return (
        f"(() => {{ const r = document.evaluate({json.dumps(xpath)}, document, null,"
        " XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null); let el = null;"
        " for (let i = 0; i < r.snapshotLength; i++) if (r.snapshotItem(i).nodeType === 1) {"
        f" el = r.snapshotItem(i); break; }} {body} }})()"
    )


def xpath_text(xpath: str) -> str:
    return _xpath_first(xpath, "return el ? el.textContent : null;")


def xpath_input_value(xpath: str) -> str:
    """The value of the first element at ``xpath``; an error for elements that have none (as Playwright)."""
    return _xpath_first(
        xpath,
        "if (!el) return null;"
        " if (!['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) throw new Error('Not an input element');"
        " return el.value;",
    )
