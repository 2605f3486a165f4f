"""Dagster resources: the pipeline settings and the one HTTP session shared by every source."""

from __future__ import annotations

from functools import lru_cache

from dagster import ConfigurableResource

from ingestion.http import SourceSession, make_session
from ingestion.settings import Settings, load_settings


@lru_cache(maxsize=4)
def _session_for(settings: Settings) -> SourceSession:
    return make_session(settings)


class PipelineSettings(ConfigurableResource):
    """Settings come from `TILANNEKUVA_*` env vars; run config may override mode and area."""

    mode: str | None = None
    area: str | None = None

    def get(self) -> Settings:
        return load_settings(mode=self.mode, area=self.area)

    def session(self) -> SourceSession:
        """One throttled session per process and settings, so every source shares its limits."""
        return _session_for(self.get())
