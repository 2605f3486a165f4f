"""All settings in one place, read from the environment with defaults.

Every component (CLI, Dagster resources, dbt via env vars) reads the same `Settings`, so one
change of `TILANNEKUVA_AREA` switches the whole picture to another employment area.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from ingestion.errors import SettingsError

DEFAULT_PXWEB_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
DEFAULT_CLASSIFICATION_BASE_URL = "https://data.stat.fi/api/classifications/v2"
DEFAULT_KELA_BASE_URL = "https://www.avoindata.fi/data/api/3/action"
MODES = ("sample", "live")
AREA_CODE_PATTERN = re.compile(r"^TA\d{2}$")


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with `load_settings()`."""

    data_dir: Path
    area: str = "TA24"
    mode: str = "sample"
    pxweb_base_url: str = DEFAULT_PXWEB_BASE_URL
    classification_base_url: str = DEFAULT_CLASSIFICATION_BASE_URL
    kela_base_url: str = DEFAULT_KELA_BASE_URL
    language: str = "fi"
    history_start: str = "2019M01"
    max_response_bytes: int = 200 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    retries: int = 5
    backoff_factor: float = 1.0
    alert_webhook_url: str | None = None
    landing_keep_versions: int = 7
    sources: tuple[str, ...] | None = None
    # May hold a password: kept out of repr() so it never reaches a log.
    postgres_url: str | None = field(default=None, repr=False)

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def warehouse_path(self) -> Path:
        return self.build_dir / "warehouse.duckdb"

    @property
    def serving_dir(self) -> Path:
        return self.data_dir / "serving"

    @property
    def serving_path(self) -> Path:
        return self.serving_dir / "tilannekuva.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.serving_dir / "exports"

    @property
    def is_sample(self) -> bool:
        return self.mode == "sample"

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some settings replaced and re-validated."""
        return _validated(replace(self, **changes))


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _int_env(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}.") from None


def _check_url(name: str, url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {url!r}.")
    return url.rstrip("/")


def _validated(settings: Settings) -> Settings:
    if settings.mode not in MODES:
        raise SettingsError(f"TILANNEKUVA_MODE must be one of {', '.join(MODES)}, got {settings.mode!r}.")
    if not AREA_CODE_PATTERN.match(settings.area):
        raise SettingsError(
            f"TILANNEKUVA_AREA must be an employment-area code like 'TA24' (TA and two digits), got {settings.area!r}."
        )
    if settings.language not in ("fi", "sv", "en"):
        raise SettingsError(f"TILANNEKUVA_LANGUAGE must be fi, sv or en, got {settings.language!r}.")
    if not re.match(r"^\d{4}M(0[1-9]|1[0-2])$", settings.history_start):
        raise SettingsError(f"TILANNEKUVA_HISTORY_START must be a month like 2019M01, got {settings.history_start!r}.")
    if settings.landing_keep_versions < 1:
        raise SettingsError(f"TILANNEKUVA_LANDING_KEEP must be 1 or more, got {settings.landing_keep_versions!r}.")
    if settings.alert_webhook_url:
        _check_url("TILANNEKUVA_ALERT_WEBHOOK_URL", settings.alert_webhook_url)
    if settings.postgres_url and urlparse(settings.postgres_url).scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            "TILANNEKUVA_POSTGRES_URL must be a postgresql:// URL, "
            f"got one starting {settings.postgres_url.split(':', 1)[0]!r}."
        )
    if settings.sources is not None:
        from ingestion.catalogue import DATASETS, SOURCES

        known = set(SOURCES) | {f"{d.source}/{d.name}" for d in DATASETS}
        unknown = [s for s in settings.sources if s not in known]
        if unknown or not settings.sources:
            raise SettingsError(
                f"TILANNEKUVA_SOURCES names unknown sources {unknown or list(settings.sources)!r}; "
                f"known: {', '.join(sorted(known))}."
            )
    return replace(
        settings,
        pxweb_base_url=_check_url("TILANNEKUVA_PXWEB_BASE_URL", settings.pxweb_base_url),
        classification_base_url=_check_url("TILANNEKUVA_CLASSIFICATION_BASE_URL", settings.classification_base_url),
        kela_base_url=_check_url("TILANNEKUVA_KELA_BASE_URL", settings.kela_base_url),
    )


def _sources(raw: str) -> tuple[str, ...] | None:
    """`TILANNEKUVA_SOURCES`: comma-separated source names or source/dataset pairs; empty means every source."""
    names = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    return names or None


def load_settings(**overrides: object) -> Settings:
    """Read settings from `TILANNEKUVA_*` environment variables; keyword overrides win."""
    values: dict[str, object] = {
        "data_dir": Path(_env("TILANNEKUVA_DATA_DIR", "data")).expanduser().resolve(),
        "area": _env("TILANNEKUVA_AREA", "TA24").upper(),
        "mode": _env("TILANNEKUVA_MODE", "sample").lower(),
        "pxweb_base_url": _env("TILANNEKUVA_PXWEB_BASE_URL", DEFAULT_PXWEB_BASE_URL),
        "classification_base_url": _env("TILANNEKUVA_CLASSIFICATION_BASE_URL", DEFAULT_CLASSIFICATION_BASE_URL),
        "kela_base_url": _env("TILANNEKUVA_KELA_BASE_URL", DEFAULT_KELA_BASE_URL),
        "language": _env("TILANNEKUVA_LANGUAGE", "fi").lower(),
        "history_start": _env("TILANNEKUVA_HISTORY_START", "2019M01").upper(),
        "alert_webhook_url": _env("TILANNEKUVA_ALERT_WEBHOOK_URL", "") or None,
        "landing_keep_versions": _int_env("TILANNEKUVA_LANDING_KEEP", 7),
        "sources": _sources(_env("TILANNEKUVA_SOURCES", "")),
        "postgres_url": _env("TILANNEKUVA_POSTGRES_URL", "") or None,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(values["data_dir"], str):
        values["data_dir"] = Path(values["data_dir"]).expanduser().resolve()
    if isinstance(values.get("area"), str):
        values["area"] = str(values["area"]).upper()
    return _validated(Settings(**values))  # type: ignore[arg-type]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process (dbt, Dagster) see the same settings."""
    return {
        "TILANNEKUVA_DATA_DIR": str(settings.data_dir),
        "TILANNEKUVA_AREA": settings.area,
        "TILANNEKUVA_MODE": settings.mode,
        "TILANNEKUVA_PXWEB_BASE_URL": settings.pxweb_base_url,
        "TILANNEKUVA_CLASSIFICATION_BASE_URL": settings.classification_base_url,
        "TILANNEKUVA_KELA_BASE_URL": settings.kela_base_url,
        "TILANNEKUVA_LANGUAGE": settings.language,
        "TILANNEKUVA_HISTORY_START": settings.history_start,
        "TILANNEKUVA_ALERT_WEBHOOK_URL": settings.alert_webhook_url or "",
        "TILANNEKUVA_LANDING_KEEP": str(settings.landing_keep_versions),
        "TILANNEKUVA_SOURCES": ",".join(settings.sources or ()),
        "TILANNEKUVA_POSTGRES_URL": settings.postgres_url or "",
    }


def check_data_dir_writable(settings: Settings) -> None:
    """Fail with one sentence when the data directory cannot be created or written."""
    probe = settings.data_dir / ".write-probe"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise SettingsError(
            f"TILANNEKUVA_DATA_DIR {str(settings.data_dir)!r} is not writable ({exc.strerror or exc})."
        ) from exc
