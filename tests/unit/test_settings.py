"""Settings: env overrides, and one clear sentence (no traceback) for each wrong setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.errors import SettingsError
from ingestion.settings import (
    Settings,
    check_data_dir_writable,
    configuration_table,
    env_name,
    load_settings,
    readme_configuration_section,
    settings_env,
)
from tests.conftest import run_cli


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_AREA", "ta01")
    monkeypatch.setenv("TILANNEKUVA_PXWEB_BASE_URL", "http://127.0.0.1:8080/PxWeb/api/v1/")
    settings = load_settings()
    assert settings.data_dir == tmp_path.resolve()
    assert settings.area == "TA01"
    assert settings.pxweb_base_url == "http://127.0.0.1:8080/PxWeb/api/v1"
    assert settings.serving_path == tmp_path.resolve() / "serving" / "tilannekuva.duckdb"
    assert load_settings(area="TA24").area == "TA24", "explicit arguments win over the environment"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TILANNEKUVA_DATA_DIR", "TILANNEKUVA_AREA", "TILANNEKUVA_PXWEB_BASE_URL", "TILANNEKUVA_MODE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.area, settings.mode) == ("TA24", "sample")
    assert settings.pxweb_base_url == "https://pxdata.stat.fi/PxWeb/api/v1"
    assert settings.data_dir == Path("data").resolve()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"area": "Oulo"}, "TILANNEKUVA_AREA 'Oulo' is not an employment-area code or name; did you mean TA24"),
        ({"mode": "demo"}, "TILANNEKUVA_MODE must be one of sample, live"),
        ({"pxweb_base_url": "ftp://example"}, "TILANNEKUVA_PXWEB_BASE_URL must be an http(s) URL"),
        ({"history_start": "2019-01"}, "TILANNEKUVA_HISTORY_START must be a month like 2019M01"),
    ],
)
def test_malformed_settings_are_refused(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(**overrides)


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(SettingsError, match=r"TILANNEKUVA_DATA_DIR '.*a-file/data' is not writable"):
        check_data_dir_writable(load_settings(data_dir=blocker / "data"))


def _assert_one_sentence(result_stderr: str, expected: str) -> None:
    lines = [line for line in result_stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and expected in lines[0], result_stderr
    assert "Traceback" not in result_stderr


def test_cli_unknown_area(tmp_path: Path) -> None:
    result = run_cli("refresh", "--area", "TA99", data_dir=tmp_path / "data")
    assert result.returncode == 2
    _assert_one_sentence(
        result.stderr,
        "Unknown employment area 'TA99': the classification has TA01–TA46 (45 mainland employment areas and Åland).",
    )


@pytest.mark.parametrize("value", ["TA24", "ta24", "ta 24", "Oulun seutu", "oulun seutu", "OULU", "Uleåborgregionen"])
def test_area_by_code_or_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TILANNEKUVA_AREA", value)
    assert load_settings().area == "TA24"
    assert load_settings(area=value).area == "TA24"


@pytest.mark.parametrize("value", ["Ahvenanmaa", "ahvenanmaa", "Åland", "aland"])
def test_aland_by_name(value: str) -> None:
    assert load_settings(area=value).area == "TA46"


def test_area_flag_is_named_when_the_flag_was_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_AREA", "Savo")
    with pytest.raises(SettingsError, match=r"^TILANNEKUVA_AREA 'Savo' matches 3 employment areas: TA13 Keski-Savo"):
        load_settings()
    with pytest.raises(SettingsError, match=r"^--area 'Lapland' is not .* did you mean TA28 Pohjois- ja Itä-Lappi\?"):
        load_settings(flags={"area": "--area"}, area="Lapland")


def test_cli_area_name_and_mode_in_any_case(tmp_path: Path) -> None:
    result = run_cli("refresh", "--mode", "SAMPLE", "--area", "Helsingki", data_dir=tmp_path / "data")
    assert result.returncode == 2
    _assert_one_sentence(result.stderr, "--area 'Helsingki' is not an employment-area code or name; did you mean TA08")


def test_cli_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_cli("refresh", data_dir=blocker / "data")
    assert result.returncode == 2
    _assert_one_sentence(result.stderr, "is not writable")


def test_cli_unreachable_live_source(tmp_path: Path) -> None:
    result = run_cli(
        "refresh",
        "--mode",
        "live",
        data_dir=tmp_path / "data",
        env={"TILANNEKUVA_PXWEB_BASE_URL": "http://127.0.0.1:9/PxWeb/api/v1"},
    )
    assert result.returncode == 2
    _assert_one_sentence(result.stderr, "TILANNEKUVA_PXWEB_BASE_URL cannot be reached at http://127.0.0.1:9/")


def test_every_setting_can_be_set_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TILANNEKUVA_HTTP_CONNECT_TIMEOUT", "3.5")
    monkeypatch.setenv("TILANNEKUVA_HTTP_MAX_RESPONSE_BYTES", "4096")
    settings = load_settings(data_dir=tmp_path)
    assert (settings.connect_timeout, settings.max_response_bytes) == (3.5, 4096)
    assert load_settings(data_dir=tmp_path, connect_timeout=2.0).connect_timeout == 2.0, "arguments still win"


def test_the_environment_writer_round_trips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What a child process is given reads back as the very same settings, every field included."""
    settings = load_settings(
        data_dir=tmp_path,
        mode="live",
        sources=("statfin", "kela/unemployment_benefit"),
        connect_timeout=4.0,
        max_response_bytes=2048,
        postgres_url="postgresql://u:pw@127.0.0.1/db",
        alert_webhook_url="https://hooks.example.org/x",
    )
    env = settings_env(settings)
    assert set(env) == {env_name(name) for name in Settings.model_fields}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings() == settings


def test_connect_timeout_error_names_its_own_variable() -> None:
    with pytest.raises(
        SettingsError, match=r"^TILANNEKUVA_HTTP_CONNECT_TIMEOUT must be between 0 and 600, got 0\.0\.$"
    ):
        load_settings(connect_timeout=0.0)


def test_a_malformed_number_in_the_environment_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_HTTP_MAX_RESPONSE_BYTES", "lots")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert str(refused.value) == "TILANNEKUVA_HTTP_MAX_RESPONSE_BYTES must be a whole number, got 'lots'."


def test_secrets_never_print(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, postgres_url="postgresql://u:hunter2@db/x")
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
    assert settings.postgres_url is not None and settings.postgres_url.get_secret_value().endswith("hunter2@db/x")


def test_the_readme_configuration_table_is_generated_from_the_settings() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert readme_configuration_section(readme) == configuration_table(), (
        "README's configuration table differs from ingestion/settings.py: run `python3 tasks.py settings-table`"
    )
