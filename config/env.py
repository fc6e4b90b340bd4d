"""Reading configuration from environment variables.

Every setting Joint Plan takes from the environment goes through one of these functions, so a
missing or malformed value stops start-up with a single line that names the variable, instead of
a traceback or, worse, a silently wrong default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, overload
from urllib.parse import parse_qs, unquote, urlsplit


def redact(url: str) -> str:
    """The URL with its password replaced, fit for an error message or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{userinfo.split(':', 1)[0]}:***@{hostinfo}").geturl()


class ConfigError(SystemExit):
    """A configuration problem: printed as one line on stderr, exit status 1."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Configuration error: {name} {problem}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, stripped; `default` when it is unset or blank."""
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, f"must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number (got {raw!r})") from None
    if not minimum <= value <= maximum:
        raise ConfigError(name, f"must be between {minimum} and {maximum} (got {value})")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_database_url(name: str, url: str, *, base_dir: Path) -> dict[str, Any]:
    """`sqlite:///relative.db`, `sqlite:////absolute.db` or `postgres://user:pass@host:port/name`."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):  # sqlite:////abs/path
            file = Path(path[1:])
        elif path.startswith("/") and len(path) > 1:  # sqlite:///relative/path
            file = base_dir / path[1:]
        else:
            raise ConfigError(name, f"needs a file name, e.g. sqlite:///db.sqlite3 (got {redact(url)!r})")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(file)}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name or not parts.hostname:
            raise ConfigError(
                name, f"needs a host and a database name, e.g. postgres://user@host:5432/db (got {redact(url)!r})"
            )
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(name, f"has an invalid port (got {redact(url)!r})") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options.setdefault("connect_timeout", "5")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or 5432),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ConfigError(name, f"must start with sqlite:// or postgres:// (got {redact(url)!r})")


def parse_redis_url(name: str, url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError(name, f"must look like redis://host:6379/0 (got {redact(url)!r})")
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ConfigError(name, f"has an invalid port (got {redact(url)!r})") from None
    return url


SMTP_TIMEOUT_SECONDS = 10


def parse_email_url(name: str, url: str) -> dict[str, Any]:
    """One Django 6.1 MAILERS entry from a URL.

    smtp://user:pass@host:25, smtp+tls://… (STARTTLS, default port 587), smtps://… (implicit TLS,
    465), console://, locmem://, file:///absolute/folder or file://relative/folder.
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        if not parts.hostname:
            raise ConfigError(name, f"needs a host, e.g. smtp://mail.example.org:25 (got {redact(url)!r})")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(name, f"has an invalid port (got {redact(url)!r})") from None
        default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[scheme]
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or default_port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme == "smtps",
                # A slow mail server delays one batch; it must never hang a worker.
                "timeout": SMTP_TIMEOUT_SECONDS,
            },
        }
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        folder = unquote(parts.netloc + parts.path)
        if not folder:
            raise ConfigError(name, f"needs a folder, e.g. file:///var/mail/jointplan (got {redact(url)!r})")
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": folder},
        }
    raise ConfigError(
        name, f"must start with smtp://, smtp+tls://, smtps://, console://, locmem:// or file:// (got {redact(url)!r})"
    )
