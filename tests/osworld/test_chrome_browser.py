"""The Chrome setup steps and getters against a real headless Chromium that loads pages from a local HTTP server.

One browser serves the module (its profile lives at ``<home>/.config/google-chrome``, as on OSWorld's VM); the
context reaches its DevTools port as the desktop's 9222 and reads profile files from disk.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from steprl_envs.osworld.cdp import DevTools
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.metrics import METRICS
from steprl_envs.osworld.setup import STEPS
from tests.osworld.fakes import FakeClient, context

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("chromium"),
    pytest.mark.skipif(CHROMIUM is None, reason="needs chromium"),
]
pytest.importorskip("websocket")

PAGES = {
    "a.html": "<html><head><title>Page A</title></head><body><p>a</p></body></html>",
    "b.html": "<html><head><title>Page B</title></head><body><p>b</p></body></html>",
    "c.html": "<html><head><title>Page C</title></head><body><p>c</p></body></html>",
    "parse.html": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Parse</title></head><body>
<div class="price"> $10 </div><div class="price">$20</div><div class="price"> $30</div>
<main><section><p>From: Monday</p><p>To: Friday </p></section></main>
<label>Guests <span>  2 adults </span></label>
<input id="city" value="  Zürich ">
<div id="host"></div>
<script>const r = document.getElementById('host').attachShadow({mode: 'open'});
r.innerHTML = '<span class="price">$40</span>';</script>
</body></html>""",
    "site.html": """<html><head><title>Profile</title></head><body>
<h1 id="name">Ada Lovelace</h1><a id="next" href="paper.html">papers</a>
<img id="pic" src="ada.png" alt="Ada"><a id="hidden" href="paper.html" style="display:none">x</a></body></html>""",
    "paper.html": """<html><head><title>Papers</title></head><body><h2 class="title">Notes on the Engine</h2>
<a id="cite" href="https://example.org/notes" data-year="1843">cite</a></body></html>""",
    "search.html": """<html><head><title>Recreation</title></head><body>
<input id="hero-search-input"><button class="nav-search-button"
 onclick="document.getElementById('res').style.display='block'">Search</button>
<div id="res" style="display:none"><a class="search-result-highlight--success" href="camp.html"
 target="_blank">Albion Basin</a></div></body></html>""",
    "camp.html": """<html><head><title>Camp</title></head><body>
<button class="next-available" onclick="document.getElementById('grid').style.display='block'">Next</button>
<div id="grid" style="display:none"><span class="camp-sortable-column-header">Site</span>
<span class="camp-sortable-column-header">Loop</span><span class="camp-sortable-column-header"> Jun 10 </span></div>
</body></html>""",
}


class DiskClient(FakeClient):
    """A desktop client whose files are this machine's (the browser's profile is on local disk)."""

    def get_file(self, path):
        self.calls.append(("get_file", path))
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def upload(self, path, data):
        self.calls.append(("upload", path))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for name, html in PAGES.items():
        (root / name).write_text(html, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _launch(home, port: int) -> subprocess.Popen:
    """Headless Chromium on ``home``'s profile, once its DevTools port answers (skips the test when it does not)."""
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--no-first-run",
            "--disable-gpu",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={home}/.config/google-chrome",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1).read()
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.skip("chromium did not start")
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """``(home, port)`` of a running headless Chromium whose profile is ``home/.config/google-chrome``."""
    home = tmp_path_factory.mktemp("home")
    port = _free_port()
    process = _launch(home, port)
    yield str(home), port
    _stop(process)


@pytest.fixture
def ctx(browser, tmp_path, monkeypatch):
    """A context on the browser, which shows one blank tab (what earlier tests opened is closed); the active tab's
    address comes from DevTools."""
    monkeypatch.delitem(GETTERS._items, "active_url_from_accessTree", raising=False)
    home, port = browser
    chrome = DevTools("127.0.0.1", port)
    keep = chrome.new_tab()
    for page in chrome.pages():
        if page["id"] != keep["id"]:
            chrome.close_tab(page["id"])
    deadline = time.monotonic() + 10
    while [p["id"] for p in chrome.pages()] != [keep["id"]] and time.monotonic() < deadline:
        time.sleep(0.05)
    c = context(tmp_path, client=DiskClient(), home=home)
    c.services[9222] = ("127.0.0.1", port)
    return c


def _urls(ctx):
    return sorted(tab["url"] for tab in GETTERS.get("open_tabs_info")(ctx, {}))


def _open(ctx, site, *names):
    STEPS.get("chrome_open_tabs")(ctx, urls_to_open=[f"{site}/{n}" for n in names])


def test_open_tabs_replace_the_start_tab_and_close_tabs_by_url(ctx, site):
    _open(ctx, site, "a.html", "b.html")
    tabs = GETTERS.get("open_tabs_info")(ctx, {})
    assert sorted((t["title"], t["url"]) for t in tabs) == [("Page A", f"{site}/a.html"), ("Page B", f"{site}/b.html")]
    assert METRICS.get("is_expected_tabs")(tabs, {"type": "url", "urls": [f"{site}/b.html", f"{site}/a.html"]}) == 1

    STEPS.get("chrome_close_tabs")(ctx, urls_to_close=[f"{site}/a.html", f"{site}/a.html/"])  # the 2nd is no match
    assert _urls(ctx) == [f"{site}/b.html"]


def test_the_active_tab_is_the_last_opened_and_its_info_is_reloaded(ctx, site):
    _open(ctx, site, "a.html", "c.html")
    info = GETTERS.get("active_tab_info")(ctx, {})
    assert info["title"] == "Page C" and info["url"] == f"{site}/c.html" and "<p>c</p>" in info["content"]
    assert METRICS.get("is_expected_active_tab")(info, {"type": "url", "url": f"{site}/c.html"}) == 1
    assert _urls(ctx) == [f"{site}/a.html", f"{site}/c.html"]  # the reload happened in a throwaway context


def test_url_getters_parse_the_active_address(ctx, site):
    _open(ctx, site, "a.html?locationName=Z%C3%BCrich&sort=PRICE&x=1")
    parsed = GETTERS.get("active_tab_url_parse")(
        ctx, {"parse_keys": ["locationName", "sort", "y"], "replace": {"sort": "s"}}
    )
    assert parsed == {"locationName": "Zürich", "y": "", "s": "PRICE"}
    part = GETTERS.get("url_dashPart")(ctx, {"partIndex": -1, "needDeleteId": True, "returnType": "json", "key": "k"})
    assert part == {"k": "a.html"}


def test_active_tab_html_parse_by_class_xpath_label_and_input(ctx, site):
    _open(ctx, site, "parse.html")
    get = GETTERS.get("active_tab_html_parse")
    by_class = get(
        ctx,
        {
            "category": "class",
            "class_multiObject": {"price": {"2": "third", "3": "shadow", "9": "none"}},
            "class_singleObject": {"price": "first"},
        },
    )
    assert by_class == {"third": "$30", "shadow": "$40", "first": "$10"}
    by_xpath = get(
        ctx,
        {"category": "xpath", "xpathObject": {"/html/body/main/section/p[2]": "to", "/html/body/nav": "missing"}},
    )
    assert by_xpath == {"to": "To: Friday"}
    assert get(ctx, {"category": "label", "labelObject": {"2 ADULTS": "guests"}}) == {"guests": "2 adults"}
    assert get(ctx, {"category": "input", "inputObject": {"//*[@id='city']": "city"}}) == {"city": "Zürich"}


def test_active_tab_html_parse_answers_empty_when_the_tab_is_gone(ctx, site, monkeypatch):
    from steprl_envs.osworld import getters_chrome

    _open(ctx, site, "a.html")
    monkeypatch.setattr(getters_chrome, "active_tab_url", lambda ctx, config: f"{site}/elsewhere.html")
    assert GETTERS.get("active_tab_html_parse")(ctx, {"category": "class"}) == {}


def test_page_info_opens_a_tab_in_the_profile(ctx, site):
    _open(ctx, site, "a.html")
    info = GETTERS.get("page_info")(ctx, {"url": f"{site}/b.html"})
    assert info["title"] == "Page B" and info["content"].startswith("<html><head><title>Page B")
    assert METRICS.get("is_added_to_steam_cart")(info, {"rules": None, "items": ["<p>b</p>"]}) == 1
    assert _urls(ctx) == [f"{site}/a.html", f"{site}/b.html"]


def test_info_from_website_reads_texts_attributes_and_clicks_through(ctx, site):
    config = {
        "url": f"{site}/site.html",
        "infos": [
            {"action": "inner_text", "selector": "#name"},
            {"action": "attribute", "selector": "#pic", "attribute": "alt"},
            {"action": "click_and_inner_text", "selector": ["#next", "h2.title"]},
            {"action": "click_and_attribute", "selector": ["#next", "#cite"], "attribute": "data-year"},
        ],
        "backups": ["unused"],
    }
    assert GETTERS.get("info_from_website")(ctx, config) == ["Ada Lovelace", "Ada", "Notes on the Engine", "1843"]


def test_info_from_website_falls_back_to_the_backups(ctx, site, monkeypatch):
    from steprl_envs.osworld import getters_chrome

    monkeypatch.setattr(getters_chrome, "SELECTOR_TIMEOUT_S", 0.5)
    monkeypatch.setattr(getters_chrome, "LOCATOR_TIMEOUT_S", 0.5)
    config = {"url": f"{site}/site.html", "infos": [{"selector": "#no-such"}], "backups": ["Ada", 3]}
    assert GETTERS.get("info_from_website")(ctx, config) == ["Ada", 3]
    hidden = {"action": "click_and_inner_text", "selector": ["#hidden", "h2.title"]}  # Playwright clicks no hidden link
    assert GETTERS.get("info_from_website")(ctx, {**config, "infos": [hidden]}) == ["Ada", 3]


def test_pdf_from_url_prints_the_page(ctx, site):
    path = GETTERS.get("pdf_from_url")(ctx, {"path": f"{site}/paper.html", "dest": "gold.pdf"})
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"


def test_recreation_getter_searches_follows_the_popup_and_reads_the_column(ctx, site, monkeypatch):
    from steprl_envs.osworld import getters_chrome

    monkeypatch.setattr(getters_chrome, "RECREATION_URL", f"{site}/search.html")
    got = GETTERS.get("gotoRecreationPage_and_get_html_content")(
        ctx, {"selector": "class", "class": "camp-sortable-column-header", "order": "2"}
    )
    assert got == {"expected": {"camp-sortable-column-header": "Jun 10"}}


def test_profile_getters_read_what_chrome_wrote(ctx, browser):
    home, _ = browser
    assert GETTERS.get("default_search_engine")(ctx, {}) == "Google"
    assert GETTERS.get("chrome_font_size")(ctx, {})["default_font_size"] == 16
    assert GETTERS.get("bookmarks")(ctx, {}) == []  # a fresh profile has no Bookmarks file
    assert ("get_file", f"{home}/.config/google-chrome/Default/Preferences") in ctx.client.calls


def test_getters_without_a_browser(tmp_path):
    c = context(tmp_path, client=DiskClient())
    c.services[9222] = ("127.0.0.1", _free_port())
    c.client.launch = lambda command, shell=False: c.client.calls.append(("launch", command))
    from steprl_envs.osworld import chrome

    chrome.RELAUNCH_WAIT_S, saved = 0.0, chrome.RELAUNCH_WAIT_S
    try:
        assert GETTERS.get("open_tabs_info")(c, {}) == []
        assert ("launch", ["google-chrome", "--remote-debugging-port=1337"]) in c.client.calls
        assert GETTERS.get("active_tab_info")(c, {}) is None
        assert GETTERS.get("info_from_website")(c, {"url": "http://x", "backups": [1]}) == [1]
    finally:
        chrome.RELAUNCH_WAIT_S = saved


def test_chrome_keeps_the_history_update_browse_history_wrote(tmp_path, site):
    import sqlite3

    home = tmp_path / "home"
    ctx = context(tmp_path, client=DiskClient(), home=str(home), network=False)
    seeded = [
        {"url": "https://www.youtube.com/watch?v=1", "title": "Video", "visit_time_from_now_in_seconds": 600},
        {"url": "https://www.bbc.co.uk/", "title": "BBC", "visit_time_from_now_in_seconds": 60},
    ]
    STEPS.get("update_browse_history")(ctx, history=seeded)
    port = _free_port()
    process = _launch(home, port)
    try:
        ctx.services[9222] = ("127.0.0.1", port)
        _open(ctx, site, "a.html")
        time.sleep(11)  # Chrome commits history every 10 s
    finally:
        _stop(process)
    conn = sqlite3.connect(home / ".config/google-chrome/Default/History")
    urls = [row[0] for row in conn.execute("SELECT url FROM urls ORDER BY id")]
    conn.close()
    assert urls[:2] == [item["url"] for item in seeded]  # opened and migrated by Chrome, not razed
    assert f"{site}/a.html" in urls


def test_a_tabs_task_scores_through_the_evaluator(ctx, site):
    from steprl_envs.osworld.evaluate import evaluate
    from steprl_envs.osworld.setup import run_steps

    a, b = f"{site}/a.html", f"{site}/b.html"
    run_steps(ctx, [{"type": "chrome_open_tabs", "parameters": {"urls_to_open": [a, b]}}])
    evaluator = {
        "func": "is_expected_tabs",
        "result": {"type": "open_tabs_info"},
        "expected": {"type": "rule", "rules": {"type": "url", "urls": [a, b]}},
    }
    assert evaluate(ctx, evaluator, agent_failed=False) == 1.0
    run_steps(ctx, [{"type": "chrome_close_tabs", "parameters": {"urls_to_close": [b]}}])
    assert evaluate(ctx, evaluator, agent_failed=False) == 0.0
