"""The real LDES client (the `ldes-client` npm package, installed by `npm ci` from package.json)
run in a subprocess: `replay` follows a stream to its end and returns its members.

The client's command line (`ldes-client <url> [options]`) prints each member it emits as
N-Quads lines (graph names kept), members separated by an empty line; its log goes to stderr.
It does not print the member's IRI on a line of its own, so `replay` reads it from the quads:
the named graph the payload is in (a member whose IRI names a graph: LDES specification,
"Versions and transactions"), else the subject of the version-of triple, else the subject of
the timestamp triple. With `materialize=True` the client rewrites the member's subject to the
thing it is a version of (and drops the version-of triple): a member without a named graph is
then read as that thing. The client does not interpret deletions: a deletion is a member like
any other, and `Member.deleted` says whether it is typed with the stream's deletion class.

`state` is the client's `--save` folder (a LevelDB of pages still to fetch, mutable and
immutable pages seen, members emitted): a second run with the same folder emits only members
it has not emitted before.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple, parse, serialize
from rdflib import Graph

from publisher.config import PROJECT_ROOT
from tests.support.required import require

CLIENT = PROJECT_ROOT / "node_modules" / ".bin" / "ldes-client"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
IS_VERSION_OF = "http://purl.org/dc/terms/isVersionOf"
GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
AS_DELETE = "https://www.w3.org/ns/activitystreams#Delete"
#: stderr kept for an error message
_TAIL = 4000


class LdesClientError(RuntimeError):
    """The client failed, or did not finish in time (the message has its stderr's end)."""


def missing() -> str | None:
    """What is missing to run the client, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not CLIENT.is_file():
        return f"{CLIENT.relative_to(PROJECT_ROOT)} is missing (run npm ci)"
    return None


def require_client() -> None:
    """Skip the calling test when the client cannot run; in CI that is a failure."""
    absent = missing()
    if absent is not None:
        require(None, f"cannot run the LDES client: {absent}")


@dataclass(frozen=True)
class Member:
    """One member as the client emitted it."""

    iri: str                            #: the member: a version IRI (the thing's, materialized)
    quads: tuple[Quad, ...]             #: everything the client emitted for it, in order
    version_of: str | None              #: the object of the version-of triple, if any
    timestamp: str | None               #: the object of the timestamp triple, if any
    deleted: bool                       #: typed with the deletion class (as:Delete)

    def payload(self) -> set[Triple]:
        """The description the member carries: the triples of the named graph that its IRI
        names when there is one (the graph name dropped), else all its triples."""
        named = [q for q in self.quads if q.graph_name == NamedNode(self.iri)]
        return {q.triple for q in (named or self.quads)}

    def graph(self) -> Graph:
        """`payload` as an rdflib Graph (for isomorphism with blank nodes)."""
        text = serialize(sorted(self.payload(), key=str), format=RdfFormat.N_TRIPLES)
        return Graph().parse(data=text.decode("utf-8"), format="nt")


#: A number or a boolean the client prints as Turtle's shorthand (`683`, `true`), which N-Quads
#: does not have: the object of an otherwise N-Quads line, before its graph and the final dot.
_SHORTHAND = re.compile(r'^(.* )(-?\d+|-?\d*\.\d+|-?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+|true|false)'
                        r'((?: <[^<>"]*>)? \.)$')
_SHORTHAND_TYPES = (("true", "boolean"), ("false", "boolean"))


def _typed(match: re.Match) -> str:
    value = match.group(2)
    kind = dict(_SHORTHAND_TYPES).get(value) or (
        "double" if "e" in value.lower() else "decimal" if "." in value else "integer")
    return f'{match.group(1)}"{value}"^^<{XSD}{kind}>{match.group(3)}'


def _as_nquads(block: str) -> str:
    """The client's output with its shorthand literals written out as N-Quads has them."""
    return "\n".join(_SHORTHAND.sub(_typed, line) if not line.rstrip().endswith('" .') else line
                     for line in block.split("\n"))


def _member(block: str, version_of: str, timestamp: str, delete_path: str,
            delete_object: str) -> Member:
    quads = tuple(parse(_as_nquads(block).encode("utf-8"), format=RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if not isinstance(q.graph_name, DefaultGraph)}
    in_default = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]

    def subjects(predicate: str) -> list[str]:
        return list(dict.fromkeys(q.subject.value for q in in_default
                                  if q.predicate.value == predicate))

    candidates = ([graphs.pop()] if len(graphs) == 1 else
                  subjects(version_of) or subjects(timestamp) or [quads[0].subject.value])
    iri = candidates[0]

    def value(predicate: str) -> str | None:
        return next((q.object.value for q in in_default
                     if q.subject.value == iri and q.predicate.value == predicate), None)

    deleted = any(q.subject.value == iri and q.predicate.value == delete_path
                  and q.object.value == delete_object for q in in_default)
    return Member(iri, quads, value(version_of), value(timestamp), deleted)


def parse_output(text: str, *, version_of: str = IS_VERSION_OF, timestamp: str = GENERATED_AT,
                 delete_path: str = RDF_TYPE, delete_object: str = AS_DELETE) -> list[Member]:
    """The members in the client's printed output, in the order it emitted them."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return [_member(block.strip() + "\n", version_of, timestamp, delete_path, delete_object)
            for block in blocks]


def latest(members: list[Member]) -> dict[str, Member]:
    """The latest member of each thing (by version-of), by timestamp, then by emission order;
    members without a version-of or a timestamp are left out."""
    chosen: dict[str, tuple[datetime, int, Member]] = {}
    for order, member in enumerate(members):
        if member.version_of is None or member.timestamp is None:
            continue
        when = datetime.fromisoformat(member.timestamp.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        key = (when, order, member)
        if member.version_of not in chosen or key[:2] > chosen[member.version_of][:2]:
            chosen[member.version_of] = key
    return {thing: entry[2] for thing, entry in chosen.items()}


def replay(url: str, *, state: Path | None = None, timeout: float = 60,
           ordered: str = "none", materialize: bool = False, last_version_only: bool = False,
           options: Sequence[str] = (), version_of: str = IS_VERSION_OF,
           timestamp: str = GENERATED_AT, delete_path: str = RDF_TYPE,
           delete_object: str = AS_DELETE) -> list[Member]:
    """Run the client on the stream at `url` until it has read every page, and return the
    members it emitted (none twice). `state`: the folder to keep the client's state in, to
    resume from on the next call with the same folder. The run is bounded by `timeout`
    seconds: then the client is killed and `LdesClientError` raised; so it is on a non-zero
    exit. `ordered`: "none", "ascending" or "descending" (by the stream's timestamp);
    `options`: more command line options. The version-of and timestamp predicates and the
    deletion's path and class say how to read each member (see the module's text)."""
    absent = missing()
    if absent is not None:
        raise LdesClientError(f"cannot run the LDES client: {absent}")
    command = [str(CLIENT), url, "--ordered", ordered]
    if state is not None:
        command += ["--save", str(state)]
    if materialize:
        command.append("--materialize")
    if last_version_only:
        command.append("--last-version-only")
    command += list(options)
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True, env={**os.environ, "LOG_LEVEL": "info"})
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        out, err = process.communicate(timeout=10)
        raise LdesClientError(f"the LDES client did not finish in {timeout} s on {url}:\n"
                              + err.decode("utf-8", "replace")[-_TAIL:]) from None
    if process.returncode != 0:
        raise LdesClientError(f"the LDES client exited with {process.returncode} on {url}:\n"
                              + err.decode("utf-8", "replace")[-_TAIL:])
    return parse_output(out.decode("utf-8"), version_of=version_of, timestamp=timestamp,
                        delete_path=delete_path, delete_object=delete_object)


class Follower:
    """A client following a stream (`--follow`): it polls the stream's mutable pages every
    poll interval until stopped; `stop` ends it and returns what it emitted."""

    def __init__(self, process: subprocess.Popen, out, err, deadline: float,
                 reading: dict[str, str]) -> None:
        self._process, self._out, self._err = process, out, err
        self._deadline, self._reading = deadline, reading
        self.members: list[Member] | None = None

    def emitted(self) -> list[Member]:
        """The members emitted so far (the client keeps running)."""
        self._out.flush()
        with open(self._out.name, encoding="utf-8") as text:
            done = text.read()
        return parse_output(done[:done.rfind("\n\n") + 2] if "\n\n" in done else "",
                            **self._reading)

    def wait_for(self, count: int, seconds: float) -> list[Member]:
        """Poll (every 0.1 s, at most `seconds`) until at least `count` members are out."""
        limit = time.monotonic() + min(seconds, max(0.0, self._deadline - time.monotonic()))
        members = self.emitted()
        while len(members) < count and time.monotonic() < limit:
            time.sleep(0.1)
            members = self.emitted()
        return members

    def stop(self) -> list[Member]:
        if self.members is not None:
            return self.members
        if self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGTERM)     # the client closes cleanly
            except ProcessLookupError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill(self._process)
            self._process.wait(timeout=10)
        self.members = self.emitted()
        return self.members

    def stderr(self) -> str:
        with open(self._err.name, encoding="utf-8", errors="replace") as text:
            return text.read()[-_TAIL:]


@contextmanager
def following(url: str, *, poll_interval: float = 0.5, timeout: float = 60,
              state: Path | None = None, options: Sequence[str] = (),
              version_of: str = IS_VERSION_OF, timestamp: str = GENERATED_AT,
              delete_path: str = RDF_TYPE, delete_object: str = AS_DELETE
              ) -> Iterator[Follower]:
    """The client following `url` for the `with` block (killed after `timeout` seconds at
    the latest): its output goes to a file, so a long run never blocks on a full pipe."""
    absent = missing()
    if absent is not None:
        raise LdesClientError(f"cannot run the LDES client: {absent}")
    command = [str(CLIENT), url, "--follow", "--poll-interval", str(int(poll_interval * 1000))]
    if state is not None:
        command += ["--save", str(state)]
    command += list(options)
    reading = {"version_of": version_of, "timestamp": timestamp, "delete_path": delete_path,
               "delete_object": delete_object}
    with tempfile.NamedTemporaryFile("wb", suffix=".nq") as out, \
            tempfile.NamedTemporaryFile("wb", suffix=".log") as err:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   env={**os.environ, "LOG_LEVEL": "info"})
        follower = Follower(process, out, err, time.monotonic() + timeout, reading)
        limit = threading.Timer(timeout, _kill, (process,))     # the run's upper bound
        limit.daemon = True
        limit.start()
        try:
            yield follower
        finally:
            limit.cancel()
            follower.stop()


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)              # the client's own session
        except ProcessLookupError:
            pass
