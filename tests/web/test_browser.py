"""The HTML pages in a real headless Chromium, driven with Selenium (chromedriver).

No console errors, every link to this server resolves, Swedish pages render Swedish, the
YASGUI editor loads from the local vendor folder and runs a query.

Skipped only when Chromium is missing AND the environment variable CI is unset. Wherever
Chromium is installed (and always in CI) they run, and a missing chromedriver or selenium is a
failure that says what to install.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from web_support import LiveServer

IN_CI = bool(os.environ.get("CI"))
VENDOR = Path(__file__).resolve().parents[2] / "publisher" / "web" / "static" / "vendor" / "yasgui"


def _browser() -> tuple[str | None, str | None]:
    binary = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                   if shutil.which(name)), None)
    return binary, shutil.which("chromedriver")


def _missing() -> str | None:
    binary, driver = _browser()
    if binary is None:
        return "chromium is not installed"
    if driver is None:
        return "chromedriver is not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


MISSING = _missing()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_browser()[0] is None and not IN_CI,
                       reason="chromium is not installed (the browser tests run whenever CI "
                              "is set)"),
]


def _driver(language: str = "fi"):
    if MISSING is not None:
        pytest.fail(f"cannot run the browser tests: {MISSING} (Debian: apt-get install "
                    "chromium chromium-driver; pip install selenium)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = _browser()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="kuntadigi-chromium-")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                     f"--lang={language}", "--window-size=1280,1000"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    driver.profile_dir = profile
    return driver


@pytest.fixture(scope="module")
def server(settings, embedded_store):
    from publisher.web import create_app

    live = LiveServer(create_app(settings, embedded_store))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    driver = _driver("fi")
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")]


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


PAGES = ["/", "/projects", "/projects?municipality=049&lang=en", "/doc/project/kuntien-evaka",
         "/doc/project/digitaalinen-asiointi", "/doc/organisation/049", "/doc/status/ongoing",
         "/doc/document/004-f0ab20c46da3f21c", "/doc/person/meri-vainio", "/def/",
         "/def/Project", "/dumps/", "/catalog", "/void", "/sparql", "/doc/project/ei-ole"]


def test_console_errors_are_seen(browser, server):
    """The check below would notice an error: a failing resource and a script error."""
    browser.get(server.url + "/")
    browser.execute_script("console.error('probe'); var i = new Image(); i.src = '/nope.png';"
                           " document.body.appendChild(i);")
    import time

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
        assert browser.find_element("css selector", "h1").text.strip(), path
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
    header = browser.find_element("css selector", "header.site")
    assert header.value_of_css_property("display") == "flex"


def test_swedish_page_renders_swedish(browser, server):
    browser.get(server.url + "/doc/project/digital-kundtjanst?lang=sv")
    assert browser.execute_script("return document.documentElement.lang") == "sv"
    assert browser.find_element("css selector", "h1").text == "Digital kundtjänst i Tammerfors"
    items = [e.text for e in browser.find_elements("css selector", ".description li")]
    assert items == ["chatt", "e-post"]
    assert "Huvudansvarig kommun" in browser.page_source
    assert "Tammerfors" in browser.find_element("css selector", ".parties").text
    assert console_errors(browser) == []


def test_accept_language_from_the_browser(server):
    driver = _driver("sv")
    try:
        driver.get(server.url + "/doc/organisation/049")
        assert driver.find_element("css selector", "h1").text == "Esbo"
        assert driver.execute_script("return document.documentElement.lang") == "sv"
        driver.find_element("css selector", "nav.languages a[hreflang='fi']").click()
        assert driver.find_element("css selector", "h1").text == "Espoo"
        fallback = driver.find_elements("css selector", "table.projects .fallback")
        assert fallback == []          # Finnish titles are not a fallback in Finnish
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)


@pytest.mark.skipif(not (VENDOR / "yasgui.min.js").is_file() and not IN_CI,
                    reason="YASGUI is not installed (npm ci)")
def test_yasgui_editor_runs_a_query(browser, server):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert (VENDOR / "yasgui.min.js").is_file(), "run `npm ci` to install YASGUI"
    browser.get(server.url + "/sparql")
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located(("css selector", "#yasgui .yasqe .CodeMirror")))
    browser.find_element("css selector", "button[data-example='0']").click()
    wait.until(lambda d: d.find_elements("css selector", "#yasgui .yasr table tbody tr"))
    text = browser.find_element("css selector", "#yasgui .yasr").text
    assert "Kuntien eVaka" in text
    assert console_errors(browser) == []
    scripts = browser.execute_script(
        "return Array.from(document.scripts).map(s => s.src).filter(Boolean)")
    assert all(urllib.parse.urlsplit(src).netloc == urllib.parse.urlsplit(server.url).netloc
               for src in scripts)
