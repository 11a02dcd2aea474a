"""The service's one settings object (environment prefix ``RENDEMENT_``).

Nothing is read at import time: :func:`get_settings` builds the settings from
the environment when first asked, and :func:`rendement_api.create_app` installs
the settings it was given as an override of :func:`get_settings`, so tests and
``rendement serve`` pass their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The shortest retention of the advice log the service accepts (six months).
MIN_RETENTION_DAYS = 183


class Settings(BaseSettings):
    """Configuration of the scoring service (*adviesdienst*)."""

    model_config = SettingsConfigDict(env_prefix="RENDEMENT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./rendement.db",
        description="SQLAlchemy URL of the advice log: sqlite:///PATH (embedded default) "
        "or postgresql+psycopg://USER@HOST:PORT/DB",
    )
    model_dir: Path | None = Field(
        default=None,
        description="model folder to serve; when empty, the active model of `meter` "
        "in the registry at `models_root`",
    )
    models_root: Path | None = Field(
        default=None, description="model registry root (default: models/)"
    )
    meter: str = Field(default="reintegratie", description="meter whose active model is served")
    retention_days: int = Field(
        default=MIN_RETENTION_DAYS,
        ge=MIN_RETENTION_DAYS,
        description="days advices and decisions are kept (at least six months)",
    )
    purge_on_startup: bool = Field(
        default=True, description="remove expired log records at startup"
    )
    migrate_on_startup: bool = Field(
        default=True, description="run the schema migrations at startup"
    )
    max_batch: int = Field(
        default=10_000, ge=1, le=10_000, description="most clients in one /v1/scores call"
    )
    interval: float = Field(
        default=0.9, gt=0.0, lt=1.0, description="coverage of the net-return interval"
    )
    advice_draws: int = Field(
        default=100,
        ge=0,
        le=5_000,
        description="parameter draws for the interval of a single advice (all draws of the "
        "advices scored together run in one vectorised pass; 200 is the engine's default)",
    )
    batch_draws: int = Field(
        default=0, ge=0, le=5_000, description="parameter draws for the intervals of a batch"
    )
    batch_window_ms: float = Field(
        default=2.0,
        ge=0.0,
        le=100.0,
        description="how long the first waiting advice waits for others to share its engine call",
    )
    max_queue: int = Field(
        default=64,
        ge=1,
        le=10_000,
        description="advices waiting per worker before new ones are refused with 503 (Retry-After)",
    )
    max_queue_wait_ms: float = Field(
        default=300.0,
        ge=1.0,
        le=60_000.0,
        description="refuse a new advice with 503 when the advices ahead of it would take longer "
        "than this at the recent pace (per worker)",
    )
    max_advices_per_call: int = Field(
        default=32,
        ge=1,
        le=1_000,
        description="most waiting advices scored in one engine call (the rest in the next call)",
    )
    max_body_bytes: int = Field(
        default=8_000_000,
        ge=1_000,
        description="largest request body of /v1/scores in bytes (413 above; a batch of 10,000 "
        "clients is about 3 MB); other routes take at most 64 KiB",
    )
    max_concurrent_batches: int = Field(
        default=2,
        ge=1,
        le=64,
        description="/v1/scores requests scored at the same time per worker (more: 503)",
    )
    chart_months: int = Field(
        default=36, ge=6, le=120, description="months shown in the page's chart"
    )
    cookie_secure: bool = Field(
        default=False, description="send the page's key cookie over HTTPS only"
    )
    login_max_failures: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="failed page logins from one address before it must wait (per worker)",
    )
    login_window_seconds: int = Field(
        default=300, ge=1, le=86_400, description="window of the page login limit, in seconds"
    )
    outputs_dir: Path | None = Field(
        default=None,
        description="folder with the latest lists/ and plan/ the manager page offers "
        "(make demo: demo/)",
    )
    log_hash_key: str | None = Field(
        default=None,
        repr=False,
        min_length=16,
        description="secret for the keyed hash (HMAC-SHA256) of each advice's input in the log. "
        "Without it the log keeps a plain SHA-256, and someone holding the log could test "
        "guessed client values against it; set it (at least 16 characters, the same for "
        "every worker, kept outside the database) in production",
    )
    log_encryption_key: str | None = Field(
        default=None,
        repr=False,
        min_length=16,
        description="secret for the encryption (AES-256-GCM) of the outputs of advices in the "
        "log; default: derived from log_hash_key. Kept outside the database",
    )
    seed: int = Field(
        default=20_260_101, description="seed of the parameter draws (reproducible intervals)"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment (overridden by ``create_app(settings)``)."""
    return Settings()
