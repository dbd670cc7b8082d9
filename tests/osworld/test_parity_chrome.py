"""Scores OSWorld's own Chrome metrics give on inputs built here, asserted against ours.

Each case is ``(id, metric, result, expected, official outcome)``: the outcome is the score the official
``desktop_env/evaluators/metrics/chrome.py`` returned for the same values, or the exception class it raised (an
unknown rule type). Results mimic the getters' shapes: tab dicts, the Bookmarks ``roots``, Cookies and History rows,
Preferences values; ``("html", text)`` becomes a file for ``compare_htmls``.
"""

from __future__ import annotations

import copy

import pytest

from steprl_envs.osworld.metrics import METRICS

# fmt: off
CASES = [
    # www. and a trailing slash are ignored
    ('active-same', 'is_expected_active_tab', {'url': 'https://www.Google.com/'}, {'type': 'url', 'url': 'https://google.com'}, 1.0),
    # a bare URL string works as well as a dict
    ('active-string', 'is_expected_active_tab', 'https://www.example.com/a?b=1', {'type': 'url', 'url': 'https://example.com/a?b=1'}, 1.0),
    # http vs https differ
    ('active-scheme', 'is_expected_active_tab', {'url': 'http://example.com'}, {'type': 'url', 'url': 'https://example.com'}, 0.0),
    # a missing scheme is not filled in for host-less text
    ('active-noscheme', 'is_expected_active_tab', 'example.com/x', {'type': 'url', 'url': 'http://example.com/x'}, 0.0),
    # no active tab
    ('active-empty', 'is_expected_active_tab', None, {'type': 'url', 'url': 'https://www.google.com/'}, 0.0),
    # unknown rule type scores 0
    ('active-type', 'is_expected_active_tab', {'url': 'https://www.google.com/'}, {'type': 'title', 'url': 'https://www.google.com/'}, 0.0),
    # a path's own trailing slash counts
    ('active-path-slash', 'is_expected_active_tab', {'url': 'https://a.com/p/'}, {'type': 'url', 'url': 'https://a.com/p'}, 0.0),
    # every pattern must be found
    ('pattern-all', 'is_expected_url_pattern_match', {'url': 'https://www.nba.com/women-jerseys/over-60'}, {'expected': ['/women-jerseys/', 'over-\\d+']}, 1.0),
    # one missing pattern fails
    ('pattern-one-missing', 'is_expected_url_pattern_match', 'https://a.com/men', {'expected': ['a\\.com', 'women']}, 0.0),
    # empty result
    ('pattern-empty-result', 'is_expected_url_pattern_match', '', {'expected': ['a']}, 0.0),
    # a string rule is iterated by character
    ('pattern-string-rule', 'is_expected_url_pattern_match', 'https://xyz.com', {'expected': 'xyz'}, 1.0),
    # ... and each character must occur
    ('pattern-string-rule-miss', 'is_expected_url_pattern_match', 'https://xz.com', {'expected': 'xyz'}, 0.0),
    # no patterns match anything
    ('pattern-no-patterns', 'is_expected_url_pattern_match', {'url': 'u'}, {'expected': []}, 1.0),
    # extra installed extensions are fine
    ('ext-subset', 'is_expected_installed_extensions', ['Momentum', 'Google Translate', 'uBlock'], {'expected': ['Momentum', 'Google Translate']}, 1.0),
    # one missing
    ('ext-missing', 'is_expected_installed_extensions', ['Momentum'], {'expected': ['Momentum', 'Google Translate']}, 0.0),
    # nothing expected
    ('ext-none-expected', 'is_expected_installed_extensions', [], {'expected': []}, 1.0),
    # the getter's 'Google' fallback is a set of letters
    ('ext-getter-fallback', 'is_expected_installed_extensions', 'Google', {'expected': ['G', 'o']}, 1.0),
    # names are case-sensitive
    ('ext-case', 'is_expected_installed_extensions', ['momentum'], {'expected': ['Momentum']}, 0.0),
    # order does not matter
    ('tabs-same-any-order', 'is_expected_tabs', [{'url': 'https://www.airbnb.com/'}, {'url': 'https://www.lonelyplanet.com/'}], {'type': 'url', 'urls': ['https://www.lonelyplanet.com', 'https://www.airbnb.com']}, 1.0),
    # an extra tab fails
    ('tabs-extra', 'is_expected_tabs', [{'url': 'https://a.com'}, {'url': 'https://b.com'}, {'url': 'chrome://newtab/'}], {'type': 'url', 'urls': ['https://a.com', 'https://b.com']}, 0.0),
    # duplicates: lengths equal and each expected found
    ('tabs-dup', 'is_expected_tabs', [{'url': 'https://a.com'}, {'url': 'https://a.com'}], {'type': 'url', 'urls': ['https://a.com', 'https://b.com']}, 0.0),
    # a repeated actual tab can satisfy repeated expectations
    ('tabs-dup-ok', 'is_expected_tabs', [{'url': 'https://a.com'}, {'url': 'https://c.com'}], {'type': 'url', 'urls': ['https://a.com', 'https://a.com']}, 1.0),
    # unknown type
    ('tabs-type', 'is_expected_tabs', [{'url': 'https://a.com'}], {'type': 'title', 'urls': ['https://a.com']}, 0.0),
    # no tabs, none expected
    ('tabs-empty', 'is_expected_tabs', [], {'type': 'url', 'urls': []}, 1.0),
    # folder names as a set
    ('bm-folders', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'folder', 'name': 'Favorites', 'children': []}, {'type': 'folder', 'name': 'Work', 'children': []}, {'type': 'url', 'url': 'https://a.com', 'name': 'x'}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'bookmark_bar_folders_names', 'names': ['Work', 'Favorites']}, 1.0),
    # a missing folder
    ('bm-folders-missing', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'folder', 'name': 'Favorites', 'children': []}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'bookmark_bar_folders_names', 'names': ['Work', 'Favorites']}, 0.0),
    # bookmark-bar URLs compared exactly
    ('bm-urls', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'url', 'url': 'https://www.drugs.com/npc/', 'name': 'x'}, {'type': 'url', 'url': 'https://www.ncbi.nlm.nih.gov/', 'name': 'x'}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'bookmark_bar_websites_urls', 'urls': ['https://www.ncbi.nlm.nih.gov/', 'https://www.drugs.com/npc/']}, 1.0),
    # no URL normalisation here
    ('bm-urls-slash', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'url', 'url': 'https://a.com', 'name': 'x'}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'bookmark_bar_websites_urls', 'urls': ['https://a.com/']}, 0.0),
    # alternatives per expected URL
    ('bm-liked', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'folder', 'name': 'Liked Authors', 'children': [{'type': 'url', 'url': 'https://x.org/a1', 'name': 'x'}, {'type': 'url', 'url': 'https://x.org/b2', 'name': 'x'}]}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'liked_authors_websites_urls', 'urls': [['https://x.org/a0', 'https://x.org/a1'], 'https://x.org/b2']}, 1.0),
    # an extra bookmark in the folder fails
    ('bm-liked-extra', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'folder', 'name': 'Liked Authors', 'children': [{'type': 'url', 'url': 'https://x.org/a1', 'name': 'x'}, {'type': 'url', 'url': 'https://x.org/b2', 'name': 'x'}, {'type': 'url', 'url': 'https://x.org/c', 'name': 'x'}]}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'liked_authors_websites_urls', 'urls': [['https://x.org/a1'], 'https://x.org/b2']}, 0.0),
    # no such folder
    ('bm-liked-nofolder', 'is_expected_bookmarks', {'bookmark_bar': {'children': [{'type': 'folder', 'name': 'Authors', 'children': []}], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'liked_authors_websites_urls', 'urls': ['https://x.org/a1']}, 0.0),
    # no bookmarks file (getter returns [])
    ('bm-empty', 'is_expected_bookmarks', [], {'type': 'bookmark_bar_folders_names', 'names': []}, 0.0),
    # unknown rule type raises
    ('bm-type', 'is_expected_bookmarks', {'bookmark_bar': {'children': [], 'type': 'folder', 'name': 'Bookmarks bar'}, 'other': {'children': []}}, {'type': 'other'}, TypeError),
    # pattern found
    ('query-match', 'is_expected_search_query', {'url': 'https://www.google.com/search?q=drip+coffee+maker&tbm=shop'}, {'expect': {'pattern': 'q=drip\\+coffee\\+maker'}}, 1.0),
    # not found
    ('query-miss', 'is_expected_search_query', {'url': 'https://www.google.com/search?q=tea'}, {'expect': {'pattern': 'coffee'}}, 0.0),
    # regex anchors apply to the whole URL
    ('query-anchor', 'is_expected_search_query', {'url': 'https://a.com/?q=1'}, {'expect': {'pattern': '^https://a\\.com'}}, 1.0),
    # case-sensitive
    ('query-case', 'is_expected_search_query', {'url': 'https://a.com/?q=Coffee'}, {'expect': {'pattern': 'coffee'}}, 0.0),
    # an empty pattern always matches
    ('query-empty-pattern', 'is_expected_search_query', {'url': ''}, {'expect': {'pattern': ''}}, 1.0),
    # identical
    ('html-same', 'compare_htmls', ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), 1.0),
    # a changed text
    ('html-text', 'compare_htmls', ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hi</p><ul><li>1</li><li>2</li></ul></body></html>"), ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), 0.0),
    # a changed attribute
    ('html-attr', 'compare_htmls', ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='b'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), 0.0),
    # whitespace between tags is a string of its own
    ('html-whitespace', 'compare_htmls', ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul>\n <li>1</li><li>2</li></ul></body></html>"), ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), 0.0),
    # an extra paragraph changes the text of body
    ('html-longer', 'compare_htmls', ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul><p>more</p></body></html>"), ('html', "<!DOCTYPE html><html><head><title>T</title></head><body><p class='a'>Hello</p><ul><li>1</li><li>2</li></ul></body></html>"), 0.0),
    # attribute order does not matter
    ('html-attr-order', 'compare_htmls', ('html', "<p id='x' class='y'>t</p>"), ('html', "<p class='y' id='x'>t</p>"), 1.0),
    # lxml wraps fragments the same way
    ('html-fragment', 'compare_htmls', ('html', '<b>x</b>'), ('html', '<html><body><b>x</b></body></html>'), 1.0),
    # a cookie of the domain remains
    ('cookie-present', 'is_cookie_deleted', [(13350000000000000, '.amazon.com', '', 'sid', 'v', b'', '/', 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1), (13350000000000000, '.google.com', '', 'sid', 'v', b'', '/', 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1)], {'type': 'domains', 'domains': ['.amazon.com']}, 0.0),
    # no cookie of the domain
    ('cookie-gone', 'is_cookie_deleted', [(13350000000000000, '.google.com', '', 'sid', 'v', b'', '/', 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1)], {'type': 'domains', 'domains': ['.amazon.com']}, 1.0),
    # www.amazon.com equals amazon.com after normalisation
    ('cookie-www', 'is_cookie_deleted', [(13350000000000000, 'www.amazon.com', '', 'sid', 'v', b'', '/', 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1)], {'type': 'domains', 'domains': ['amazon.com']}, 1.0),
    # a subdomain is another host
    ('cookie-sub', 'is_cookie_deleted', [(13350000000000000, 'smile.amazon.com', '', 'sid', 'v', b'', '/', 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1)], {'type': 'domains', 'domains': ['.amazon.com']}, 1.0),
    # no cookies at all
    ('cookie-empty', 'is_cookie_deleted', [], {'type': 'domains', 'domains': ['.amazon.com']}, 1.0),
    # unknown rule type raises
    ('cookie-type', 'is_cookie_deleted', [], {'type': 'names', 'domains': []}, TypeError),
    # a youtube visit remains
    ('history-left', 'check_history_deleted', [('https://www.nytimes.com/', 'title', 13350000000000000), ('https://www.youtube.com/watch?v=1', 'title', 13350000000000000)], {'type': 'keywords', 'keywords': ['youtube']}, 0.0),
    # no youtube visit
    ('history-clean', 'check_history_deleted', [('https://www.nytimes.com/', 'title', 13350000000000000), ('https://www.bbc.co.uk/', 'title', 13350000000000000)], {'type': 'keywords', 'keywords': ['youtube']}, 1.0),
    # empty history
    ('history-empty', 'check_history_deleted', [], {'type': 'keywords', 'keywords': ['youtube']}, 1.0),
    # keywords are case-sensitive
    ('history-case', 'check_history_deleted', [('https://YouTube.com/', 'title', 13350000000000000)], {'type': 'keywords', 'keywords': ['youtube']}, 1.0),
    # unknown rule type raises
    ('history-type', 'check_history_deleted', [], {'type': 'domains', 'keywords': []}, TypeError),
    # options after @ are ignored
    ('flags-same', 'check_enabled_experiments', ['calculate-native-win-occlusion@2', 'tab-groups'], {'type': 'names', 'names': ['calculate-native-win-occlusion', 'tab-groups']}, 1.0),
    # order matters
    ('flags-order', 'check_enabled_experiments', ['b', 'a'], {'type': 'names', 'names': ['a', 'b']}, 0.0),
    # an extra flag
    ('flags-extra', 'check_enabled_experiments', ['a', 'b'], {'type': 'names', 'names': ['a']}, 0.0),
    # no flags, none expected
    ('flags-none', 'check_enabled_experiments', [], {'type': 'names', 'names': []}, 1.0),
    # unknown rule type raises
    ('flags-type', 'check_enabled_experiments', [], {'type': 'set', 'names': []}, TypeError),
    # exact value
    ('font-value', 'check_font_size', {'default_font_size': 24, 'default_fixed_font_size': 13}, {'type': 'value', 'value': 24}, 1.0),
    # another value
    ('font-value-miss', 'check_font_size', {'default_font_size': 16}, {'type': 'value', 'value': 24}, 0.0),
    # strictly inside
    ('font-range', 'check_font_size', {'default_font_size': 20}, {'type': 'range', 'min': 16, 'max': 24}, 1.0),
    # the bounds are excluded
    ('font-range-edge', 'check_font_size', {'default_font_size': 16}, {'type': 'range', 'min': 16, 'max': 24}, 0.0),
    # unknown rule type raises
    ('font-type', 'check_font_size', {'default_font_size': 16}, {'type': 'max'}, TypeError),
    # the item is in the cart page
    ('steam-in', 'is_added_to_steam_cart', {'content': '<div>The Dota 2 Official Soundtrack</div>'}, {'items': ['The Dota 2 Official Soundtrack']}, 1.0),
    # not in the page
    ('steam-out', 'is_added_to_steam_cart', {'content': '<div>Your cart is empty</div>'}, {'items': ['The Dota 2 Official Soundtrack']}, 0.0),
    # every item must be there
    ('steam-two', 'is_added_to_steam_cart', {'content': 'A B'}, {'items': ['A', 'C']}, 0.0),
    # no items expected
    ('steam-none', 'is_added_to_steam_cart', {'content': ''}, {'items': []}, 1.0),
    # case-sensitive
    ('steam-case', 'is_added_to_steam_cart', {'content': 'dota'}, {'items': ['Dota']}, 0.0),
]
# fmt: on


def _materialize(value, path):
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "html":
        path.write_text(value[1], encoding="utf-8")
        return str(path)
    return copy.deepcopy(value)


def test_every_chrome_metric_has_five_cases():
    counts = {}
    for case in CASES:
        counts[case[1]] = counts.get(case[1], 0) + 1
    assert len(counts) == 12 and min(counts.values()) >= 5, counts


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_chrome_metric_matches_official(case, tmp_path):
    case_id, metric, result, expected, outcome = case
    if metric == "compare_htmls":
        pytest.importorskip("bs4")
        pytest.importorskip("lxml")
    args = (_materialize(result, tmp_path / "result.html"), _materialize(expected, tmp_path / "expected.html"))
    if isinstance(outcome, type):
        with pytest.raises(outcome):
            METRICS.get(metric)(*args)
    else:
        assert METRICS.get(metric)(*args) == pytest.approx(outcome, abs=1e-9)
