"""``create_app(settings)``: the FastAPI application (API under ``/v1`` and the page at ``/``).

The lifespan loads and checks the model (a missing, altered or incompatible
model stops the start with :class:`rendement.errors.ModelFolderError` saying
which), opens the advice log, runs the schema migrations and the retention purge.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from rendement import __version__
from rendement_api import handlers
from rendement_api.db.advice_log import AdviceLog, PurgeResult
from rendement_api.db.database import make_engine, migrate
from rendement_api.db.keys import KeyStore
from rendement_api.limits import RequestLimits
from rendement_api.page.session import LoginLimiter, SessionStore
from rendement_api.routers import advice, decisions, models, scores
from rendement_api.schemas import served_examples
from rendement_api.services.advice import AdviceService
from rendement_api.services.served_model import ServedModel, load_served_model
from rendement_api.services.startup import check_log_chain, check_log_key, check_model_scores
from rendement_api.settings import Settings, get_settings

log = logging.getLogger("rendement_api")
PACKAGE = Path(__file__).resolve().parent

DESCRIPTION = """
De rendementmeter als dienst: advies per klant voor klantmanagers, scores voor managers.

* Authenticate with an API key: `Authorization: Bearer KEY` or `X-API-Key: KEY`
  (`rendement keys create --role caseworker --user km01`).
* Every advice and decision is logged append-only (hash of the input, the outputs; no BSN).
* Errors: `{"code": ..., "message": ..., "errors": [{"field", "message", "expected"}]}`.

Een advies is geen besluit: de klantmanager beslist en legt bij afwijken de reden vast.
"""


def _purge(log_: AdviceLog, settings: Settings) -> PurgeResult | None:
    """The retention purge; under a PostgreSQL service role (no DELETE) a warning instead."""
    try:
        return log_.purge(settings.retention_days)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        log.warning(
            "the retention purge needs the owner role of the advice log (the service role may "
            "only add and read): run `rendement serve --purge --db OWNER_URL` daily"
        )
        return None


def _open_log(engine: Engine, settings: Settings) -> AdviceLog:
    """Migrate, check the chain's tail and the key, run the retention purge."""
    if settings.migrate_on_startup:
        migrate(engine, log_hash_key=settings.log_hash_key)
    check_log_chain(engine, settings.log_hash_key)
    log_ = AdviceLog(
        engine, hash_key=settings.log_hash_key, encryption_key=settings.log_encryption_key
    )
    check_log_key(log_)
    if settings.purge_on_startup:
        done = _purge(log_, settings)
        if done is not None and (done.advices or done.decisions):
            log.info(
                "retention purge: removed %d advices and %d decisions older than %d days",
                done.advices,
                done.decisions,
                settings.retention_days,
            )
    return log_


def open_services(app: FastAPI, settings: Settings, served: ServedModel | None = None) -> None:
    """Load the model and open the log: everything the routes need, on ``app.state``."""
    served = served or load_served_model(settings)
    check_model_scores(served)
    engine = make_engine(settings.database_url)
    try:
        log_ = _open_log(engine, settings)
    except Exception:
        engine.dispose()
        raise
    if settings.log_hash_key is None:
        log.warning(
            "RENDEMENT_LOG_HASH_KEY is not set: the advice log keeps a plain SHA-256 of each "
            "advice's input, which someone holding the log could test guessed client values "
            "against, and its hash chain is unkeyed. Set a secret of at least 16 characters "
            "(the same for every worker)."
        )
    if settings.log_hash_key is None and settings.log_encryption_key is None:
        log.warning(
            "neither RENDEMENT_LOG_ENCRYPTION_KEY nor RENDEMENT_LOG_HASH_KEY is set: the "
            "outputs of advices are stored unencrypted in the advice log."
        )
    app.state.served = served
    app.state.log = log_
    app.state.keys = KeyStore(engine)
    app.state.sessions = SessionStore(engine, app.state.keys)
    app.state.login_limiter = LoginLimiter(
        settings.login_max_failures, float(settings.login_window_seconds)
    )
    app.state.advice = AdviceService(served, log_, settings)
    app.state.engine = engine


def create_app(settings: Settings | None = None, *, served: ServedModel | None = None) -> FastAPI:
    """The service. ``settings`` default to the environment (``RENDEMENT_*``).

    ``served`` lets a caller that already loaded the model pass it in.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        open_services(app, settings, served)
        try:
            yield
        finally:
            app.state.engine.dispose()

    app = FastAPI(
        title="Rendementmeter",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.dependency_overrides[get_settings] = lambda: settings
    handlers.install(app)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_concurrent_batches=settings.max_concurrent_batches,
    )
    served_examples.install(app)
    for module in (advice, decisions, scores, models):
        app.include_router(module.router)
    from rendement_api.page import overview
    from rendement_api.page import routes as page_routes

    app.include_router(page_routes.router)
    app.include_router(overview.router)
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory rendement_api.app:create_app_from_env`` (several workers)."""
    return create_app(Settings())
