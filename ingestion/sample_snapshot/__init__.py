"""Bundled sample snapshot (recorded API shapes, synthetic figures) and its generator."""
