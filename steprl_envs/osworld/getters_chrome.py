"""OSWorld's Chrome getters that talk to the running browser over DevTools (tabs, pages, the active tab's URL).

They follow the official getters step by step: which tabs they look at, which ones they open (a tab in the user's
profile, or one in a throwaway context like Playwright's ``browser.new_page()``), what they wait for and what they
return when something fails. The active tab's URL comes from the ``active_url_from_accessTree`` getter when one is
registered (OSWorld reads the address bar from the accessibility tree); otherwise from DevTools, whose tab list is
ordered by last activation.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlparse

from . import page_scripts as js
from .cdp import DevToolsError, IsolatedPage, Page
from .chrome import devtools, devtools_or_relaunch
from .context import DesktopContext
from .getters import GETTERS

NETWORK_IDLE_S = 0.5  # Playwright's "networkidle": no requests for this long after the load event
SELECTOR_TIMEOUT_S = 10.0  # OSWorld's wait_for_selector timeout in info_from_website
LOCATOR_TIMEOUT_S = 30.0  # Playwright's default action timeout
RECREATION_URL = "https://www.recreation.gov/"


# -- the active tab -------------------------------------------------------------------------------------------------
def active_tab_url(ctx: DesktopContext, config: dict) -> str | None:
    """The URL of the tab the user looks at (None when Chrome or its address cannot be read)."""
    if "active_url_from_accessTree" in GETTERS:
        return GETTERS.get("active_url_from_accessTree")(ctx, config)
    try:
        pages = devtools(ctx).pages()
    except DevToolsError as e:
        ctx.log.append(f"active tab: {e}")
        return None
    return pages[0]["url"] if pages else None


def _open_page(chrome, target: dict):
    session = chrome.page_session(target)
    try:
        return session, Page(session, target_id=target["id"])
    except BaseException:
        session.close()
        raise


@GETTERS.register("active_tab_info")
def get_active_tab_info(ctx: DesktopContext, config: dict):
    """Title, URL and HTML of the active tab's address, loaded again in a fresh context (no cookies)."""
    url = active_tab_url(ctx, config)
    if url is None:
        return None
    try:
        chrome = devtools(ctx)
    except DevToolsError:
        return None
    with IsolatedPage(chrome) as page:
        try:
            page.goto(url)
        except (DevToolsError, TimeoutError) as e:
            ctx.log.append(f"active_tab_info: {e}")
            return None
        page.wait_loaded()
        return {"title": page.title(), "url": page.url(), "content": page.content()}


@GETTERS.register("active_tab_url_parse")
def get_active_tab_url_parse(ctx: DesktopContext, config: dict):
    """The first value of each ``parse_keys`` query parameter ('' when absent), keys renamed by ``replace``."""
    url = active_tab_url(ctx, config)
    if url is None:
        return None
    query = parse_qs(urlparse(url).query)
    params = {key: query.get(key, [""])[0] for key in config["parse_keys"]}
    for old, new in (config.get("replace") or {}).items():
        params[new] = params.pop(old)
    return params


@GETTERS.register("url_dashPart")
def get_url_dash_part(ctx: DesktopContext, config: dict):
    """One ``/``-separated part of the active URL (``partIndex``), without its query when ``needDeleteId``."""
    url = active_tab_url(ctx, config)
    if url is None:
        return None
    part = url.split("/")[config["partIndex"]]
    if config["needDeleteId"]:
        part = part.split("?")[0]
    if config["returnType"] == "string":
        return part
    if config["returnType"] == "json":
        return {config["key"]: part}
    return None


# -- open tabs ------------------------------------------------------------------------------------------------------
def _settle(page: Page) -> tuple[str, str]:
    """Title and URL once the page has loaded; OSWorld's placeholders when it does not."""
    try:
        page.wait_loaded(idle=NETWORK_IDLE_S)
        return page.title(), page.url()
    except TimeoutError:
        return "Load timeout", page.url()
    except DevToolsError:
        return "Error encountered", page.url()


@GETTERS.register("open_tabs_info")
def get_open_tabs_info(ctx: DesktopContext, config: dict):
    """``[{"title", "url"}]`` of every tab ([] when Chrome cannot be reached even after starting it again)."""
    try:
        chrome = devtools_or_relaunch(ctx)
    except DevToolsError:
        return []
    tabs = []
    for target in reversed(chrome.pages()):  # oldest first, as Playwright lists them
        try:
            session, page = _open_page(chrome, target)
        except (DevToolsError, OSError, TimeoutError):
            tabs.append({"title": "Error encountered", "url": target.get("url", "")})
            continue
        with session:
            title, url = _settle(page)
        tabs.append({"title": title, "url": url})
    return tabs


@GETTERS.register("page_info")
def get_page_info(ctx: DesktopContext, config: dict):
    """Open ``url`` in a new tab of the user's profile; its title, final URL and HTML."""
    chrome = devtools_or_relaunch(ctx)
    session, page = _open_page(chrome, chrome.new_tab())
    with session:
        page.goto(config["url"])
        title, url = _settle(page)
        return {"title": title, "url": url, "content": page.content()}


@GETTERS.register("pdf_from_url")
def get_pdf_from_url(ctx: DesktopContext, config: dict):
    """``path`` (a URL) printed to PDF with Playwright's defaults (Letter, no margins, no backgrounds)."""
    import base64

    chrome = devtools_or_relaunch(ctx)
    dest = ctx.cache_path(config["dest"])
    with IsolatedPage(chrome) as page:
        page.goto(config["path"])
        pdf = page.call(
            "Page.printToPDF",
            timeout=120.0,
            paperWidth=8.5,
            paperHeight=11,
            marginTop=0,
            marginBottom=0,
            marginLeft=0,
            marginRight=0,
            printBackground=False,
            scale=1,
            preferCSSPageSize=False,
            displayHeaderFooter=False,
        )
    with open(dest, "wb") as f:
        f.write(base64.b64decode(pdf["data"]))
    return dest


# -- reading elements -------------------------------------------------------------------------------------------------
def _wait_value(page: Page, expression: str, timeout: float):
    """Poll ``expression`` until it is not null (a selector that matches); TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing matched within {timeout:g} s: {expression[:120]}")
        time.sleep(0.1)


def _click(page: Page, selector: str, timeout: float) -> None:
    """Click the first element matching ``selector`` once it is attached (``timeout``) and visible (Playwright's
    click timeout), then wait for a navigation it starts to load."""
    _wait_value(page, js.exists(selector), timeout)
    _wait_value(page, js.visible(selector), LOCATOR_TIMEOUT_S)
    page.evaluate(js.MARK_DOCUMENT)
    page.evaluate(js.click(selector), gesture=True)
    deadline = time.monotonic() + LOCATOR_TIMEOUT_S
    started = time.monotonic()
    while time.monotonic() < deadline:
        try:
            replaced, state = page.evaluate(js.DOCUMENT_STATE)
        except DevToolsError:  # the old document went away mid-call
            time.sleep(0.1)
            continue
        if (replaced and state == "complete") or (not replaced and time.monotonic() - started > 1.0):
            return
        time.sleep(0.1)


@GETTERS.register("info_from_website")
def get_info_from_website(ctx: DesktopContext, config: dict):
    """Texts or attributes picked by CSS selectors from ``url`` (clicking through ``click_and_*`` selectors first);
    ``backups`` when anything fails."""
    try:
        chrome = devtools_or_relaunch(ctx)
        session, page = _open_page(chrome, chrome.new_tab())
        with session:
            page.goto(config["url"])
            infos = []
            for info in config.get("infos", []):
                if page.url() != config["url"]:
                    page.goto(config["url"])
                action = info.get("action", "inner_text")
                selectors = info["selector"]
                if action in ("inner_text", "attribute"):
                    selectors = [selectors]
                elif action not in ("click_and_inner_text", "click_and_attribute"):
                    raise NotImplementedError(f"The action {action} is not supported yet.")
                for selector in selectors[:-1]:
                    _click(page, selector, SELECTOR_TIMEOUT_S)
                last = selectors[-1]
                timeout = LOCATOR_TIMEOUT_S if action == "click_and_attribute" else SELECTOR_TIMEOUT_S
                if action.endswith("inner_text"):
                    infos.append(_wait_value(page, js.inner_text(last), timeout))
                else:
                    _wait_value(page, js.exists(last), timeout)
                    infos.append(page.evaluate(js.attribute(last, info["attribute"])))
            return infos
    except Exception as e:  # OSWorld falls back to the task's backup answers whatever went wrong
        ctx.log.append(f"info_from_website: {type(e).__name__}: {e}; using the backups")
        return config.get("backups", None)


def _find_tab(ctx: DesktopContext, chrome, url: str):
    """The open tab showing ``url`` (compared percent-decoded), as (session, page); None when there is none."""
    for target in reversed(chrome.pages()):
        session, page = _open_page(chrome, target)
        try:
            page.wait_loaded(idle=NETWORK_IDLE_S)
            if unquote(page.url()) == unquote(url):
                return session, page
        except BaseException:
            session.close()
            raise
        session.close()
    return None


@GETTERS.register("active_tab_html_parse")
def get_active_tab_html_parse(ctx: DesktopContext, config: dict):
    """Texts of elements of the active tab, picked by class, visible text, XPath or input XPath (``category``)."""
    url = active_tab_url(ctx, config)
    if not isinstance(url, str):
        return None
    found = _find_tab(ctx, devtools_or_relaunch(ctx), url)
    if found is None:
        ctx.log.append("active_tab_html_parse: the active tab is not among the open tabs")
        return {}
    session, page = found
    out: dict = {}
    with session:
        category = config["category"]
        if category == "class":
            for class_name, keys in config.get("class_multiObject", {}).items():
                texts = [t.strip() for t in page.evaluate(js.texts("." + class_name))]
                for index, key in keys.items():
                    if len(texts) > int(index):
                        out[key] = texts[int(index)]
            for class_name, key in config.get("class_singleObject", {}).items():
                texts = [t.strip() for t in page.evaluate(js.texts("." + class_name))]
                if texts:
                    out[key] = texts[0]
        elif category == "label":
            for label, key in config.get("labelObject", {}).items():
                text = _wait_value(page, js.text_match(label), LOCATOR_TIMEOUT_S).strip()
                if text:
                    out[key] = text
        elif category == "xpath":
            for xpath, key in config.get("xpathObject", {}).items():
                text = page.evaluate(js.xpath_text(xpath))
                if text is not None:
                    out[key] = text.strip()
        elif category == "input":
            for xpath, key in config.get("inputObject", {}).items():
                value = page.evaluate(js.xpath_input_value(xpath))
                if value is not None:
                    out[key] = value.strip()
    return out


@GETTERS.register("gotoRecreationPage_and_get_html_content")
def get_goto_recreation_page_and_get_html_content(ctx: DesktopContext, config: dict):
    """recreation.gov: search "Albion Basin", open the first result (a popup), press "next available" and read the
    element of class ``class`` (the ``order``-th one when given)."""
    chrome = devtools_or_relaunch(ctx)
    with IsolatedPage(chrome) as page:
        page.goto(RECREATION_URL)
        _wait_value(page, js.visible("input#hero-search-input"), LOCATOR_TIMEOUT_S)
        page.evaluate(js.focus("input#hero-search-input"))
        page.call("Input.insertText", text="Albion Basin")
        _click(page, "button.nav-search-button", LOCATOR_TIMEOUT_S)
        time.sleep(2)
        popup = _click_popup(page, ".search-result-highlight--success")
        popup.wait_loaded()
        time.sleep(2)
        _click(popup, "button.next-available", LOCATOR_TIMEOUT_S)
        expected: dict = {}
        if config["selector"] == "class":
            name = config["class"]
            texts = popup.evaluate(js.texts("." + name))
            index = int(config["order"]) if "order" in config else 0
            expected[name] = texts[index].strip()  # IndexError when missing, as the official getter fails
        return {"expected": expected}


def _click_popup(page: Page, selector: str) -> Page:
    """Click ``selector`` and return the tab it opens (Playwright's ``expect_popup``)."""
    session = page.session
    session.call("Target.setDiscoverTargets", discover=True)
    _wait_value(page, js.visible(selector), LOCATOR_TIMEOUT_S)
    page.evaluate(js.click(selector), gesture=True)
    event = session.wait_event(
        "Target.targetCreated",
        LOCATOR_TIMEOUT_S,
        lambda e: e["params"]["targetInfo"].get("openerId") == page.target_id,
    )
    target_id = event["params"]["targetInfo"]["targetId"]
    attached = session.call("Target.attachToTarget", targetId=target_id, flatten=True)
    return Page(session, attached["sessionId"], target_id)
