"""The release switch of a remote store within the engine's time limit per request.

The fault: on Virtuoso about one switch test in four failed with `SR171 Transaction timed out`
— its MaxQueryExecutionTime ending the one update of the switch, which took 0.5–17 s for the
test's release with no reader at all, because it also deleted the staged graphs (deleting 8 000
triples takes Virtuoso 1.2–2.8 s, adding them 0.15 s). The switch now deletes only the old
release; the staged copies, and a dead load's leftovers, go one graph per update outside it.
These assertions fail against the switch before the fix (its update held the staged drops).
"""
from __future__ import annotations

from publisher.store import switch
from tests.support.release import BASE


def test_the_switch_deletes_only_the_old_release_and_the_staged_copies_go_after():
    """Deleting is what costs (Virtuoso: seconds per 8 000 triples), so the one transaction
    readers wait on deletes the old release only; the staged copies are dropped after it."""
    moves = {switch.staged_name("t", 0): BASE + "graph/a", switch.staged_name("t", 1): switch.POINTER}
    update = switch.switch_update(moves, [BASE + "graph/old"])
    assert update.splitlines() == [
        f"DROP SILENT GRAPH <{BASE}graph/old> ;",
        f"DROP SILENT GRAPH <{BASE}graph/a> ;",
        f"ADD SILENT GRAPH <{switch.STAGING}t:0> TO GRAPH <{BASE}graph/a> ;",
        f"DROP SILENT GRAPH <{switch.POINTER}> ;",
        f"ADD SILENT GRAPH <{switch.STAGING}t:1> TO GRAPH <{switch.POINTER}>"]
    assert switch.drops(moves) == [f"DROP SILENT GRAPH <{switch.STAGING}t:0>",
                                   f"DROP SILENT GRAPH <{switch.STAGING}t:1>"]
