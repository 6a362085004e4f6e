"""Settings from the environment, read once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite://var/warehouse.db"
DEFAULT_PHOTO_DIR = Path("var/photos")


class Mode(StrEnum):
    DEVELOPMENT = "development"  # GraphiQL, introspection, unmasked errors
    PRODUCTION = "production"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    mode: Mode = Mode.DEVELOPMENT
    token_ttl: timedelta = timedelta(hours=12)  # one shift and some overtime
    pubsub_url: str = "memory://"
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    max_body_bytes: int = 1_000_000
    # Serves /bench/receive-stock, the bare Starlette twin of receiveStock, for `make bench`.
    bench_endpoint: bool = False
    photo_dir: Path = DEFAULT_PHOTO_DIR  # uploaded photos, stored under their SHA-256

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def development(self) -> bool:
        return self.mode is Mode.DEVELOPMENT

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        origins = tuple(o.strip() for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            mode=Mode(env.get("APP_MODE", Mode.DEVELOPMENT.value)),
            token_ttl=timedelta(hours=float(env.get("TOKEN_TTL_HOURS", "12"))),
            pubsub_url=env.get("PUBSUB_URL", "memory://"),
            allowed_origins=origins,
            bench_endpoint=env.get("BENCH_ENDPOINT", "") == "1",
            photo_dir=Path(env.get("PHOTO_DIR", str(DEFAULT_PHOTO_DIR))),
        )
