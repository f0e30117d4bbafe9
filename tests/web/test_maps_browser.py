"""The maps in a real headless Chromium (Selenium), on a release of the bundled texts: each
map page loads without console errors and draws 309 municipalities, a municipality is a link
the keyboard reaches and a click on Tampere opens Tampere's page, the list's map changes
with a filter chosen in the form. Screenshots of every map are kept for people to look at,
under $PUBLISHER_TEST_ARTEFACTS (default tests/artefacts/).

Skipped only when Chromium is missing AND the environment variable CI is unset, as
tests/web/test_browser.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from publisher.config import PROJECT_ROOT
from publisher.store import EmbeddedStore
from publisher.web import create_app
from tests.support.required import IN_CI
from tests.support.browser import browser_binaries, browser_session, console_errors
from tests.support.servers import LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_binaries()[0] is None and not IN_CI,
                       reason="chromium is not installed (the browser tests run whenever CI "
                              "is set)"),
]

AREAS = "svg.map g.municipalities a[data-code] path"


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("PUBLISHER_TEST_ARTEFACTS")
                  or PROJECT_ROOT / "tests" / "artefacts") / "maps"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(bundled_release):
    store = EmbeddedStore(bundled_release)
    live = LiveServer(create_app(bundled_release, store))
    yield live
    live.stop()
    store.close()


@pytest.fixture(scope="module")
def browser():
    yield from browser_session("en")


def fills(driver) -> list[str]:
    return driver.execute_script(
        f"return Array.from(document.querySelectorAll('{AREAS}')).map(p => p.getAttribute('fill'))")


def shoot(driver, folder: Path, name: str) -> None:
    element = driver.find_element("css selector", "figure.map-figure")
    driver.execute_script("arguments[0].scrollIntoView()", element)
    element.screenshot(str(folder / f"{name}.png"))
    assert (folder / f"{name}.png").stat().st_size > 5000


MAP_PAGES = {"home-fi": "/?lang=fi", "home-sv": "/?lang=sv", "home-en": "/?lang=en",
             "projects": "/projects", "municipality-tampere": "/doc/organisation/837",
             "collaboration": "/collaboration"}


def test_every_map_page_draws_309_municipalities(browser, server, artefacts):
    for name, path in MAP_PAGES.items():
        browser.get(server.url + path)
        assert browser.execute_script("return document.readyState") == "complete"
        assert console_errors(browser) == [], path
        assert len(browser.find_elements("css selector", AREAS)) == 309, path
        titles = browser.find_elements("css selector", "svg.map a[data-code] > title")
        assert len(titles) == 309
        shoot(browser, artefacts, name)


def test_a_project_page_map(browser, server, artefacts):
    browser.get(server.url + "/doc/organisation/837")
    project = browser.find_element("css selector", "section.lead-projects td a")
    project.click()
    assert "/doc/project/" in browser.current_url
    assert console_errors(browser) == []
    assert len(browser.find_elements("css selector", AREAS)) == 309
    shoot(browser, artefacts, "project")


def test_clicking_tampere_opens_its_page(browser, server):
    browser.get(server.url + "/")
    tampere = browser.find_element("css selector", 'svg.map a[data-code="837"] path')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tampere)
    tampere.click()
    assert browser.current_url.split("?")[0].endswith("/doc/organisation/837")
    assert browser.find_element("css selector", "h1").text == "Tampere"


def test_the_keyboard_reaches_a_municipality(browser, server):
    browser.get(server.url + "/")
    focused = browser.execute_script(
        "const a = document.querySelector('svg.map a[data-code=\"837\"]'); a.focus();"
        "return document.activeElement === a")
    assert focused


def test_the_list_map_changes_with_the_filter(browser, server, artefacts):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/projects")
    before = fills(browser)
    select = browser.find_element("css selector", "#filter-theme")
    options = select.find_elements("css selector", "option")
    options[1].click()                                  # the first theme, not "All"
    browser.find_element("css selector", "form.filters button[type=submit]").click()
    # the click only starts the navigation: wait (bounded) for the filtered page
    WebDriverWait(browser, 20).until(lambda driver: "theme=" in driver.current_url
                                     and driver.execute_script("return document.readyState")
                                     == "complete")
    assert console_errors(browser) == []
    after = fills(browser)
    assert len(after) == 309 and after != before
    shoot(browser, artefacts, "projects-filtered")
