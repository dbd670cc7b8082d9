"""OSWorld's Chrome setup steps: open and close tabs over DevTools, seed the browsing history.

The steps act on the Chrome a previous ``launch`` step started (``google-chrome --remote-debugging-port=1337`` with
socat forwarding the desktop's port 9222), as in OSWorld's controller: they retry the connection for a while, open
each tab and wait for its ``load`` event (a page that fails or takes longer than a minute is left as it is).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta

from . import sources
from .cdp import DevToolsError, Page
from .chrome import PROFILE, compare_urls, devtools
from .chrome_history import empty_history
from .context import DesktopContext
from .setup import STEPS

CONNECT_ATTEMPTS = 15
CONNECT_INTERVAL_S = 5.0
PAGE_TIMEOUT_S = 60.0
CLOSE_TABS_DELAY_S = 5.0  # OSWorld waits this long for Chrome to finish starting before closing tabs
#: OSWorld's History template (an empty Chrome history); used when the task cache holds it.
HISTORY_TEMPLATE_URL = (
    "https://drive.usercontent.google.com/u/0/uc?id=1Lv74QkJYDWVX0RIgg0Co-DUcoYpVL0oX&export=download"
)
#: ``visits.transition`` OSWorld writes: a link (0) that starts and ends a redirect chain (0x30000000).
VISIT_TRANSITION = 805306368
CHROME_EPOCH = datetime(1601, 1, 1)


@STEPS.register("chrome_open_tabs")
def chrome_open_tabs(ctx: DesktopContext, urls_to_open: list[str]) -> None:
    """Open each URL in a new tab; after the first, close the tab Chrome started with."""
    chrome = devtools(ctx, CONNECT_ATTEMPTS, CONNECT_INTERVAL_S)
    before = chrome.pages()
    for i, url in enumerate(urls_to_open):
        target = chrome.new_tab()
        with chrome.page_session(target) as session:
            try:
                Page(session).goto(url, PAGE_TIMEOUT_S)
            except (DevToolsError, TimeoutError) as e:
                ctx.log.append(f"chrome_open_tabs: {url}: {e}")
        if i == 0:
            # Playwright's context.pages[0]: the oldest tab, which is the new one when Chrome had none
            chrome.close_tab((before[-1] if before else target)["id"])


@STEPS.register("chrome_close_tabs")
def chrome_close_tabs(ctx: DesktopContext, urls_to_close: list[str]) -> None:
    """For each URL, close the first open tab at an equal URL (OSWorld's :func:`compare_urls`)."""
    time.sleep(CLOSE_TABS_DELAY_S)
    chrome = devtools(ctx, CONNECT_ATTEMPTS, CONNECT_INTERVAL_S)
    for url in urls_to_close:
        for page in reversed(chrome.pages()):  # oldest first, as Playwright lists them
            if compare_urls(page.get("url"), url):
                chrome.close_tab(page["id"])
                break


def _history_template(ctx: DesktopContext) -> bytes:
    try:
        return sources.fetch(ctx, HISTORY_TEMPLATE_URL, "history_new.sqlite")
    except FileNotFoundError:
        return empty_history()


@STEPS.register("update_browse_history")
def update_browse_history(ctx: DesktopContext, history: list[dict]) -> None:
    """Replace Chrome's History with the template plus one visit per item, ``visit_time_from_now_in_seconds`` ago."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "History")
        with open(path, "wb") as f:
            f.write(_history_template(ctx))
        conn = sqlite3.connect(path)
        try:
            for item in history:
                visit_time = datetime.now() - timedelta(seconds=item["visit_time_from_now_in_seconds"])
                stamp = int((visit_time - CHROME_EPOCH).total_seconds() * 1000000)  # microseconds since 1601
                cursor = conn.execute(
                    "INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (item["url"], item["title"], 1, 0, stamp, 0),
                )
                conn.execute(
                    "INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, visit_duration)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (cursor.lastrowid, stamp, 0, VISIT_TRANSITION, 0, 0),
                )
            conn.commit()
        finally:
            conn.close()
        with open(path, "rb") as f:
            data = f.read()
    ctx.client.upload(ctx.vm(f"{PROFILE}/Default/History"), data)
