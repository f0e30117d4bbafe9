"""The build: source texts → records (extract) → one resource per thing (identify) →
records the mapping can read (prepare) → N-Triples graph files (map)."""
