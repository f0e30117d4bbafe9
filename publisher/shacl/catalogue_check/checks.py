"""What the URL checks found against what the catalogue declares: a download that does not
answer 2xx, a media type other than the one declared, a size other than dcat:byteSize, a
checksum other than spdx:checksum; and licences outside the EU licence table. A violation is
what a harvester would fail on; a warning what it cannot verify or would read otherwise."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from publisher.i18n import translate
from publisher.shacl.catalogue_check.declared import Declared, Distribution, media_type_of
from publisher.shacl.catalogue_check.texts import FINDINGS, ROLES, reason_text
from publisher.shacl.catalogue_check.urls import UrlCheck
from publisher.shacl.mqa.vocabularies import LICENCE_SCHEME, Vocabularies

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"


@dataclass(frozen=True)
class Finding:
    """One finding about a URL (or a licence) of a resource of the catalogue."""

    severity: str
    code: str
    subject: str                  # the distribution (or the resource with the licence)
    role: str                     # access, download, licence
    url: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    reason: tuple[str, dict[str, Any]] | None = None

    def message(self, lang: str) -> str:
        values = dict(self.params)
        if self.reason is not None:
            values["reason"] = reason_text(lang, *self.reason)
        if self.code == "not_checked":
            return values["reason"]
        return translate(lang, FINDINGS[self.code], **values)

    def as_json(self, lang: str) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "subject": self.subject,
                "role": self.role, "role_name": translate(lang, ROLES[self.role]),
                "url": self.url, "message": self.message(lang),
                "bound": (self.reason[1].get("setting") if self.reason else None)}


def url_findings(declared: Declared, checks: dict[str, UrlCheck]) -> list[Finding]:
    """The findings of every access and download URL of every distribution."""
    found: list[Finding] = []
    for d in declared.distributions:
        for url in d.access_urls:
            if url not in d.download_urls:
                found += _reachable(d, "access", checks[url])
        for url in d.download_urls:
            reachable = _reachable(d, "download", checks[url])
            found += reachable or _download(d, url, checks[url])
    return found


def _reachable(d: Distribution, role: str, check: UrlCheck) -> list[Finding]:
    """A URL not checked (info), without an answer, or answering other than 2xx."""
    if check.skipped is not None:
        return [Finding(INFO, "not_checked", d.name, role, check.url, reason=check.skipped)]
    status, problem = check.status, check.problem
    success = status is not None and 200 <= status < 300
    if problem is not None and not success:      # a body cut short is the download's to say
        return [Finding(VIOLATION, "unreachable", d.name, role, check.url,
                        reason=(problem[0], problem[1]))]
    if not success:
        return [Finding(VIOLATION, "status", d.name, role, check.url,
                        {"status": status if status is not None else "—"})]
    return []


def _download(d: Distribution, url: str, check: UrlCheck) -> list[Finding]:
    """Media type, size and checksums of a download that answered 2xx."""
    found = []
    declared = _declared_media_types(d)
    served = check.media_type
    if declared and served and served not in declared:
        found.append(Finding(WARNING, "media_type", d.name, "download", url,
                             {"served": served, "declared": ", ".join(sorted(declared))}))
    unread = _unread(check)
    if d.byte_size is not None:
        found += _size(d, url, check, unread)
    for checksum in d.checksums:
        if checksum.algorithm is None:
            found.append(Finding(WARNING, "checksum_algorithm", d.name, "download", url,
                                 {"algorithm": checksum.algorithm_term or "—"}))
            continue
        digest = check.get.digests.get(checksum.algorithm) if check.get else None
        if digest is None:
            found.append(Finding(WARNING, "checksum_unchecked", d.name, "download", url,
                                 reason=unread or ("no_length", {})))
        elif digest != checksum.value:
            found.append(Finding(VIOLATION, "checksum", d.name, "download", url,
                                 {"algorithm": checksum.algorithm, "found": digest,
                                  "declared": checksum.value}))
    return found


def _size(d: Distribution, url: str, check: UrlCheck,
          unread: tuple[str, dict[str, Any]] | None) -> list[Finding]:
    try:
        declared = int(d.byte_size or "")
    except ValueError:
        return [Finding(WARNING, "byte_size_invalid", d.name, "download", url,
                        {"declared": d.byte_size})]
    size = check.size
    if size is None:
        announced = check.head.length if check.head is not None else None
        size = announced if announced is not None and unread and \
            unread[0] == "too_large_announced" else None
    if size is None:
        return [Finding(WARNING, "byte_size_unchecked", d.name, "download", url,
                        reason=unread or ("no_length", {}))]
    if size != declared:
        return [Finding(VIOLATION, "byte_size", d.name, "download", url,
                        {"found": f"{size:,}", "declared": f"{declared:,}"})]
    return []


def _unread(check: UrlCheck) -> tuple[str, dict[str, Any]] | None:
    """Why the body of a download was not read whole, if it was not."""
    if check.unread is not None:
        return check.unread[0], check.unread[1]
    problem = check.problem
    return (problem[0], problem[1]) if problem else None


def _declared_media_types(d: Distribution) -> set[str]:
    """The media types a download may be served as: dcat:mediaType, the compression or
    package format, and dct:format where it is a media type (an IANA IRI or its text; an EU
    file type names a format, not one media type)."""
    types = set(d.media_types) | set(d.packaging)
    for value in d.formats:
        media_type = media_type_of(value)
        if "/" in media_type and "://" not in media_type:
            types.add(media_type)
    return {t for t in types if t}


def licence_findings(declared: Declared, vocabularies: Vocabularies) -> list[Finding]:
    """Every licence outside the EU licence table (a text is no table's)."""
    found = []
    for licence in declared.licences:
        if not licence.is_iri:
            found.append(Finding(WARNING, "licence_text", licence.subject, "licence", None,
                                 {"licence": licence.value}))
        elif not vocabularies.member(LICENCE_SCHEME, licence.value):
            found.append(Finding(WARNING, "licence", licence.subject, "licence", None,
                                 {"licence": licence.value}))
    return found
