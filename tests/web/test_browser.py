"""The HTML pages in a real headless Chromium, driven with Selenium (chromedriver).

No console errors, every link to this server resolves, Swedish pages render Swedish, the
language follows the browser and a chosen one sticks while navigating, the filters of the
project list combine into a shareable URL, the keyboard reaches the content with a visible
focus, text has enough contrast, nothing overflows a phone-width screen (not even very long
names), data holding scripts runs none, and the YASGUI editor loads from the local vendor
folder and runs a query. One browser session serves the whole module.

Skipped only when Chromium is missing AND the environment variable CI is unset. Wherever
Chromium is installed (and always in CI) they run, and a missing chromedriver or selenium is a
failure that says what to install.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support.required import IN_CI
from tests.support.browser import browser_binaries, browser_session, console_errors
from tests.support.hostile import write_hostile_release
from tests.support.servers import LiveServer

VENDOR = Path(__file__).resolve().parents[2] / "publisher" / "web" / "static" / "vendor" / "yasgui"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_binaries()[0] is None and not IN_CI,
                       reason="chromium is not installed (the browser tests run whenever CI "
                              "is set)"),
]


@pytest.fixture(scope="module")
def server(settings, embedded_store):
    from publisher.web import create_app

    live = LiveServer(create_app(settings, embedded_store))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The fixture data plus resources whose texts are markup, scripts and very long names."""
    from publisher.store import EmbeddedStore
    from publisher.web import create_app

    settings = write_hostile_release(tmp_path_factory.mktemp("hostile-browser"))
    store = EmbeddedStore(settings)
    live = LiveServer(create_app(settings, store))
    yield live
    live.stop()
    store.close()


@pytest.fixture(scope="module")
def browser():
    yield from browser_session("fi")


def internal_links(driver, origin: str) -> set[str]:
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href], link[href], script[src]'))"
        ".map(e => e.href || e.src)")
    return {h.split("#")[0] for h in hrefs if h and h.startswith(origin)}


def status_of(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def query_of(driver) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)


def find(driver, selector: str):
    return driver.find_element("css selector", selector)


PAGES = ["/", "/projects", "/projects?municipality=049&lang=en",
         "/projects?status=ongoing&theme=early-education&lang=sv", "/doc/project/kuntien-evaka",
         "/doc/project/digitaalinen-asiointi", "/doc/organisation/049",
         "/doc/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma", "/doc/status/ongoing",
         "/doc/status/scheme", "/doc/theme/early-education", "/doc/build/test-1",
         "/doc/document/004-f0ab20c46da3f21c", "/doc/person/meri-vainio", "/def/",
         "/def/Project", "/dumps/", "/catalog", "/void", "/sparql", "/doc/project/ei-ole"]


def test_console_errors_are_seen(browser, server):
    """The check below would notice an error: a failing resource and a script error."""
    browser.get(server.url + "/")
    browser.execute_script("console.error('probe'); var i = new Image(); i.src = '/nope.png';"
                           " document.body.appendChild(i);")
    time.sleep(0.3)
    errors = console_errors(browser)
    assert any("probe" in e for e in errors) and any("nope.png" in e for e in errors)


def test_pages_have_no_console_errors_and_links_resolve(browser, server):
    checked: dict[str, int] = {}
    for path in PAGES:
        browser.get(server.url + path)
        assert browser.execute_script("return document.readyState") == "complete"
        errors = console_errors(browser)
        missing = path == "/doc/project/ei-ole"
        if missing:       # the 404 page itself is logged as a failed load
            errors = [e for e in errors if "404" not in e]
        assert errors == [], (path, errors)
        assert find(browser, "h1").text.strip(), path
        if missing:       # its language links lead to the same missing page
            continue
        for link in internal_links(browser, server.url):
            if link not in checked:
                checked[link] = status_of(link)
    broken = {link: code for link, code in checked.items() if code >= 400}
    assert broken == {}
    assert len(checked) > 40


def test_stylesheet_applies(browser, server):
    browser.get(server.url + "/doc/project/kuntien-evaka")
    header = find(browser, "header.site")
    assert header.value_of_css_property("display") == "flex"


def test_swedish_page_renders_swedish(browser, server):
    browser.get(server.url + "/doc/project/digital-kundtjanst?lang=sv")
    assert browser.execute_script("return document.documentElement.lang") == "sv"
    assert find(browser, "h1").text == "Digital kundtjänst i Tammerfors"
    items = [e.text for e in browser.find_elements("css selector", ".description li")]
    assert items == ["chatt", "e-post"]
    summary = find(browser, "dl.summary").text
    assert "Huvudansvarig kommun" in summary and "Tammerfors" in summary
    assert "Pågående" in summary
    assert console_errors(browser) == []


def test_accept_language_from_the_browser(browser, server):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "sv"}})
    try:
        browser.get(server.url + "/doc/organisation/049")
        assert find(browser, "h1").text == "Esbo"
        assert browser.execute_script("return document.documentElement.lang") == "sv"
        find(browser, "nav.languages a[hreflang='fi']").click()
        assert find(browser, "h1").text == "Espoo"
        fallback = browser.find_elements("css selector", "table.projects .fallback")
        assert fallback == []          # Finnish titles are not a fallback in Finnish
        find(browser, "nav.main a[href^='/projects']").click()   # the choice beats the header
        assert browser.execute_script("return document.documentElement.lang") == "fi"
        assert find(browser, "h1").text == "Hankkeet"
    finally:
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def test_chosen_language_sticks_while_navigating(browser, server):
    browser.get(server.url + "/")
    find(browser, "nav.languages a[hreflang='en']").click()
    find(browser, "nav.main a[href^='/projects']").click()
    assert find(browser, "h1").text == "Projects"
    find(browser, "table.projects td.title a").click()
    assert browser.execute_script("return document.documentElement.lang") == "en"
    find(browser, "dl.summary a[href^='/doc/status/']").click()
    assert find(browser, "h1").text in {"Ongoing", "Ended"}
    assert query_of(browser)["lang"] == ["en"]
    find(browser, "a.brand").click()
    assert "Showing" not in browser.page_source and "projects" in find(browser, ".counts").text


def test_filters_combine_into_a_shareable_url(browser, server):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server.url + "/projects?lang=sv")
    Select(find(browser, "#filter-municipality")).select_by_value("049")
    Select(find(browser, "#filter-status")).select_by_value("ongoing")
    find(browser, "form.filters button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda driver: "municipality" in query_of(driver))
    query = query_of(browser)
    assert query["municipality"] == ["049"] and query["status"] == ["ongoing"]
    assert query["lang"] == ["sv"]
    titles = [e.text for e in browser.find_elements("css selector",
                                                    "table.projects td.title span[lang]")]
    assert titles == ["Kuntien eVaka"]
    shared = browser.current_url
    browser.get(shared)                       # the same URL gives the same state
    assert Select(find(browser, "#filter-status")).first_selected_option.get_attribute(
        "value") == "ongoing"
    chips = browser.find_elements("css selector", ".active-filters a.chip")
    assert len(chips) == 2
    next(c for c in chips if "Esbo" in c.text).click()
    assert "municipality" not in query_of(browser) and query_of(browser)["status"] == [
        "ongoing"]
    assert len(browser.find_elements("css selector", "table.projects tbody tr")) == 2


def test_keyboard_reaches_the_content_with_a_visible_focus(browser, server):
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/doc/project/kuntien-evaka")
    find(browser, "body").send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("class") == "skip"
    box = browser.execute_script("const r = arguments[0].getBoundingClientRect();"
                                 "return [r.left, r.top, r.width];", active)
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 20          # on screen when focused
    assert active.value_of_css_property("outline-style") != "none"
    active.send_keys(Keys.ENTER)
    assert browser.execute_script("return location.hash") == "#content"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    link = browser.switch_to.active_element
    assert link.tag_name == "a" and link.is_displayed()
    assert link.value_of_css_property("outline-style") == "solid"
    assert float(link.value_of_css_property("outline-width").rstrip("px")) >= 2


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: tuple, background: tuple) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """
const parse = s => s.match(/[\\d.]+/g).map(Number);
const background = e => { for (; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
  if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.textContent.trim())
  .slice(0, 40).map(e => [e.tagName + '.' + e.className, parse(getComputedStyle(e).color).slice(0, 3),
  background(e)]);
"""


@pytest.mark.parametrize("path", ["/", "/projects", "/doc/project/kuntien-evaka",
                                  "/doc/document/004-f0ab20c46da3f21c", "/def/"])
def test_text_has_enough_contrast(browser, server, path):
    browser.get(server.url + path)
    samples = browser.execute_script(COLOURS, "p, a, li, td, th, dt, dd, small, code, span, "
                                              "h1, h2, label, option, footer")
    assert len(samples) > 20
    weak = [(name, round(contrast(tuple(fg), tuple(bg)), 2)) for name, fg, bg in samples
            if contrast(tuple(fg), tuple(bg)) < 4.5]
    assert weak == []


PHONE_PAGES = ["/", "/projects", "/doc/project/kuntien-evaka", "/doc/organisation/049",
               "/doc/document/004-f0ab20c46da3f21c", "/def/", "/doc/project/hostile",
               "/doc/organisation/998", "/projects?municipality=998"]


def test_nothing_overflows_a_phone_width_screen(browser, server, hostile_server):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    try:
        for path in PHONE_PAGES:
            site = hostile_server if path.endswith(("hostile", "998")) else server
            browser.get(site.url + path)
            width, scroll = browser.execute_script(
                "return [window.innerWidth, document.documentElement.scrollWidth]")
            assert width == 360 and scroll <= width, path
            assert find(browser, "h1").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_data_holding_scripts_runs_none(browser, hostile_server):
    from selenium.common.exceptions import NoAlertPresentException

    for path in ("/doc/project/hostile", "/projects", "/doc/person/eve",
                 "/doc/theme/onlyenglish", "/doc/document/004-f0ab20c46da3f21c"):
        browser.get(hostile_server.url + path)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text
        assert console_errors(browser) == [], path
        scripts = browser.execute_script(       # the schema.org JSON-LD is data, never run
            "return Array.from(document.scripts)"
            ".filter(s => s.type !== 'application/ld+json').length")
        assert scripts == 0, path
    browser.get(hostile_server.url + "/doc/project/hostile")
    assert "<script>alert('title')</script>" in find(browser, "h1").text
    assert browser.find_elements("css selector", "main img, main b, main i") == []
    shown = find(browser, "section.description").text
    assert "<img src=x onerror=alert(1)>" in shown


@pytest.mark.skipif(not (VENDOR / "yasgui.min.js").is_file() and not IN_CI,
                    reason="YASGUI is not installed (npm ci)")
def test_yasgui_editor_runs_a_query(browser, server):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert (VENDOR / "yasgui.min.js").is_file(), "run `npm ci` to install YASGUI"
    browser.get(server.url + "/sparql")
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located(("css selector", "#yasgui .yasqe .CodeMirror")))
    find(browser, "button[data-example='0']").click()
    wait.until(lambda d: d.find_elements("css selector", "#yasgui .yasr table tbody tr"))
    text = find(browser, "#yasgui .yasr").text
    assert "Kuntien eVaka" in text
    assert console_errors(browser) == []
    scripts = browser.execute_script(
        "return Array.from(document.scripts).map(s => s.src).filter(Boolean)")
    assert all(urllib.parse.urlsplit(src).netloc == urllib.parse.urlsplit(server.url).netloc
               for src in scripts)
