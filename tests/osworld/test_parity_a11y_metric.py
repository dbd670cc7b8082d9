"""check_accessibility_tree against the scores OSWorld's own metric gives on the same trees and rules.

The official metric resolves ``st:``/``attr:`` prefixes to ``uri:deskat:...`` names, while the official server (and
ours) writes ``https://accessibility.ubuntu.example.org/ns/...``: namespaced rules match only trees in the older
format, so the cases carry both kinds of tree.
"""

from __future__ import annotations

import pytest

from steprl_envs.osworld.metrics import METRICS

pytest.importorskip("lxml")
pytest.importorskip("cssselect")

SERVER_NS = "https://accessibility.ubuntu.example.org/ns/"


def tree(kind: str) -> str:
    if kind == "server":
        state, attributes = SERVER_NS + "state", SERVER_NS + "attributes"
    else:
        state, attributes = "uri:deskat:state.at-spi.gnome.org", "uri:deskat:attributes.at-spi.gnome.org"
    return (
        f'<desktop-frame xmlns:st="{state}" xmlns:attr="{attributes}">'
        '<application name="Thunderbird"><frame name="Mail" st:active="true" attr:id="main">Inbox - Mail</frame>'
        '<page-tab-list attr:id="tabmail-tabs"><page-tab name="Inbox">Inbox</page-tab>'
        '<page-tab name="Settings">Settings</page-tab></page-tab-list>'
        '<label name="empty"/></application></desktop-frame>'
    )


TABS = 'page-tab-list[attr|id="tabmail-tabs"]>page-tab[name="Settings"]'
# (id, tree kind, rules, official score)
CASES = [
    ("xpath-plain", "server", [{"xpath": "//application[@name='Thunderbird']/frame"}], 1.0),
    ("xpath-missing", "server", [{"xpath": "//application[@name='Gedit']"}], 0.0),
    ("xpath-ns-server-tree", "server", [{"xpath": "//frame[@st:active='true']"}], 0.0),
    ("xpath-ns-deskat-tree", "deskat", [{"xpath": "//frame[@st:active='true']"}], 1.0),
    ("css-ns-server-tree", "server", [{"selectors": [TABS]}], 0.0),
    ("css-ns-deskat-tree", "deskat", [{"selectors": [TABS]}], 1.0),
    ("css-plain", "server", [{"selectors": ['page-tab[name="Inbox"]']}], 1.0),
    ("text-exact", "server", [{"xpath": "//page-tab", "text": "Settings", "exact": True}], 1.0),
    ("text-exact-miss", "server", [{"xpath": "//page-tab", "text": "settings", "exact": True}], 0.0),
    ("text-fuzzy", "server", [{"xpath": "//frame", "text": "Inbox - Mails", "exact": False}], 0.96),
    ("text-fuzzy-empty-element", "server", [{"xpath": "//label", "text": "x", "exact": False}], 0.0),
    (
        "two-rules-multiply",
        "deskat",
        [{"xpath": "//frame[@st:active='true']"}, {"xpath": "//page-tab", "text": "Inbx", "exact": False}],
        0.8888888888888888,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_official_score(case):
    _, kind, rules, score = case
    assert METRICS.get("check_accessibility_tree")(tree(kind), rules) == pytest.approx(score, abs=1e-9)
