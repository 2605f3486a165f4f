"""Plain-Python ingestion for tilannekuva: HTTP, source clients, landing and parsing (no Dagster)."""
