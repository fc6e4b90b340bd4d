"""The environment parsers in config/env.py: what each URL becomes, and how a bad value is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.env import (
    SMTP_TIMEOUT_SECONDS,
    ConfigError,
    env_bool,
    env_int,
    env_list,
    parse_database_url,
    parse_email_url,
    parse_redis_url,
)

BASE_DIR = Path("/srv/jointplan")


def config_error(excinfo: pytest.ExceptionInfo[ConfigError]) -> str:
    """The one line a ConfigError prints on stderr."""
    assert isinstance(excinfo.value.code, str)
    return excinfo.value.code


# --- parse_database_url ----------------------------------------------------------------------


def test_sqlite_url_with_three_slashes_is_relative_to_the_project() -> None:
    assert parse_database_url("DATABASE_URL", "sqlite:///var/db.sqlite3", base_dir=BASE_DIR) == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/jointplan/var/db.sqlite3",
    }


def test_sqlite_url_with_four_slashes_is_an_absolute_path() -> None:
    config = parse_database_url("DATABASE_URL", "sqlite:////data/jointplan.sqlite3", base_dir=BASE_DIR)
    assert config["NAME"] == "/data/jointplan.sqlite3"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_sqlite_url_without_a_file_name_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_database_url("DATABASE_URL", url, base_dir=BASE_DIR)
    assert config_error(excinfo).startswith("Configuration error: DATABASE_URL needs a file name")


def test_postgres_url_gives_user_password_host_port_and_query_options() -> None:
    config = parse_database_url(
        "DATABASE_URL",
        "postgres://planner:p%40ss%2Fword@db.internal:6543/jointplan?sslmode=require&connect_timeout=9",
        base_dir=BASE_DIR,
    )
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "jointplan",
        "USER": "planner",
        "PASSWORD": "p@ss/word",
        "HOST": "db.internal",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require", "connect_timeout": "9"},
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_postgres_url_defaults_to_port_5432_and_a_5_second_connect_timeout(scheme: str) -> None:
    config = parse_database_url("DATABASE_URL", f"{scheme}://db.internal/jointplan", base_dir=BASE_DIR)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["PORT"] == "5432"
    assert config["USER"] == ""
    assert config["PASSWORD"] == ""
    assert config["OPTIONS"] == {"connect_timeout": "5"}


def test_database_url_with_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_database_url("DATABASE_URL", "mysql://db.internal/jointplan", base_dir=BASE_DIR)
    assert config_error(excinfo).startswith(
        "Configuration error: DATABASE_URL must start with sqlite:// or postgres://"
    )


@pytest.mark.parametrize("url", ["postgres://db.internal/", "postgres://db.internal", "postgres:///jointplan"])
def test_postgres_url_without_a_host_or_database_name_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_database_url("DATABASE_URL", url, base_dir=BASE_DIR)
    assert config_error(excinfo).startswith("Configuration error: DATABASE_URL needs a host and a database name")


@pytest.mark.parametrize("url", ["postgres://db.internal:fivefour/jointplan", "postgres://db.internal:99999/jointplan"])
def test_postgres_url_with_a_bad_port_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_database_url("DATABASE_URL", url, base_dir=BASE_DIR)
    assert config_error(excinfo).startswith("Configuration error: DATABASE_URL has an invalid port")


def test_config_error_names_the_variable_it_was_given() -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_database_url("REPORTS_DATABASE_URL", "mysql://x", base_dir=BASE_DIR)
    assert config_error(excinfo).startswith("Configuration error: REPORTS_DATABASE_URL ")
    assert excinfo.value.code.count("\n") == 0


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("DATABASE_URL", "postgres://planner:hunter2-secret@db.internal:fivefour/jointplan"),
        ("EMAIL_URL", "smtp://mailer:hunter2-secret@mail.example.org:twentyfive"),
        ("REDIS_URL", "redis://:hunter2-secret@cache.internal:sixthree/0"),
    ],
)
def test_config_error_does_not_print_the_password(name: str, url: str) -> None:
    parse = {
        "DATABASE_URL": lambda: parse_database_url(name, url, base_dir=BASE_DIR),
        "EMAIL_URL": lambda: parse_email_url(name, url),
        "REDIS_URL": lambda: parse_redis_url(name, url),
    }[name]
    with pytest.raises(ConfigError) as excinfo:
        parse()
    message = config_error(excinfo)
    assert message.startswith(f"Configuration error: {name} has an invalid port")
    assert "hunter2-secret" not in message


# --- parse_email_url -------------------------------------------------------------------------


def test_smtp_url_defaults_to_port_25_plain_and_a_10_second_timeout() -> None:
    assert SMTP_TIMEOUT_SECONDS == 10
    assert parse_email_url("EMAIL_URL", "smtp://mail.example.org") == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 25,
            "username": "",
            "password": "",
            "use_tls": False,
            "use_ssl": False,
            "timeout": 10,
        },
    }


def test_smtp_tls_url_uses_starttls_on_port_587_with_credentials() -> None:
    options = parse_email_url("EMAIL_URL", "smtp+tls://mailer%40state.gov:s%3Acret@smtp.example.org")["OPTIONS"]
    assert options["port"] == 587
    assert options["use_tls"] is True
    assert options["use_ssl"] is False
    assert options["username"] == "mailer@state.gov"
    assert options["password"] == "s:cret"
    assert options["timeout"] == 10


def test_smtps_url_uses_implicit_tls_on_port_465() -> None:
    options = parse_email_url("EMAIL_URL", "smtps://smtp.example.org")["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_smtp_url_with_an_explicit_port_keeps_it() -> None:
    assert parse_email_url("EMAIL_URL", "smtps://smtp.example.org:2465")["OPTIONS"]["port"] == 2465


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_console_and_locmem_urls_pick_django_backends_without_options(url: str, backend: str) -> None:
    assert parse_email_url("EMAIL_URL", url) == {"BACKEND": backend}


@pytest.mark.parametrize(
    ("url", "folder"),
    [("file:///var/mail/jointplan", "/var/mail/jointplan"), ("file://var/mail", "var/mail")],
)
def test_file_url_picks_the_file_backend_with_its_folder(url: str, folder: str) -> None:
    assert parse_email_url("EMAIL_URL", url) == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": folder},
    }


def test_file_url_without_a_folder_is_refused() -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_email_url("EMAIL_URL", "file://")
    assert config_error(excinfo).startswith("Configuration error: EMAIL_URL needs a folder")


@pytest.mark.parametrize("url", ["https://mail.example.org", "sendmail://localhost", "mail.example.org"])
def test_email_url_with_an_unknown_scheme_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_email_url("EMAIL_URL", url)
    assert config_error(excinfo).startswith("Configuration error: EMAIL_URL must start with smtp://")


@pytest.mark.parametrize("url", ["smtp://", "smtp+tls://:587", "smtps://user:pass@"])
def test_smtp_url_without_a_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_email_url("EMAIL_URL", url)
    assert config_error(excinfo).startswith("Configuration error: EMAIL_URL needs a host")


def test_smtp_url_with_a_bad_port_is_refused() -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_email_url("EMAIL_URL", "smtp://mail.example.org:smtp")
    assert config_error(excinfo).startswith("Configuration error: EMAIL_URL has an invalid port")


# --- parse_redis_url -------------------------------------------------------------------------


def test_redis_url_unset_means_no_redis() -> None:
    assert parse_redis_url("REDIS_URL", None) is None


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://:token@cache.example.org:6380/2"])
def test_valid_redis_url_is_returned_unchanged(url: str) -> None:
    assert parse_redis_url("REDIS_URL", url) == url


@pytest.mark.parametrize("url", ["http://cache.example.org", "redis://", "redis:///0", "cache.example.org:6379"])
def test_redis_url_with_a_wrong_scheme_or_no_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_redis_url("REDIS_URL", url)
    assert config_error(excinfo).startswith("Configuration error: REDIS_URL must look like redis://host:6379/0")


def test_redis_url_with_a_bad_port_is_refused() -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_redis_url("REDIS_URL", "redis://cache.example.org:redis/0")
    assert config_error(excinfo).startswith("Configuration error: REDIS_URL has an invalid port")


# --- env_bool, env_int, env_list -------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "On", " on "])
def test_env_bool_reads_true_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("JP_FLAG", raw)
    assert env_bool("JP_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "OFF", ""])
def test_env_bool_reads_false_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("JP_FLAG", raw)
    assert env_bool("JP_FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_gives_the_default(monkeypatch: pytest.MonkeyPatch, default: bool) -> None:
    monkeypatch.delenv("JP_FLAG", raising=False)
    assert env_bool("JP_FLAG", default) is default


def test_env_bool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_FLAG", "maybe")
    with pytest.raises(ConfigError) as excinfo:
        env_bool("JP_FLAG", False)
    assert config_error(excinfo) == (
        "Configuration error: JP_FLAG must be one of 1/0, true/false, yes/no, on/off (got 'maybe')"
    )


def test_env_int_reads_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_NUMBER", " 8080 ")
    assert env_int("JP_NUMBER", 1) == 8080


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_unset_or_blank_gives_the_default(monkeypatch: pytest.MonkeyPatch, raw: str | None) -> None:
    if raw is None:
        monkeypatch.delenv("JP_NUMBER", raising=False)
    else:
        monkeypatch.setenv("JP_NUMBER", raw)
    assert env_int("JP_NUMBER", 42) == 42


@pytest.mark.parametrize("raw", ["eight", "1.5", "1e3"])
def test_env_int_refuses_a_non_integer(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("JP_NUMBER", raw)
    with pytest.raises(ConfigError) as excinfo:
        env_int("JP_NUMBER", 1)
    assert config_error(excinfo) == f"Configuration error: JP_NUMBER must be a whole number (got {raw!r})"


@pytest.mark.parametrize("raw", ["0", "65536", "-1"])
def test_env_int_refuses_a_number_out_of_range(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("JP_NUMBER", raw)
    with pytest.raises(ConfigError) as excinfo:
        env_int("JP_NUMBER", 8000, minimum=1, maximum=65535)
    assert config_error(excinfo) == f"Configuration error: JP_NUMBER must be between 1 and 65535 (got {int(raw)})"


@pytest.mark.parametrize("raw", ["1", "65535"])
def test_env_int_accepts_the_bounds_themselves(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("JP_NUMBER", raw)
    assert env_int("JP_NUMBER", 8000, minimum=1, maximum=65535) == int(raw)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_HOSTS", " plan.example.org, ,10.0.0.5 ,,")
    assert env_list("JP_HOSTS", ["default"]) == ["plan.example.org", "10.0.0.5"]


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_list_unset_or_blank_gives_the_default(monkeypatch: pytest.MonkeyPatch, raw: str | None) -> None:
    if raw is None:
        monkeypatch.delenv("JP_HOSTS", raising=False)
    else:
        monkeypatch.setenv("JP_HOSTS", raw)
    assert env_list("JP_HOSTS", ["localhost"]) == ["localhost"]
