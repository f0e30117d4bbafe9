"""Our compacted JSON-LD, beside the flow: the release writes ``data.jsonld`` and the context
with it, the web its resources; both must write the same form, so the code is here, and it
imports nothing of ours but :mod:`publisher.vocab`."""
from publisher.jsonld.compact import Compactor
from publisher.jsonld.context import build_context, rebase_context

__all__ = ["Compactor", "build_context", "rebase_context"]
