"""Headless Chromium for the browser tests: where it is, what is missing to run it, and a
driver with a fresh profile in the language asked."""
from __future__ import annotations

import shutil
import tempfile

import pytest


def browser_binaries() -> tuple[str | None, str | None]:
    """(Chromium, chromedriver): their paths, None where one is not installed."""
    binary = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                   if shutil.which(name)), None)
    return binary, shutil.which("chromedriver")


def missing() -> str | None:
    """What is missing to run the browser tests, or None."""
    binary, driver = browser_binaries()
    if binary is None:
        return "chromium is not installed"
    if driver is None:
        return "chromedriver is not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


def new_driver(language: str = "fi"):
    """Headless Chromium in `language` with a profile of its own (`driver.profile_dir`)."""
    absent = missing()
    if absent is not None:
        pytest.fail(f"cannot run the browser tests: {absent} (Debian: apt-get install "
                    "chromium chromium-driver; pip install selenium)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = browser_binaries()
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


def browser_session(language: str = "fi"):
    """A fixture's body: a driver for the tests of a module, quit and its profile removed."""
    driver = new_driver(language)
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def console_errors(driver) -> list[str]:
    """The errors the page logged to the browser console."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")]
