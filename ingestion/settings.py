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
DEFAULT_PRH_BASE_URL = "https://avoindata.prh.fi/opendata-ytj-api/v3"
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
    prh_base_url: str = DEFAULT_PRH_BASE_URL
    # The PRH dump is streamed; this caps what its one JSON member may unpack to (a ZIP bomb guard).
    prh_max_uncompressed_bytes: int = 8 * 1024**3
    # Share of companies whose industry code set is not TOIMI3/TOIMI4 (left unknown) above which a dump fails.
    prh_max_unknown_code_set_share: float = 0.01
    language: str = "fi"
    history_start: str = "2019M01"
    max_response_bytes: int = 200 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    retries: int = 5
    backoff_factor: float = 1.0
    # Webhook URLs usually embed a token: kept out of repr() like the database password.
    alert_webhook_url: str | None = field(default=None, repr=False)
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


def _float_env(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}.") from None


def _check_url(name: str, url: str, secret: bool = False) -> str:
    """An http(s) URL with a host and nothing that could smuggle a second request, header or credential.

    With `secret` (a webhook URL carries its token) messages show only the scheme and host.
    """
    shown = repr(url) if not secret else f"one for host {urlparse(url).hostname or '?'!r} (rest masked)"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise SettingsError(f"{name} must not contain spaces or control characters, got {shown}.")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SettingsError(f"{name} must be an http(s) URL, got {shown}.")
    if parsed.username or parsed.password:
        raise SettingsError(f"{name} must not carry a user name or password, got one for host {parsed.hostname!r}.")
    try:
        parsed.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError(f"{name} has a malformed port: {shown}.") from None
    return url.rstrip("/")


def _check_base_url(name: str, url: str) -> str:
    """A source's base URL: paths are appended to it, so a query string or fragment would corrupt every request."""
    checked = _check_url(name, url)
    parsed = urlparse(checked)
    if parsed.query or parsed.fragment:
        raise SettingsError(f"{name} must be a base URL without ?query or #fragment, got {url!r}.")
    return checked


def _validated(settings: Settings) -> Settings:
    data_dir = str(settings.data_dir)
    if "'" in data_dir or any(ord(ch) < 32 or ord(ch) == 127 for ch in data_dir):
        # dbt pastes the data dir into SQL string literals (sources' external_location).
        raise SettingsError(f"TILANNEKUVA_DATA_DIR must not contain quotes or control characters, got {data_dir!r}.")
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
    if settings.prh_max_uncompressed_bytes < 1:
        raise SettingsError(
            f"TILANNEKUVA_PRH_MAX_UNCOMPRESSED_BYTES must be 1 or more, got {settings.prh_max_uncompressed_bytes!r}."
        )
    if not 0 <= settings.prh_max_unknown_code_set_share <= 1:
        raise SettingsError(
            "TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE must be between 0 and 1, "
            f"got {settings.prh_max_unknown_code_set_share!r}."
        )
    if not 0 <= settings.retries <= 10:
        raise SettingsError(f"TILANNEKUVA_HTTP_RETRIES must be between 0 and 10, got {settings.retries!r}.")
    if not 0 <= settings.backoff_factor <= 60:
        raise SettingsError(
            f"TILANNEKUVA_HTTP_BACKOFF must be between 0 and 60 seconds, got {settings.backoff_factor!r}."
        )
    if not 0 < settings.read_timeout <= 3600 or not 0 < settings.connect_timeout <= 600:
        raise SettingsError(
            f"TILANNEKUVA_HTTP_TIMEOUT must be between 0 and 3600 seconds, got {settings.read_timeout!r}."
        )
    if settings.max_response_bytes < 1024:
        raise SettingsError(f"the response size cap must be at least 1 KiB, got {settings.max_response_bytes!r} bytes.")
    if settings.landing_keep_versions < 1:
        raise SettingsError(f"TILANNEKUVA_LANDING_KEEP must be 1 or more, got {settings.landing_keep_versions!r}.")
    if settings.alert_webhook_url:
        _check_url("TILANNEKUVA_ALERT_WEBHOOK_URL", settings.alert_webhook_url, secret=True)
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
        pxweb_base_url=_check_base_url("TILANNEKUVA_PXWEB_BASE_URL", settings.pxweb_base_url),
        classification_base_url=_check_base_url(
            "TILANNEKUVA_CLASSIFICATION_BASE_URL", settings.classification_base_url
        ),
        kela_base_url=_check_base_url("TILANNEKUVA_KELA_BASE_URL", settings.kela_base_url),
        prh_base_url=_check_base_url("TILANNEKUVA_PRH_BASE_URL", settings.prh_base_url),
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
        "prh_base_url": _env("TILANNEKUVA_PRH_BASE_URL", DEFAULT_PRH_BASE_URL),
        "prh_max_uncompressed_bytes": _int_env("TILANNEKUVA_PRH_MAX_UNCOMPRESSED_BYTES", 8 * 1024**3),
        "prh_max_unknown_code_set_share": _float_env("TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE", 0.01),
        "language": _env("TILANNEKUVA_LANGUAGE", "fi").lower(),
        "history_start": _env("TILANNEKUVA_HISTORY_START", "2019M01").upper(),
        "alert_webhook_url": _env("TILANNEKUVA_ALERT_WEBHOOK_URL", "") or None,
        "retries": _int_env("TILANNEKUVA_HTTP_RETRIES", 5),
        "backoff_factor": _float_env("TILANNEKUVA_HTTP_BACKOFF", 1.0),
        "read_timeout": _float_env("TILANNEKUVA_HTTP_TIMEOUT", 120.0),
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
        "TILANNEKUVA_PRH_BASE_URL": settings.prh_base_url,
        "TILANNEKUVA_PRH_MAX_UNCOMPRESSED_BYTES": str(settings.prh_max_uncompressed_bytes),
        "TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE": str(settings.prh_max_unknown_code_set_share),
        "TILANNEKUVA_LANGUAGE": settings.language,
        "TILANNEKUVA_HISTORY_START": settings.history_start,
        "TILANNEKUVA_ALERT_WEBHOOK_URL": settings.alert_webhook_url or "",
        "TILANNEKUVA_LANDING_KEEP": str(settings.landing_keep_versions),
        "TILANNEKUVA_HTTP_RETRIES": str(settings.retries),
        "TILANNEKUVA_HTTP_BACKOFF": str(settings.backoff_factor),
        "TILANNEKUVA_HTTP_TIMEOUT": str(settings.read_timeout),
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
