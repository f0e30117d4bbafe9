"""/validate in a real headless Chromium (tests/support/browser.py): on a phone-width screen the
report neither overflows nor breaks a word between two letters (IRIs wrap after / and #), and a
refused validation comes back on the form with the steward's input and the page's language.

Skipped only when Chromium is missing AND the environment variable CI is unset, as the other
browser tests."""
from __future__ import annotations


import pytest

from publisher.config import PROJECT_ROOT
from tests.support.required import IN_CI
from tests.support.browser import browser_binaries, browser_session, console_errors
from tests.support.servers import LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_binaries()[0] is None and not IN_CI,
                       reason="chromium is not installed (the browser tests run whenever CI "
                              "is set)"),
]

RELATIONS = (PROJECT_ROOT / "tests" / "shacl" / "validation" / "skos-relations.ttl").read_text(
    encoding="utf-8")
# Long Finnish words in labels and messages, and long IRIs, that fit a phone's line: none may
# break (a word wider than the whole line is the one case overflow-wrap: break-word breaks).
LONG_WORDS = RELATIONS + """
ex:tietojärjestelmäarkkitehtuuri a skos:Concept ; skos:inScheme ex:scheme ;
    skos:prefLabel "Tietojärjestelmäarkkitehtuuri"@fi , "Informationssystemarkitektur"@sv ,
        "Architecture"@en , "Arkitektur"@sv .
"""
#: Every word of the report's cells and headings whose letters sit on more than one line.
BROKEN_WORDS_JS = """
const broken = [];
for (const el of document.querySelectorAll(
        '.validation-report td, .validation-report h3, .validation-report .summary')) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = /[\\p{L}\\p{N}]{2,}/gu;
    for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                                 .map(r => Math.round(r.bottom)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
}
return broken;
"""


@pytest.fixture(scope="module")
def server(settings, embedded_store):
    from publisher.web import create_app

    app = create_app(settings, embedded_store)
    live = LiveServer(app)
    yield live
    live.stop()
    if "validation_processes" in app.extensions:
        app.extensions["validation_processes"].close()


@pytest.fixture(scope="module")
def browser():
    yield from browser_session("fi")


def wait_for(driver, selector: str):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 60).until(ec.presence_of_element_located(("css selector", selector)))


def submit(driver, url: str, text: str, profile: str | None = "vocabulary") -> None:
    driver.get(url)
    area = driver.find_element("id", "v-data")
    driver.execute_script("arguments[0].value = arguments[1];", area, text)
    if profile:
        driver.find_element("css selector", f"input[name=profile][value={profile}]").click()
    driver.find_element("css selector", "form.validate button[type=submit]").click()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_report_wraps_at_spaces_and_slashes_never_inside_a_word(browser, server, width: int) -> None:
    browser.set_window_size(width, 900)
    try:
        submit(browser, server.url + "/validate?lang=fi", LONG_WORDS)
        wait_for(browser, ".validation-report table.results")
        assert browser.execute_script(BROKEN_WORDS_JS) == []
        overflow = browser.execute_script(
            "return document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than a {width}px screen"
        cell = browser.find_element("css selector", ".validation-report td.message")
        assert cell.value_of_css_property("overflow-wrap") == "break-word"
        assert cell.value_of_css_property("word-break") == "normal"
        heights = browser.execute_script(
            "return Array.from(document.querySelectorAll('.validation-report h3 code'))"
            ".filter(c => c.textContent.length > 40).map(c => c.getClientRects().length)")
        assert heights, "no long IRI in the headings"
        if width == 390:
            assert max(heights) > 1                    # a long IRI wrapped (after its slashes)
            assert browser.find_element(
                "css selector", ".validation-report table.results thead").size["height"] <= 1
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1280, 1000)


def test_a_refusal_keeps_the_stewards_work_in_the_page_language(browser, server) -> None:
    typed = "@prefix ex: <http://example.test/> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n"
    submit(browser, server.url + "/validate?lang=sv", typed)
    error = wait_for(browser, ".validation-error").text
    assert "Felaktig begäran" in error and "inklistrad text, rad 3, kolumn 11" in error
    assert browser.find_element("id", "v-data").get_attribute("value") == typed
    assert browser.find_element("css selector",
                                "input[name=profile][value=vocabulary]").is_selected()
    assert not browser.find_element("css selector", "input[name=profile][value=kuntadigi]").is_selected()
    assert "lang=sv" in browser.current_url
    assert browser.find_element("css selector", "html").get_attribute("lang") == "sv"
    # corrected in place and sent again: the report, still in Swedish
    area = browser.find_element("id", "v-data")
    browser.execute_script("arguments[0].value = arguments[1];", area, RELATIONS)
    browser.find_element("css selector", "form.validate button[type=submit]").click()
    summary = wait_for(browser, ".validation-report .summary").text
    assert summary.startswith("Uppfyller inte formerna")
    # the refusal's own status is the one error a browser logs
    assert [e for e in console_errors(browser) if "status of 400" not in e] == []
