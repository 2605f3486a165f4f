"""The error every serving step raises when it cannot publish; publish and the PostgreSQL target share it."""

from __future__ import annotations

from ingestion.errors import TilannekuvaError


class PublishError(TilannekuvaError):
    """Publishing failed; nothing already published was changed."""
