"""Chrome getters that read profile files, the history seeding step, and the active-URL source, on a fake desktop."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid

import pytest

from steprl_envs.osworld import getters_chrome, setup_chrome
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.metrics import METRICS
from steprl_envs.osworld.setup import STEPS
from tests.osworld.fakes import FakeClient, context

HOME = "/tmp/fakehome"
PROFILE = f"{HOME}/.config/google-chrome"
PREFERENCES = {
    "default_search_provider_data": {"template_url_data": {"short_name": "Bing"}},
    "profile": {"name": "Thomas", "default_content_setting_values": {"cookies": 4}},
    "webkit": {"webprefs": {"default_font_size": 24}},
    "enable_do_not_track": True,
    "safebrowsing": {"enhanced": True},
    "session": {"restore_on_startup": 5},
    "extensions": {
        "settings": {
            "abc": {"path": "/home/user/Desktop/helloExtension", "manifest": {"name": "Hello"}},
            "def": {"path": "def/1.0_0", "manifest": {"name": "Momentum"}},
        }
    },
}


def _ctx(tmp_path, files=None, client=None):
    return context(tmp_path, client=client or FakeClient(files=files), network=False)


def _get(ctx, name, **config):
    return GETTERS.get(name)(ctx, config)


def test_preference_getters_read_the_values_osworld_reads(tmp_path):
    ctx = _ctx(tmp_path, {f"{PROFILE}/Default/Preferences": json.dumps(PREFERENCES).encode()})
    assert _get(ctx, "default_search_engine") == "Bing"
    assert _get(ctx, "profile_name") == "Thomas"
    assert _get(ctx, "chrome_font_size") == {"default_font_size": 24}
    assert _get(ctx, "enable_do_not_track") == "true"
    assert _get(ctx, "enable_enhanced_safety_browsing") == "true"
    assert _get(ctx, "new_startup_page") == "true"
    assert _get(ctx, "data_delete_automacally") == "true"
    assert _get(ctx, "find_unpacked_extension_path") == ["/home/user/Desktop/helloExtension", "def/1.0_0"]
    assert _get(ctx, "find_installed_extension_name") == ["Hello", "Momentum"]
    assert METRICS.get("is_in_list")(
        _get(ctx, "find_unpacked_extension_path"), {"expected": "/home/user/Desktop/helloExtension"}
    )


def test_preference_getters_fall_back_like_osworld(tmp_path):
    missing = _ctx(tmp_path)
    assert _get(missing, "default_search_engine") == "Google"
    assert _get(missing, "profile_name") is None
    assert _get(missing, "chrome_font_size") == {"default_fixed_font_size": 13, "default_font_size": 16}
    assert _get(missing, "enable_do_not_track") == "false"
    assert _get(missing, "enable_enhanced_safety_browsing") == "Google"
    assert _get(missing, "find_installed_extension_name") == "Google"
    assert _get(missing, "enabled_experiments") == []
    assert _get(missing, "bookmarks") == []
    fresh = _ctx(tmp_path, {f"{PROFILE}/Default/Preferences": b'{"session": {"restore_on_startup": 1}, "profile": {}}'})
    assert _get(fresh, "new_startup_page") == "false"
    assert _get(fresh, "data_delete_automacally") == "false"
    assert _get(fresh, "chrome_font_size") == {
        "default_fixed_font_size": 13,
        "default_font_size": 16,
        "minimum_font_size": 13,
    }
    assert _get(fresh, "enable_do_not_track") == "false"
    assert _get(_ctx(tmp_path, {f"{PROFILE}/Default/Preferences": b"{}"}), "new_startup_page") == "true"


def test_local_state_and_bookmarks(tmp_path):
    roots = {"bookmark_bar": {"children": [{"type": "folder", "name": "Work", "children": []}]}}
    ctx = _ctx(
        tmp_path,
        {
            f"{PROFILE}/Local State": b'{"browser": {"enabled_labs_experiments": ["a@1", "b"]}}',
            f"{PROFILE}/Default/Bookmarks": json.dumps({"roots": roots}).encode(),
        },
    )
    assert _get(ctx, "enabled_experiments") == ["a@1", "b"]
    assert (
        METRICS.get("check_enabled_experiments")(
            _get(ctx, "enabled_experiments"), {"type": "names", "names": ["a", "b"]}
        )
        == 1
    )
    assert _get(ctx, "bookmarks") == roots
    assert METRICS.get("is_expected_bookmarks")(roots, {"type": "bookmark_bar_folders_names", "names": ["Work"]}) == 1


def _cookies_db(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cookies (creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT)")
    conn.executemany(
        "INSERT INTO cookies VALUES (?, ?, ?, ?)", [(1, ".amazon.com", "a", "1"), (2, ".bing.com", "b", "2")]
    )
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_cookie_data_copies_the_database_into_the_cache(tmp_path):
    ctx = _ctx(tmp_path, {f"{PROFILE}/Default/Cookies": _cookies_db(tmp_path / "c.sqlite")})
    rows = _get(ctx, "cookie_data", dest="Cookies")
    assert rows == [(1, ".amazon.com", "a", "1"), (2, ".bing.com", "b", "2")]
    assert os.path.exists(ctx.cache_path("Cookies"))
    assert METRICS.get("is_cookie_deleted")(rows, {"type": "domains", "domains": [".amazon.com"]}) == 0
    assert _get(_ctx(tmp_path), "cookie_data", dest="Cookies") is None


def test_update_browse_history_builds_a_history_the_getter_reads(tmp_path):
    ctx = _ctx(tmp_path)
    history = [
        {"url": "https://www.youtube.com/watch?v=1", "title": "Video", "visit_time_from_now_in_seconds": 3600},
        {"url": "https://www.bbc.co.uk/", "title": "BBC", "visit_time_from_now_in_seconds": 60},
    ]
    STEPS.get("update_browse_history")(ctx, history=history)
    assert ("upload", f"{PROFILE}/Default/History") in ctx.client.calls
    rows = _get(ctx, "history", dest="history.sqlite")
    assert [r[:2] for r in rows] == [("https://www.youtube.com/watch?v=1", "Video"), ("https://www.bbc.co.uk/", "BBC")]
    assert rows[0][2] < rows[1][2]  # microseconds since 1601: the older visit is smaller
    assert 13_000_000_000_000_000 < rows[0][2] < 14_000_000_000_000_000
    assert METRICS.get("check_history_deleted")(rows, {"type": "keywords", "keywords": ["youtube"]}) == 0
    conn = sqlite3.connect(ctx.cache_path("history.sqlite"))
    assert conn.execute("SELECT transition, visit_time FROM visits ORDER BY id").fetchall() == [
        (805306368, rows[0][2]),
        (805306368, rows[1][2]),
    ]
    assert dict(conn.execute("SELECT key, value FROM meta"))["version"] == "70"


def test_update_browse_history_prefers_osworlds_template_from_the_cache(tmp_path):
    ctx = _ctx(tmp_path)
    template = tmp_path / "filecache" / str(uuid.uuid5(uuid.NAMESPACE_URL, setup_chrome.HISTORY_TEMPLATE_URL))
    template.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(template)
    conn.execute(
        "CREATE TABLE urls (id INTEGER PRIMARY KEY, url, title, visit_count, typed_count, last_visit_time, hidden)"
    )
    conn.execute(
        "CREATE TABLE visits (id INTEGER PRIMARY KEY, url, visit_time, from_visit, transition, segment_id, visit_duration)"
    )
    conn.execute(
        "INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden) VALUES ('https://old/', 'Old', 1, 0, 5, 0)"
    )
    conn.commit()
    conn.close()
    STEPS.get("update_browse_history")(
        ctx, history=[{"url": "https://new/", "title": "New", "visit_time_from_now_in_seconds": 1}]
    )
    assert [r[0] for r in _get(ctx, "history", dest="h.sqlite")] == ["https://old/", "https://new/"]


def test_update_browse_history_rejects_a_bad_item(tmp_path):
    with pytest.raises(KeyError):
        STEPS.get("update_browse_history")(_ctx(tmp_path), history=[{"url": "https://x/"}])


def test_url_getters_take_the_address_from_the_accessibility_getter_when_there_is_one(tmp_path, monkeypatch):
    seen = []

    def from_tree(ctx, config):
        seen.append(config.get("goto_prefix"))
        return "https://www.example.com/shop/Stripe,Men,L?id=7&q=a+b"

    monkeypatch.setitem(GETTERS._items, "active_url_from_accessTree", from_tree)
    ctx = _ctx(tmp_path)
    assert getters_chrome.active_tab_url(ctx, {"goto_prefix": "https://www."}) == from_tree(ctx, {})
    dash = _get(ctx, "url_dashPart", goto_prefix="https://www.", partIndex=-1, needDeleteId=True, returnType="string")
    assert dash == "Stripe,Men,L"
    assert _get(ctx, "url_dashPart", partIndex=3, needDeleteId=False, returnType="json", key="k") == {"k": "shop"}
    assert _get(ctx, "active_tab_url_parse", parse_keys=["q", "id"]) == {"q": "a b", "id": "7"}
    assert seen[:2] == ["https://www.", None]


def test_url_getters_answer_none_without_an_address(tmp_path, monkeypatch):
    monkeypatch.setitem(GETTERS._items, "active_url_from_accessTree", lambda ctx, config: None)
    ctx = _ctx(tmp_path)
    assert _get(ctx, "url_dashPart", partIndex=0, needDeleteId=False, returnType="string") is None
    assert _get(ctx, "active_tab_url_parse", parse_keys=["q"]) is None
    assert _get(ctx, "active_tab_html_parse", category="class") is None
    assert _get(ctx, "active_tab_info") is None


def test_the_history_task_scores_what_is_left_in_the_history(tmp_path):
    """OSWorld's "clear YouTube history" task: seeded history scores 0; once the agent removed YouTube, 1."""
    from steprl_envs.osworld.evaluate import evaluate
    from steprl_envs.osworld.setup import run_steps

    ctx = _ctx(tmp_path)
    visits = [
        {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Rick", "visit_time_from_now_in_seconds": 3600},
        {"url": "https://www.nytimes.com/", "title": "NYT", "visit_time_from_now_in_seconds": 300},
    ]
    run_steps(ctx, [{"type": "update_browse_history", "parameters": {"history": visits}}])
    evaluator = {
        "postconfig": [
            {"type": "launch", "parameters": {"command": ["pkill", "chrome"]}},
            {"type": "launch", "parameters": {"command": ["google-chrome", "--remote-debugging-port=1337"]}},
        ],
        "func": "check_history_deleted",
        "result": {"type": "history", "dest": "history.sqlite"},
        "expected": {"type": "rule", "rules": {"type": "keywords", "keywords": ["youtube"]}},
    }
    assert evaluate(ctx, evaluator, agent_failed=False) == 0.0

    local = tmp_path / "History"
    local.write_bytes(ctx.client.files[f"{PROFILE}/Default/History"])
    conn = sqlite3.connect(local)
    conn.execute("DELETE FROM urls WHERE url LIKE '%youtube%'")
    conn.commit()
    conn.close()
    ctx.client.files[f"{PROFILE}/Default/History"] = local.read_bytes()
    assert evaluate(ctx, evaluator, agent_failed=False) == 1.0
    assert ("launch", ["google-chrome", "--remote-debugging-port=1337"], False) in ctx.client.calls


def test_devtools_failures_are_devtools_errors():
    import socket

    from steprl_envs.osworld.cdp import DevTools, DevToolsError, Session, wait_for

    pytest.importorskip("websocket")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DevToolsError, match="after 2 attempts"):
        wait_for("127.0.0.1", port, attempts=2, interval=0.01)
    with pytest.raises(DevToolsError, match="did not answer"):
        DevTools("127.0.0.1", port).pages()
    with pytest.raises(DevToolsError, match="cannot open"):
        Session(f"ws://127.0.0.1:{port}/devtools/page/X")
