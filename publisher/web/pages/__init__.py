"""Page builders: from triples to what a page shows (plain dicts, lists and strings, so one
structure feeds both the template and the page's JSON), one module per resource type."""
