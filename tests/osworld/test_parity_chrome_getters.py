"""The Chrome profile and URL getters against OSWorld's own getters, run on the same files and addresses.

``PROFILES`` are sets of profile files (relative to ``~/.config/google-chrome``): missing, empty, corrupt, complete
and oddly shaped ones. Each case is ``(profile, getter, official value)``, the value OSWorld's getter returned on a
Linux VM for those files, or the exception it raised.
"""

from __future__ import annotations

from json import JSONDecodeError

import pytest

from steprl_envs.osworld.getters import GETTERS
from tests.osworld.fakes import FakeClient, context

PROFILE = "/tmp/fakehome/.config/google-chrome"

# fmt: off
PROFILES = {
    'missing': {},
    'empty-json': {'Default/Preferences': '{}', 'Local State': '{}', 'Default/Bookmarks': '{}'},
    'not-json': {'Default/Preferences': 'not json', 'Local State': '{', 'Default/Bookmarks': '[1'},
    'empty-bytes': {'Default/Preferences': '', 'Local State': '', 'Default/Bookmarks': ''},
    'full': {'Default/Preferences': '{"default_search_provider_data": {"template_url_data": {"short_name": "Bing"}}, "profile": {"name": "Thomas", "default_content_setting_values": {"cookies": 4}}, "webkit": {"webprefs": {"default_font_size": 24, "minimum_font_size": 10}}, "enable_do_not_track": true, "safebrowsing": {"enhanced": true}, "session": {"restore_on_startup": 5}, "extensions": {"settings": {"a": {"path": "/home/user/Desktop/helloExtension", "manifest": {"name": "Hello"}}, "b": {"path": "b/1.0", "manifest": {"name": "Momentum"}}}}}', 'Local State': '{"browser": {"enabled_labs_experiments": ["tab-groups@1", "smooth-scrolling"]}, "intl": {"app_locale": "de"}}', 'Default/Bookmarks': '{"roots": {"bookmark_bar": {"children": [{"type": "url", "url": "https://a.com", "name": "A"}]}}, "version": 1}'},
    'falsy-values': {'Default/Preferences': '{"default_search_provider_data": {"template_url_data": {}}, "profile": {"name": ""}, "webkit": {}, "enable_do_not_track": false, "safebrowsing": {"enhanced": false}, "session": {"restore_on_startup": 1}, "extensions": {"settings": {}}}', 'Local State': '{"browser": {}}', 'Default/Bookmarks': '{"version": 1}'},
    'odd-layouts': {'Default/Preferences': '{"profile": {"default_content_setting_values": null}, "session": {}, "enable_do_not_track": {}, "extensions": {"settings": {"a": {"manifest": {"name": "NoPath"}}}}}', 'Local State': '{"browser": {"enabled_labs_experiments": []}, "intl": {}}', 'Default/Bookmarks': '{"roots": {}}'},
    'extension-without-manifest': {'Default/Preferences': '{"session": {"restore_on_startup": 5}, "extensions": {"settings": {"a": {"path": "p"}}}}'},
}

CASES = [
    ('missing', 'default_search_engine', 'Google'),
    ('missing', 'profile_name', None),
    ('missing', 'chrome_language', 'en-US'),
    ('missing', 'enabled_experiments', []),
    ('missing', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16}),
    ('missing', 'bookmarks', []),
    ('missing', 'enable_do_not_track', 'false'),
    ('missing', 'enable_enhanced_safety_browsing', 'Google'),
    ('missing', 'new_startup_page', 'Google'),
    ('missing', 'find_unpacked_extension_path', 'Google'),
    ('missing', 'find_installed_extension_name', 'Google'),
    ('missing', 'data_delete_automacally', 'Google'),
    ('empty-json', 'default_search_engine', 'Google'),
    ('empty-json', 'profile_name', None),
    ('empty-json', 'chrome_language', 'en-US'),
    ('empty-json', 'enabled_experiments', []),
    ('empty-json', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16, 'minimum_font_size': 13}),
    ('empty-json', 'bookmarks', {}),
    ('empty-json', 'enable_do_not_track', 'false'),
    ('empty-json', 'enable_enhanced_safety_browsing', 'false'),
    ('empty-json', 'new_startup_page', 'true'),
    ('empty-json', 'find_unpacked_extension_path', []),
    ('empty-json', 'find_installed_extension_name', []),
    ('empty-json', 'data_delete_automacally', 'Google'),
    ('not-json', 'default_search_engine', 'Google'),
    ('not-json', 'profile_name', None),
    ('not-json', 'chrome_language', 'en-US'),
    ('not-json', 'enabled_experiments', []),
    ('not-json', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16}),
    ('not-json', 'bookmarks', JSONDecodeError),
    ('not-json', 'enable_do_not_track', 'false'),
    ('not-json', 'enable_enhanced_safety_browsing', 'Google'),
    ('not-json', 'new_startup_page', 'Google'),
    ('not-json', 'find_unpacked_extension_path', 'Google'),
    ('not-json', 'find_installed_extension_name', 'Google'),
    ('not-json', 'data_delete_automacally', 'Google'),
    ('empty-bytes', 'default_search_engine', 'Google'),
    ('empty-bytes', 'profile_name', None),
    ('empty-bytes', 'chrome_language', 'en-US'),
    ('empty-bytes', 'enabled_experiments', []),
    ('empty-bytes', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16}),
    ('empty-bytes', 'bookmarks', []),
    ('empty-bytes', 'enable_do_not_track', 'false'),
    ('empty-bytes', 'enable_enhanced_safety_browsing', 'Google'),
    ('empty-bytes', 'new_startup_page', 'Google'),
    ('empty-bytes', 'find_unpacked_extension_path', 'Google'),
    ('empty-bytes', 'find_installed_extension_name', 'Google'),
    ('empty-bytes', 'data_delete_automacally', 'Google'),
    ('full', 'default_search_engine', 'Bing'),
    ('full', 'profile_name', 'Thomas'),
    ('full', 'chrome_language', 'de'),
    ('full', 'enabled_experiments', ['tab-groups@1', 'smooth-scrolling']),
    ('full', 'chrome_font_size', {'default_font_size': 24, 'minimum_font_size': 10}),
    ('full', 'bookmarks', {'bookmark_bar': {'children': [{'type': 'url', 'url': 'https://a.com', 'name': 'A'}]}}),
    ('full', 'enable_do_not_track', 'true'),
    ('full', 'enable_enhanced_safety_browsing', 'true'),
    ('full', 'new_startup_page', 'true'),
    ('full', 'find_unpacked_extension_path', ['/home/user/Desktop/helloExtension', 'b/1.0']),
    ('full', 'find_installed_extension_name', ['Hello', 'Momentum']),
    ('full', 'data_delete_automacally', 'true'),
    ('falsy-values', 'default_search_engine', 'Google'),
    ('falsy-values', 'profile_name', ''),
    ('falsy-values', 'chrome_language', 'en-US'),
    ('falsy-values', 'enabled_experiments', []),
    ('falsy-values', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16, 'minimum_font_size': 13}),
    ('falsy-values', 'bookmarks', {}),
    ('falsy-values', 'enable_do_not_track', 'false'),
    ('falsy-values', 'enable_enhanced_safety_browsing', 'false'),
    ('falsy-values', 'new_startup_page', 'false'),
    ('falsy-values', 'find_unpacked_extension_path', []),
    ('falsy-values', 'find_installed_extension_name', []),
    ('falsy-values', 'data_delete_automacally', 'false'),
    ('odd-layouts', 'default_search_engine', 'Google'),
    ('odd-layouts', 'profile_name', None),
    ('odd-layouts', 'chrome_language', 'en-US'),
    ('odd-layouts', 'enabled_experiments', []),
    ('odd-layouts', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16, 'minimum_font_size': 13}),
    ('odd-layouts', 'bookmarks', {}),
    ('odd-layouts', 'enable_do_not_track', 'false'),
    ('odd-layouts', 'enable_enhanced_safety_browsing', 'false'),
    ('odd-layouts', 'new_startup_page', 'false'),
    ('odd-layouts', 'find_unpacked_extension_path', 'Google'),
    ('odd-layouts', 'find_installed_extension_name', ['NoPath']),
    ('odd-layouts', 'data_delete_automacally', 'false'),
    ('extension-without-manifest', 'default_search_engine', 'Google'),
    ('extension-without-manifest', 'profile_name', None),
    ('extension-without-manifest', 'chrome_language', 'en-US'),
    ('extension-without-manifest', 'enabled_experiments', []),
    ('extension-without-manifest', 'chrome_font_size', {'default_fixed_font_size': 13, 'default_font_size': 16, 'minimum_font_size': 13}),
    ('extension-without-manifest', 'bookmarks', []),
    ('extension-without-manifest', 'enable_do_not_track', 'false'),
    ('extension-without-manifest', 'enable_enhanced_safety_browsing', 'false'),
    ('extension-without-manifest', 'new_startup_page', 'true'),
    ('extension-without-manifest', 'find_unpacked_extension_path', ['p']),
    ('extension-without-manifest', 'find_installed_extension_name', 'Google'),
    ('extension-without-manifest', 'data_delete_automacally', 'Google'),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_profile_getter_matches_official(case, tmp_path):
    profile, getter, official = case
    files = {f"{PROFILE}/{name}": data.encode() for name, data in PROFILES[profile].items()}
    ctx = context(tmp_path, client=FakeClient(files=files), network=False)
    if isinstance(official, type):
        with pytest.raises(official):
            GETTERS.get(getter)(ctx, {"dest": "x"})
    else:
        assert GETTERS.get(getter)(ctx, {"dest": "x"}) == official


# -- the URL getters ---------------------------------------------------------------------------------------------------
# (active tab URL, getter, config, official value): OSWorld's getters given the same address by a stubbed
# active_url_from_accessTree.
# fmt: off
URL_CASES = [
    ('https://www.rentalcars.com/search?locationName=Z%C3%BCrich&dropLocationName=Z%C3%BCrich&filterCriteria_sortBy=PRICE', 'active_tab_url_parse', {'parse_keys': ['locationName', 'dropLocationName', 'filterCriteria_carCategory', 'filterCriteria_sortBy']}, {'locationName': 'Zürich', 'dropLocationName': 'Zürich', 'filterCriteria_carCategory': '', 'filterCriteria_sortBy': 'PRICE'}),
    ('https://www.example.com/s?q=a+b&q=c&x=', 'active_tab_url_parse', {'parse_keys': ['q', 'x']}, {'q': 'a b', 'x': ''}),
    ('https://www.example.com/s?from=BOS&to=NYC', 'active_tab_url_parse', {'parse_keys': ['from', 'to'], 'replace': {'from': 'start', 'to': 'end'}}, {'start': 'BOS', 'end': 'NYC'}),
    ('https://www.example.com/s?from=BOS', 'active_tab_url_parse', {'parse_keys': ['from'], 'replace': {'to': 'end'}}, KeyError),
    ('https://www.example.com/path#frag?x=1', 'active_tab_url_parse', {'parse_keys': ['x']}, {'x': ''}),
    ('https://www.macys.com/shop/mens/Stripe,Men,L,Short%20Sleeve?id=20640', 'url_dashPart', {'partIndex': -1, 'needDeleteId': True, 'returnType': 'string'}, 'Stripe,Men,L,Short%20Sleeve'),
    ('https://www.macys.com/shop/mens/Stripe?id=1', 'url_dashPart', {'partIndex': -1, 'needDeleteId': False, 'returnType': 'string'}, 'Stripe?id=1'),
    ('https://www.ultimate-guitar.com/explore?type=Tabs', 'url_dashPart', {'partIndex': -1, 'needDeleteId': True, 'returnType': 'json', 'key': 't'}, {'t': 'explore'}),
    ('https://www.example.com/a/b', 'url_dashPart', {'partIndex': 3, 'needDeleteId': False, 'returnType': 'json', 'key': 'k'}, {'k': 'a'}),
    ('https://www.example.com/a', 'url_dashPart', {'partIndex': 9, 'needDeleteId': False, 'returnType': 'string'}, IndexError),
    ('https://www.example.com/a/', 'url_dashPart', {'partIndex': -1, 'needDeleteId': True, 'returnType': 'string'}, ''),
    ('https://www.example.com/a', 'url_dashPart', {'partIndex': 0, 'needDeleteId': False, 'returnType': 'list'}, None),
    (None, 'url_dashPart', {'partIndex': 0, 'needDeleteId': False, 'returnType': 'string'}, None),
    (None, 'active_tab_url_parse', {'parse_keys': ['q']}, None),
]
# fmt: on


@pytest.mark.parametrize("case", URL_CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(URL_CASES)])
def test_url_getter_matches_official(case, tmp_path, monkeypatch):
    url, getter, config, official = case
    monkeypatch.setitem(GETTERS._items, "active_url_from_accessTree", lambda ctx, config: url)
    ctx = context(tmp_path, client=FakeClient(), network=False)
    if isinstance(official, type):
        with pytest.raises(official):
            GETTERS.get(getter)(ctx, dict(config))
    else:
        assert GETTERS.get(getter)(ctx, dict(config)) == official
