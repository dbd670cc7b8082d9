"""OSWorld's Chrome metrics: tabs, URLs, bookmarks, profile settings, cookies, history and page HTML.

URLs compare with OSWorld's normalisation (:func:`steprl_envs.osworld.chrome.compare_urls`: http by default, host
lowercased without ``www.``, a lone ``/`` path dropped). Rule types OSWorld does not know raise ``TypeError``, as
there; where OSWorld answers 0 for them, so do these.
"""

from __future__ import annotations

import re
from itertools import product

from ..chrome import compare_urls
from . import METRICS


def _lists_equal(expected: list, actual: list, same) -> bool:
    """OSWorld's ``are_lists_equal``: equal lengths and every expected item has an equal actual item."""
    if len(expected) != len(actual):
        return False
    return all(any(same(e, a) for a in actual) for e in expected)


@METRICS.register("is_expected_active_tab")
def is_expected_active_tab(active_tab_info, rule: dict) -> float:
    """The active tab (a dict with ``url``, or a URL) is at ``rule["url"]``."""
    if not active_tab_info:
        return 0.0
    if rule["type"] != "url":
        return 0.0
    actual = active_tab_info.get("url", None) if isinstance(active_tab_info, dict) else active_tab_info
    return 1.0 if compare_urls(rule["url"], actual) else 0.0


@METRICS.register("is_expected_url_pattern_match")
def is_expected_url_pattern_match(result, rules: dict) -> float:
    """Every regular expression of ``rules["expected"]`` is found in the URL."""
    if not result:
        return 0.0
    url = result["url"] if type(result) is dict else result
    for pattern in rules["expected"]:
        if not re.search(pattern, url):
            return 0.0
    return 1.0


@METRICS.register("is_expected_installed_extensions")
def is_expected_installed_extensions(installed_extensions, expected: dict) -> float:
    return 1.0 if set(expected["expected"]).issubset(set(installed_extensions)) else 0.0


@METRICS.register("is_expected_tabs")
def is_expected_tabs(open_tabs: list[dict], rule: dict) -> float:
    """The open tabs are exactly ``rule["urls"]`` (in any order)."""
    if rule["type"] != "url":
        return 0.0
    actual = [tab["url"] for tab in open_tabs]
    return 1.0 if _lists_equal(rule["urls"], actual, compare_urls) else 0.0


def _bar(bookmarks: dict) -> list[dict]:
    return bookmarks["bookmark_bar"]["children"]


@METRICS.register("is_expected_bookmarks")
def is_expected_bookmarks(bookmarks, rule: dict) -> float:
    """Bookmark-bar folder names, bookmark-bar URLs, or the URLs in its "Liked Authors" folder (each expected URL
    may be a list of acceptable ones)."""
    if not bookmarks:
        return 0.0
    kind = rule["type"]
    if kind == "bookmark_bar_folders_names":
        names = [b["name"] for b in _bar(bookmarks) if b["type"] == "folder"]
        return 1.0 if set(names) == set(rule["names"]) else 0.0
    if kind == "bookmark_bar_websites_urls":
        urls = [b["url"] for b in _bar(bookmarks) if b["type"] == "url"]
        return 1.0 if set(urls) == set(rule["urls"]) else 0.0
    if kind == "liked_authors_websites_urls":
        folder = next(
            (b for b in _bar(bookmarks) if b["type"] == "folder" and b["name"] == "Liked Authors"),
            None,
        )
        if not folder:
            return 0.0
        liked = set(b["url"] for b in folder["children"] if b["type"] == "url")
        choices = [[url] if isinstance(url, str) else url for url in rule["urls"]]
        return 1.0 if any(set(combination) == liked for combination in product(*choices)) else 0.0
    raise TypeError(f"{kind} not support yet!")


@METRICS.register("is_expected_search_query")
def is_expected_search_query(active_tab_info: dict, rules: dict) -> float:
    return 1.0 if re.search(rules["expect"]["pattern"], active_tab_info["url"]) else 0.0


@METRICS.register("compare_htmls")
def compare_htmls(html_path1: str, html_path2: str) -> float:
    """Walk both documents (lxml's HTML parser) in step: tags must agree in name, stripped text and attributes,
    strings must be equal; the walk ends with the shorter document."""
    from bs4 import BeautifulSoup, Tag

    with open(html_path1, encoding="utf-8") as f:
        soup1 = BeautifulSoup(f, "lxml")
    with open(html_path2, encoding="utf-8") as f:
        soup2 = BeautifulSoup(f, "lxml")

    def same(a, b) -> bool:
        if not (isinstance(a, Tag) and isinstance(b, Tag)):
            return a == b
        return a.name == b.name and a.text.strip() == b.text.strip() and a.attrs == b.attrs

    for a, b in zip(soup1.descendants, soup2.descendants, strict=False):
        if not same(a, b):
            return 0.0
    return 1.0


@METRICS.register("is_cookie_deleted")
def is_cookie_deleted(cookie_data, rule: dict) -> float:
    """No cookie's host (the ``host_key`` column) equals one of ``rule["domains"]``."""
    if rule["type"] != "domains":
        raise TypeError(f"{rule['type']} not support yet!")
    hosts = [cookie[1] for cookie in cookie_data]
    for domain in rule["domains"]:
        if any(compare_urls(domain, host) for host in hosts):
            return 0.0
    return 1.0


@METRICS.register("check_history_deleted")
def check_history_deleted(history_data, rule: dict) -> float:
    """No history URL contains one of ``rule["keywords"]``."""
    if rule["type"] != "keywords":
        raise TypeError(f"{rule['type']} not support yet!")
    urls = [item[0] for item in history_data]
    return 0.0 if any(k in url for k in rule["keywords"] for url in urls) else 1.0


@METRICS.register("check_enabled_experiments")
def check_enabled_experiments(enabled_experiments, rule: dict) -> float:
    """The enabled chrome://flags entries (``name@option`` -> name) are exactly ``rule["names"]``, in order."""
    names = [experiment.split("@")[0] for experiment in enabled_experiments]
    if rule["type"] != "names":
        raise TypeError(f"{rule['type']} not support yet!")
    return 1.0 if names == rule["names"] else 0.0


@METRICS.register("check_font_size")
def check_font_size(font_size: dict, rule: dict) -> float:
    """The default font size equals ``rule["value"]``, or lies strictly between ``min`` and ``max``."""
    size = font_size["default_font_size"]
    if rule["type"] == "value":
        return 1.0 if size == rule["value"] else 0.0
    if rule["type"] == "range":
        return 1.0 if rule["min"] < size < rule["max"] else 0.0
    raise TypeError(f"{rule['type']} not support yet!")


@METRICS.register("is_added_to_steam_cart")
def is_added_to_steam_cart(active_tab_info: dict, rule: dict) -> float:
    """Every item name appears in the cart page's HTML."""
    content = active_tab_info["content"]
    return 1.0 if all(item in content for item in rule["items"]) else 0.0
