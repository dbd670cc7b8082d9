"""``active_url_from_accessTree`` against OSWorld's own getter: each case's expected value was obtained by running
the official ``get_active_url_from_accessTree`` on the same tree and config (with the machine architecture that
makes it look for the case's browser: x86_64 for "Google Chrome", armv7l for "Chromium")."""

from __future__ import annotations

import pytest

from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.getters_a11y import url_from_tree

NS = (
    'xmlns:st="https://accessibility.ubuntu.example.org/ns/state" '
    'xmlns:attr="https://accessibility.ubuntu.example.org/ns/attributes" '
    'xmlns:cp="https://accessibility.ubuntu.example.org/ns/component"'
)


def tree(*apps: str) -> str:
    return f"<desktop-frame {NS}>{''.join(apps)}</desktop-frame>"


def browser(name: str, *bars: str) -> str:
    return (
        f'<application name="{name}"><frame name="New Tab - {name}" st:active="true">'
        f'<panel name="">{"".join(bars)}</panel></frame></application>'
    )


def bar(text: str = "", name: str = "Address and search bar", inner: str = "") -> str:
    return f'<entry name="{name}" st:focusable="true" st:showing="true">{text}{inner}</entry>'


# (tree, config, expected) - expected from the official getter
CASES = [
    pytest.param(
        tree(browser("Google Chrome", bar("www.example.com/path?q=1"))),
        {},
        "https://www.example.com/path?q=1",
        id="chrome",
    ),
    pytest.param(tree(browser("Chromium", bar("example.org/"))), {}, "https://example.org/", id="chromium"),
    pytest.param(
        tree(browser("Google Chrome", bar("localhost:8000/a"))),
        {"goto_prefix": "http://"},
        "http://localhost:8000/a",
        id="goto_prefix",
    ),
    pytest.param(
        tree(browser("Google Chrome", bar("github.com"))), {"goto_prefix": ""}, "github.com", id="empty-prefix"
    ),
    pytest.param(
        tree(browser("Google Chrome", bar("a.com")), browser("Google Chrome", bar("b.com"))),
        {},
        "https://a.com",
        id="two-windows-first-wins",
    ),
    pytest.param(tree(browser("Google Chrome", bar("a.com"), bar(""))), {}, None, id="last-bar-empty-gives-none"),
    pytest.param(tree(browser("Google Chrome", bar(""), bar("b.com"))), {}, "https://None", id="first-bar-empty"),
    pytest.param(
        tree(browser("Google Chrome", bar("x.org", inner='<section name="" />'))),
        {},
        "https://x.org",
        id="text-before-children",
    ),
    pytest.param(tree(browser("Google Chrome", bar("x.org", name="Search"))), {}, None, id="entry-not-the-address-bar"),
    pytest.param(tree('<application name="soffice"><frame name="Calc" /></application>'), {}, None, id="no-browser"),
    pytest.param(tree(bar("loose.com")), {}, None, id="bar-outside-an-application"),
    pytest.param(
        tree(browser("Google Chrome", bar("a&amp;b.com/?x=&lt;1&gt;"))), {}, "https://a&b.com/?x=<1>", id="escaped"
    ),
]


@pytest.mark.parametrize("xml, config, expected", CASES)
def test_active_url_matches_osworld(xml, config, expected):
    assert url_from_tree(xml, config.get("goto_prefix", "https://")) == expected


def test_google_chrome_is_preferred_to_chromium():
    xml = tree(browser("Chromium", bar("chromium.org")), browser("Google Chrome", bar("google.com")))
    assert url_from_tree(xml) == "https://google.com"


@pytest.mark.parametrize("xml", [None, "", "<desktop-frame><unclosed></desktop-frame>"])
def test_no_tree_or_a_broken_one_gives_none(xml):
    assert url_from_tree(xml) is None


def test_the_getter_reads_the_desktops_tree():
    class Client:
        def accessibility(self):
            return tree(browser("Chromium", bar("example.com/page")))

    ctx = type("Ctx", (), {"client": Client()})()
    getter = GETTERS.get("active_url_from_accessTree")
    assert getter(ctx, {"goto_prefix": "https://"}) == "https://example.com/page"
    assert getter(ctx, {}) == "https://example.com/page"
