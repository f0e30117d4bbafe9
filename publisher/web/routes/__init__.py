"""The blueprints, one per resource family; each route reads the request, asks pages/ or the
store, and answers."""
