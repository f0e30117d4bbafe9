"""The catalogue check of /validate, run in a validation process like any web validation (a
deadline, a memory cap, no network): the job names the release whose files answer for our own
URLs and the roots that mean our base URI; nothing else is asked. The validation processes
start here (`worker_main`), so that they run both kinds of job."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from publisher.config import Settings
from publisher.shacl.catalogue_check.own import OwnSite
from publisher.shacl.catalogue_check.run import CheckOptions, check_parsed, read_limits
from publisher.shacl.catalogue_check.urls import Access
from publisher.shacl.errors import InputTooLarge, UnreadableInput
from publisher.shacl.inputs import input_format, parse_bytes
from publisher.shacl.process import run_job
from publisher.shacl.process import worker_main as validation_worker_main

#: the job's "kind" for a catalogue check (any other job is a validation)
KIND = "catalogue-check"


def run_catalogue_job(job: dict[str, Any]) -> dict[str, Any]:
    """One catalogue check from the web: parse, check (our URLs from the release's files
    only), answer the report's JSON."""
    settings: Settings = job["settings"]
    release = job.get("release_dir")
    own = OwnSite(settings.base_uri, Path(release) if release else None,
                  tuple(job.get("roots", ())))
    options = CheckOptions(Access(network=False, loopback=False, own=own, web=True),
                           lang=job["lang"], workers=1, parallel=1)
    item = job["inputs"][0]
    try:
        limits = read_limits(settings, job["max_bytes"],
                             job.get("bytes_setting", "limits.upload_max_bytes"),
                             job["max_triples"])
        parsed = parse_bytes(item["data"], item["name"], input_format(item["format"]), limits,
                             base_iri=item.get("base"))
        report = check_parsed(parsed, settings, options)
    except UnreadableInput as error:
        return {"status": "too_large" if isinstance(error, InputTooLarge) else "unreadable",
                "message": str(error), "where": error.where, "line": error.line,
                "column": error.column, "code": error.code, "params": error.params}
    return {"status": "ok", "kind": KIND, "report": report.as_json()}


def run_any(job: dict[str, Any]) -> dict[str, Any]:
    """A catalogue check or a validation, by the job's kind."""
    return run_catalogue_job(job) if job.get("kind") == KIND else run_job(job)


def worker_main(memory_mib: int | None = None) -> None:  # pragma: no cover - a child process
    """A validation process that also runs catalogue checks."""
    validation_worker_main(memory_mib, run=run_any)
