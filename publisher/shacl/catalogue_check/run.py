"""One catalogue check from start to end: read the catalogue, check every access and download
URL against what it declares, validate it with each DCAT-AP profile, score it with the MQA,
and keep it all in a `CatalogueReport` whose status is `publisher validate`'s: 0 no
violation, 1 violations (2, could not check, is an UnreadableInput raised on the way)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from publisher.config import Settings
from publisher.shacl.catalogue_check.checks import (INFO, VIOLATION, WARNING, Finding,
                                                    licence_findings, url_findings)
from publisher.shacl.catalogue_check.declared import Declared, declared_in
from publisher.shacl.catalogue_check.fetching import Bounds
from publisher.shacl.catalogue_check.quality import named, quality
from publisher.shacl.catalogue_check.shapes import (check_runs, declared_versions,
                                                   validate_catalogue)
from publisher.shacl.catalogue_check.source import read_catalogue
from publisher.shacl.catalogue_check.urls import Access, UrlCheck, UrlChecker
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.inputs import ParsedInput, ReadLimits
from publisher.shacl.messages import SEVERITIES
from publisher.shacl.mqa.vocabularies import load_vocabularies
from publisher.shacl.outcome import Outcome
from publisher.shacl.profiles import load_profiles


@dataclass(frozen=True)
class CheckOptions:
    """How one check runs: where requests may go, which profiles, the report's language."""

    access: Access = Access()
    profiles: tuple[str, ...] = ()        # default: the catalogue-check profile's runs
    lang: str = "en"
    input_format: str | None = None
    quality: bool = True
    workers: int | None = None            # the SHACL engine's threads
    parallel: int | None = None           # URLs at once (default: the setting)


@dataclass
class CatalogueReport:
    """Everything one check found; `as_json` is what every rendering is made from."""

    source: str
    parsed: ParsedInput
    declared: Declared
    urls: dict[str, UrlCheck]
    findings: list[Finding]
    outcomes: list[Outcome]
    titles: dict[str, str]
    quality: dict[str, Any] | None
    options: CheckOptions
    limits: dict[str, Any]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return (not any(f.severity == VIOLATION for f in self.findings)
                and all(o.conforms for o in self.outcomes))

    @property
    def status(self) -> int:
        """The exit status: 0 no violation, 1 violations."""
        return 0 if self.conforms else 1

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        for outcome in self.outcomes:
            for severity, count in outcome.counts.items():
                counts[severity] = counts.get(severity, 0) + count
        return counts

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.options.lang
        roles: dict[str, list[dict[str, str]]] = {}
        for d in self.declared.distributions:
            for role, urls in (("access", d.access_urls), ("download", d.download_urls)):
                for url in urls:
                    roles.setdefault(url, []).append({"role": role, "distribution": d.name})
        access = self.options.access
        return {
            "conforms": self.conforms, "status": self.status, "lang": lang,
            "counts": self.counts(), "source": self.source,
            "input": {"name": self.parsed.name, "format": self.parsed.format.label,
                      "triples": len(self.parsed.triples)},
            "catalogues": list(self.declared.catalogues),
            "datasets": len(self.declared.datasets),
            "distributions": len(self.declared.distributions),
            "network": access.network, "loopback": access.loopback, "web": access.web,
            "server": access.server,
            "urls": [{**check.as_json(), "roles": roles.get(url, [])}
                     for url, check in self.urls.items()],
            "findings": [f.as_json(lang) for f in self.findings],
            "shacl": [{"profile": o.profiles[0], "title": self.titles.get(o.profiles[0], ""),
                       **o.as_json()} for o in self.outcomes],
            "quality": named(self.quality, lang) if self.quality and "total" in self.quality
            else self.quality,
            "limits": self.limits, "seconds": round(self.seconds, 2), "notes": self.notes,
        }


def bounds(settings: Settings) -> Bounds:
    """The request bounds of a run starting now."""
    limits = settings.limits
    return Bounds(request_seconds=float(limits.catalogue_check_request_seconds),
                  max_bytes=int(limits.catalogue_check_download_bytes),
                  redirects=int(limits.catalogue_check_redirects),
                  run_deadline=time.monotonic() + float(limits.catalogue_check_seconds),
                  run_seconds=float(limits.catalogue_check_seconds))


def read_limits(settings: Settings, max_bytes: int | None = None,
                setting: str = "limits.catalogue_check_max_bytes",
                max_triples: int = ReadLimits.max_triples) -> ReadLimits:
    """How much of a catalogue is read: its bytes, triples and nesting."""
    return ReadLimits(max_bytes=max_bytes or settings.limits.catalogue_check_max_bytes,
                      max_triples=max_triples, max_depth=settings.limits.parse_max_depth,
                      bytes_setting=setting)


def checker_for(settings: Settings, options: CheckOptions) -> UrlChecker:
    return UrlChecker(options.access, bounds(settings),
                      options.parallel or settings.limits.catalogue_check_parallel)


def check_catalogue(source: str, settings: Settings, options: CheckOptions) -> CatalogueReport:
    """`publisher check-catalogue URL|FILE`: UnreadableInput when it cannot be checked."""
    check_runs(settings, options.profiles)             # a wrong profile stops before any request
    checker = checker_for(settings, options)
    parsed = read_catalogue(source, checker, read_limits(settings), options.input_format)
    return check_parsed(parsed, settings, options, checker, source)


def check_parsed(parsed: ParsedInput, settings: Settings, options: CheckOptions,
                 checker: UrlChecker | None = None, source: str | None = None) -> CatalogueReport:
    """The check of a catalogue already read (an upload to /validate, a file)."""
    started = time.monotonic()
    profiles = check_runs(settings, options.profiles)
    declared = declared_in(parsed.triples)
    if not declared.is_dcat:
        raise UnreadableInput(f"{parsed.name}: no dcat:Catalog, dcat:Dataset or "
                              "dcat:Distribution in it, so no DCAT catalogue to check")
    checker = checker or checker_for(settings, options)
    checks = checker.check_all(declared.needs())
    vocabularies = load_vocabularies(settings.mappings_dir / "reference" / "eu")
    findings = url_findings(declared, checks) + licence_findings(declared, vocabularies)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.subject, f.url or ""))
    notes: list[str] = []
    claimed = [name for name in declared_versions(parsed.triples) if name in profiles]
    if not options.profiles and claimed and claimed != profiles:
        notes.append(f"validated with {', '.join(claimed)} only: the catalogue declares "
                     f"conformance to it (dct:conformsTo); --profile asks for others")
        profiles = claimed
    outcomes = validate_catalogue(parsed, settings, profiles, options.lang, options.workers)
    known = load_profiles(settings)
    titles = {name: known[name].title(options.lang) for name in profiles}
    assessed = None
    if options.quality:
        try:
            assessed = quality(parsed.triples, checker, settings)
            if claimed == ["dcat-ap-3"] and any(s["indicator"] == "dcat-ap-compliance"
                                                for s in assessed.get("shortfalls", ())):
                notes.append("MQA: compliance is judged, as data.europa.eu does, against "
                             "DCAT-AP 2.1.1; this catalogue is in 3.0.1: check its 2.1.1 form "
                             "(ours: /catalog?_profile=dcat-ap-2)")
        except (FileNotFoundError, ValueError) as error:
            notes.append(f"MQA: {error}")
    limits = settings.limits
    return CatalogueReport(
        source=source or parsed.name, parsed=parsed, declared=declared, urls=checks,
        findings=findings, outcomes=outcomes, titles=titles, quality=assessed,
        options=options, notes=notes, seconds=time.monotonic() - started,
        limits={"request_seconds": limits.catalogue_check_request_seconds,
                "seconds": limits.catalogue_check_seconds,
                "download_bytes": limits.catalogue_check_download_bytes,
                "redirects": limits.catalogue_check_redirects,
                "parallel": limits.catalogue_check_parallel})


_SEVERITY_ORDER = {VIOLATION: 0, WARNING: 1, INFO: 2}
