"""Bundled sample snapshot (recorded API shapes, synthetic figures) and its generator.

`basics` holds what every generator shares; one module per source builds its files; `generate` writes them all.
"""
