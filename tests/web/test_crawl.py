"""What crawlers meet. The sitemap, robots.txt and /health; and a crawler over the fixture
site: every link and every #fragment on the pages resolves, and every page is well formed for
people and assistive technology (a language, a title, one h1, no skipped heading levels,
unique ids, named links and form fields, no inline script). The same crawl runs over a site
whose data holds markup, javascript: links and very long names: everything from the data is
escaped and nothing of it runs."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.support.hostile import write_hostile_release
from tests.support.release import BASE
from tests.web.test_pages import site, write_rich_release

VERSION = "2024-05-01.1"


def test_sitemap_and_robots(client):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    root = ET.fromstring(sitemap.data)
    locations = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{BASE}doc/project/kuntien-evaka" in locations
    assert f"{BASE}doc/organisation/049" in locations
    assert not any("#" in loc for loc in locations)
    robots = client.get("/robots.txt").data.decode()
    assert "Sitemap: https://data.kuntadigi.example/sitemap.xml" in robots


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["version"] == VERSION
    assert response.headers["Cache-Control"] == "no-store"


@dataclass
class Page:
    """What the crawler reads from one HTML page."""

    lang: str | None = None
    title: str = ""
    h1: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    scripts: list[dict[str, str]] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    unnamed_links: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    """Collects links, ids, headings, scripts and the accessible names of links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in: list[str] = []
        self._link: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        page = self.page
        page.handlers += [k for k in values if k.startswith("on")]
        if "id" in values:
            page.ids.append(values["id"])
        if tag == "html":
            page.lang = values.get("lang")
        for name in ("href", "src", "action"):
            if name in values and tag != "html":
                page.links.append(values[name])
        if tag == "script":
            page.scripts.append(values)
        if tag == "a" and "href" in values:
            self._link = {"href": values["href"], "label": values.get("aria-label", "")}
            self._text = []
        if tag in {"select", "textarea"} or (tag == "input" and values.get("type") not in {
                "hidden", "submit", "button"}):
            page.fields.append(values.get("id", ""))
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            page.headings.append(int(tag[1]))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            if not ("".join(self._text).strip() or self._link["label"]):
                self.page.unnamed_links.append(self._link["href"])
            self._link = None
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text.append(data)
        if self._in[-1:] == ["title"]:
            self.page.title += data
        if "h1" in self._in:
            self.page.h1.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in.pop()


def parse(body: str) -> Page:
    parser = PageParser()
    parser.feed(body)
    parser.page.labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', body))
    return parser.page


def local_target(link: str) -> tuple[str, str] | None:
    """(path with query, fragment) for a link to this site ("" for the page itself), None
    for other sites."""
    parts = urlsplit(link)
    if parts.scheme in {"http", "https"}:
        if f"{parts.scheme}://{parts.netloc}/" != BASE:
            return None
    elif parts.scheme or link.startswith("//"):
        return None
    return (parts.path + ("?" + parts.query if parts.query else ""), parts.fragment)


def without_lang(target: str) -> str:
    path, _, query = target.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return path + ("?" + urlencode(kept) if kept else "")


@dataclass
class Crawl:
    status: dict[str, int] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    fragments: set[tuple[str, str, str]] = field(default_factory=set)
    language_links: set[str] = field(default_factory=set)


def crawl(client, start: str = "/", limit: int = 600) -> Crawl:
    """Every page reachable from `start` (links with ?lang= are followed in the default
    language; the language variants are fetched once each at the end)."""
    result = Crawl()
    queue = deque([start])
    while queue and len(result.status) < limit:
        target = queue.popleft()
        if target in result.status:
            continue
        response = client.get(target, headers={"Accept": "text/html,*/*;q=0.8"})
        result.status[target] = response.status_code
        if response.mimetype != "text/html" or response.status_code >= 400:
            continue
        page = parse(response.data.decode())
        result.pages[target] = page
        for link in page.links:
            local = local_target(link)
            if local is None:
                continue
            path, fragment = local
            path = path or target
            if "lang=" in path:
                result.language_links.add(path)
            plain = without_lang(path)
            if fragment:
                result.fragments.add((target, plain, fragment))
            if plain not in result.status:
                queue.append(plain)
    for link in sorted(result.language_links):
        if link not in result.status:
            result.status[link] = client.get(link, headers={"Accept": "text/html"}).status_code
    return result


#: Script elements that hold data, which no browser runs: the query examples (JSON) and the
#: schema.org descriptions for search engines (JSON-LD; tests/web/test_schema_org.py shows
#: no text of the data leaves them).
DATA_BLOCKS = {"application/json", "application/ld+json"}


def page_problems(path: str, page: Page) -> list[str]:
    problems = []
    if page.lang not in {"fi", "sv", "en"}:
        problems.append(f"html lang {page.lang!r}")
    if not page.title.strip():
        problems.append("no title")
    if len([h for h in page.headings if h == 1]) != 1:
        problems.append(f"{page.headings.count(1)} h1 elements")
    if not "".join(page.h1).strip():
        problems.append("empty h1")
    for before, after in zip(page.headings, page.headings[1:]):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids {sorted(duplicates)[:5]}")
    inline = [s for s in page.scripts if not s.get("src") and s.get("type") not in DATA_BLOCKS]
    if inline:
        problems.append(f"{len(inline)} inline scripts")
    if page.handlers:
        problems.append(f"event handler attributes {page.handlers[:3]}")
    if page.unnamed_links:
        problems.append(f"links without a name {page.unnamed_links[:3]}")
    unlabelled = [f for f in page.fields if not f or f not in page.labels]
    if unlabelled and path not in FORMS_ELSEWHERE:
        problems.append(f"form fields without a label {unlabelled}")
    if "content" not in page.ids:
        problems.append("no #content for the skip link")
    return [f"{path}: {p}" for p in problems]


#: Pages whose forms are built elsewhere (the query editor, the validation form): their
#: fields are not checked here.
FORMS_ELSEWHERE = {"/sparql", "/validate"}
#: Files of the release served as they are (not pages of the app).
RELEASE_FILES = re.compile(r"^/dumps/.*\.html$")


def check(result: Crawl) -> None:
    broken = {path: code for path, code in result.status.items()
              if code >= 400}
    assert broken == {}
    problems = [p for path, page in result.pages.items() if not RELEASE_FILES.match(path)
                for p in page_problems(path, page)]
    assert problems == []
    missing = sorted((source, target, fragment) for source, target, fragment in result.fragments
                     if target in result.pages and fragment not in result.pages[target].ids)
    assert missing == []


def test_every_link_of_the_fixture_site_resolves(client):
    result = crawl(client)
    check(result)
    kinds = {path.split("/")[2] for path in result.pages if path.startswith("/doc/")}
    assert kinds >= {"project", "organisation", "person", "status", "theme", "document", "build"}
    assert {"/", "/projects", "/def/", "/dumps/", "/sparql", "/catalog"} <= set(result.pages)
    assert any(path.startswith("/def/") and len(path) > 5 for path in result.pages)
    assert len(result.pages) > 40 and len(result.fragments) > 5
    assert any("lang=sv" in link for link in result.language_links)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with site(write_hostile_release(tmp_path_factory.mktemp("hostile-site"))) as client:
        yield client


def test_every_link_of_a_richer_site_resolves(tmp_path):
    """Programmes with calls, schemes, theme reasons, networks: their #parts resolve too."""
    with site(write_rich_release(tmp_path, series=3)) as client:
        result = crawl(client)
    check(result)
    assert {"/doc/programme/kannustin", "/def/themes", "/doc/initiative/verkosto"} <= set(
        result.pages)
    assert ("/doc/project/kaksikielinen", "/doc/document/004-f0ab20c46da3f21c", "L3") in \
        result.fragments


def test_the_hostile_site_crawls_clean(hostile):
    result = crawl(hostile)
    check(result)
    assert "/doc/project/hostile" in result.pages and "/doc/person/eve" in result.pages


@pytest.mark.parametrize("path", ["/doc/project/hostile", "/projects", "/doc/person/eve",
                                  "/doc/organisation/998", "/doc/theme/onlyenglish",
                                  "/doc/document/004-f0ab20c46da3f21c", "/doc/status/ongoing",
                                  "/projects?q=vaarallinen"])
def test_data_is_escaped(hostile, path):
    response = hostile.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    body = response.data.decode()
    page = parse(body)
    assert page.handlers == []
    assert [s.get("src") for s in page.scripts if s.get("type") not in DATA_BLOCKS] == []
    lowered = body.lower()
    for raw in ("<script>alert", "<img src=x", "<b>lihava</b>", "<i onmouseover", "<em>in</em>",
                "<style>body", "</dd><script>"):
        assert raw not in lowered, (path, raw)
    assert "javascript:" not in " ".join(page.links) and "data:text" not in " ".join(page.links)


def test_escaped_text_is_still_shown(hostile):
    body = hostile.get("/doc/project/hostile").data.decode()
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Vaarallinen &#34;hanke&#34; " \
           "&amp; &lt;b&gt;lihava&lt;/b&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<li>&lt;i&gt;kohta&lt;/i&gt;</li>" in body
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in body                 # the source lines
    assert 'href="https://example.org/a?b=1&amp;c=%3Cx%3E"' in body
    data = hostile.get("/doc/project/hostile.json").json
    assert data["pages"] == ["https://example.org/a?b=1&c=%3Cx%3E"]
    person = hostile.get("/doc/person/eve.json").json
    assert person["emails"] == []
    municipality = hostile.get("/doc/organisation/998.json").json
    assert municipality["code_list"] is None
