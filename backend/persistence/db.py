"""Tortoise configuration for SQLite (embedded, one writer process) and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

MODELS = "backend.persistence.models"
MIGRATIONS = "backend.persistence.migrations"

# Extra SQLite credentials become PRAGMAs. FULL survives power loss, not only crashes
# (STACK-NOTES: about 1,370 fsync-bound commits a second here, ample for a floor).
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "busy_timeout": 5000,
    "synchronous": "FULL",
}


def sqlite_path(database_url: str) -> Path | None:
    """The database file of a sqlite:// URL, or None for PostgreSQL and in-memory SQLite."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://")
    if path == ":memory:":
        return None
    return Path(path)


def connection_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite://"):
        path = sqlite_path(database_url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        file_path = ":memory:" if path is None else str(path)
        return {
            "engine": "backend.persistence.sqlite_inline",
            "credentials": {"file_path": file_path, **SQLITE_PRAGMAS},
        }
    if database_url.startswith(("postgres://", "postgresql://")):
        url = database_url.replace("postgresql://", "postgres://", 1)
        config = expand_db_url(url)
        credentials = config["credentials"]
        credentials.setdefault("maxsize", 20)
        credentials.setdefault("minsize", 1)
        return config
    raise ValueError(f"Unsupported DATABASE_URL {database_url!r}: use sqlite:// or postgres://")


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS],
                "default_connection": "default",
                "migrations": MIGRATIONS,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For Tortoise's own CLI: `tortoise -c backend.persistence.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://var/warehouse.db"))
