"""``rendement serve``: the scoring service (API and caseworker page) under uvicorn.

    rendement serve [--host 127.0.0.1] [--port 8000] [--model MODEL_DIR] [--db URL]
                    [--demo-key] [--workers N] [--purge]

Refuses to start with a missing, altered or incompatible model, saying which.
Before serving it migrates the advice log and removes records older than the
retention period (``RENDEMENT_RETENTION_DAYS``, at least 183). ``--purge``
does only that and exits. Other settings come from ``RENDEMENT_*`` variables
(see :class:`rendement_api.settings.Settings`).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rendement.errors import RendementError

#: Under load a worker's event loop can be busy scoring for seconds at a time. uvicorn's
#: supervisor kills a worker that does not answer its health check within
#: ``timeout_worker_healthcheck`` (5 s by default), which resets every connection of that
#: worker; and an idle keep-alive connection closed after 5 s races with the client's next
#: request. Both are raised so that an overloaded service answers 503, never a reset.
UVICORN_OPTIONS: dict[str, Any] = {"timeout_keep_alive": 30, "timeout_worker_healthcheck": 60}


def _uvicorn_options() -> dict[str, Any]:
    """:data:`UVICORN_OPTIONS` that this uvicorn knows (the health check is newer than 0.27)."""
    import inspect

    import uvicorn

    known = inspect.signature(uvicorn.Config).parameters
    return {k: v for k, v in UVICORN_OPTIONS.items() if k in known}


class ServeError(RendementError):
    code = "invalid_settings"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the scoring service (API and caseworker page)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--model",
        default=None,
        help="model folder (default: RENDEMENT_MODEL_DIR or the active model in the registry)",
    )
    p.add_argument(
        "--registry",
        "--models-root",
        dest="models_root",
        default=None,
        help="model registry folder (default: models/ or $RENDEMENT_MODELS)",
    )
    p.add_argument("--meter", default=None, help="meter of the active model (default reintegratie)")
    p.add_argument(
        "--db",
        default=None,
        help="database URL of the advice log "
        "(default: RENDEMENT_DATABASE_URL or sqlite:///./rendement.db)",
    )
    p.add_argument(
        "--outputs",
        default=None,
        metavar="DIR",
        help="folder with the latest lists/ and plan/ that the manager page /overzicht offers "
        "(default: RENDEMENT_OUTPUTS_DIR; make demo: demo/)",
    )
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument(
        "--demo-key",
        action="store_true",
        help="create and print a caseworker and a manager key (demonstration only)",
    )
    p.add_argument(
        "--purge",
        action="store_true",
        help="remove log records older than the retention period, then exit",
    )
    p.set_defaults(run=run)


def build_settings(**overrides: Any) -> Any:
    """Settings from the environment with the command-line values on top."""
    from pydantic import ValidationError
    from rendement_api.settings import Settings

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ServeError(f"invalid service settings: {problems}") from exc


def purge(settings: Any) -> int:
    from rendement_api.db import AdviceLog, make_engine, migrate

    engine = make_engine(settings.database_url)
    try:
        migrate(engine, log_hash_key=settings.log_hash_key)
        done = AdviceLog(
            engine, hash_key=settings.log_hash_key, encryption_key=settings.log_encryption_key
        ).purge(settings.retention_days)
    finally:
        engine.dispose()
    print(
        f"Removed {done.advices} advices and {done.decisions} decisions older than "
        f"{settings.retention_days} days (before {done.cutoff:%Y-%m-%d %H:%M} UTC)."
    )
    return 0


def demo_keys(settings: Any) -> list[tuple[str, str]]:
    """A caseworker key and a manager key for a demonstration (printed once)."""
    from rendement_api.db import KeyStore, make_engine, migrate

    engine = make_engine(settings.database_url)
    try:
        migrate(engine, log_hash_key=settings.log_hash_key)
        store = KeyStore(engine)
        worker, _ = store.create("caseworker", "demo", "demo")
        manager, _ = store.create("manager", "demo-manager", "demo")
    finally:
        engine.dispose()
    return [("caseworker", worker), ("manager", manager)]


def check_port(host: str, port: int) -> None:
    """Refuse, with what to do, a port another program already listens on."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(
                f"port {port} on {host} is taken ({exc.strerror or exc}): another program, "
                "perhaps an earlier `rendement serve` or `make demo`, is listening on it. Stop "
                f"that program, or choose another port: `make demo PORT={port + 100}` or "
                f"`rendement serve --port {port + 100}`."
            ) from None


def serve(settings: Any, *, host: str, port: int, workers: int = 1, demo_key: bool = False) -> int:
    """Check the port and the model, prepare the log, print the address (and demo keys), serve."""
    import uvicorn
    from rendement_api.app import create_app
    from rendement_api.db import make_engine, migrate
    from rendement_api.services.served_model import load_served_model
    from rendement_api.services.startup import check_log_chain, check_model_scores

    check_port(host, port)  # before any key is printed
    served = load_served_model(settings)  # ModelFolderError: missing, altered, incompatible
    check_model_scores(served)
    engine = make_engine(settings.database_url)
    try:
        if settings.migrate_on_startup:
            migrate(engine, log_hash_key=settings.log_hash_key)
        check_log_chain(engine, settings.log_hash_key)  # AdviceLogError: tampered with
    finally:
        engine.dispose()
    base = f"http://{host}:{port}"
    print(
        f"Rendementmeter: model {served.meter} {served.version} ({served.kind}), "
        f"advice log {_safe_url(settings.database_url)}"
    )
    if demo_key:
        for role, key in demo_keys(settings):
            print(f"Demo {role} key (shown once): {key}")
        print(
            f"Open {base}/ and log in with the caseworker key (the advice page) or the manager "
            f"key (the overview at {base}/overzicht); the API is documented at {base}/docs"
        )
    print(f"Serving on {base} (stop with Ctrl+C)", flush=True)
    if workers > 1:
        os.environ.update(_settings_env(settings))
        os.environ["RENDEMENT_MIGRATE_ON_STARTUP"] = "0"
        uvicorn.run(
            "rendement_api.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            **_uvicorn_options(),
        )
    else:
        uvicorn.run(
            create_app(settings, served=served),
            host=host,
            port=port,
            log_level="info",
            **_uvicorn_options(),
        )
    return 0


def serve_demo(
    *,
    model_dir: Path | str,
    database_url: str,
    port: int = 8000,
    log_hash_key: str | None = None,
    outputs_dir: Path | None = None,
) -> int:
    """``make demo``'s last step: serve ``model_dir`` on 127.0.0.1 with demo keys printed."""
    settings = build_settings(
        model_dir=Path(model_dir),
        database_url=database_url,
        log_hash_key=log_hash_key,
        outputs_dir=outputs_dir,
    )
    return serve(settings, host="127.0.0.1", port=port, demo_key=True)


def _settings_env(settings: Any) -> dict[str, str]:
    out = {}
    for name, value in settings.model_dump().items():
        if value is not None:
            out[f"RENDEMENT_{name.upper()}"] = str(value)
    return out


def _safe_url(url: str) -> str:
    from rendement_api.db.database import normalise_url

    return normalise_url(url).render_as_string(hide_password=True)


def run(args: argparse.Namespace) -> int:
    settings = build_settings(
        model_dir=Path(args.model) if args.model else None,
        models_root=Path(args.models_root) if args.models_root else None,
        meter=args.meter,
        database_url=args.db,
        outputs_dir=Path(args.outputs) if args.outputs else None,
    )
    if args.purge:
        return purge(settings)
    if args.workers < 1:
        raise ServeError("--workers must be at least 1")
    return serve(
        settings, host=args.host, port=args.port, workers=args.workers, demo_key=args.demo_key
    )
