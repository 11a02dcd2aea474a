"""Refused at startup, with the reason: a model that loads but cannot score, a broken log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from rendement.errors import ModelFolderError, RendementError
from rendement_api.db.advice_log import AdviceLog
from rendement_api.db.verify import TAIL_PLACES, verify_chain
from rendement_api.errors import AdviceLogError
from rendement_api.schemas.advice import ClientInput
from rendement_api.services.clients import client_frame
from rendement_api.services.engine import score
from rendement_api.services.served_model import ServedModel


def probe_client(served: ServedModel) -> ClientInput:
    extra: dict[str, str | float] = {}
    for name in served.model.spec.extra_features:
        levels = served.model.spec.extra_levels.get(name)
        extra[name] = levels[0] if levels else 0.0
    return ClientInput(
        age=40,
        household_type="alleenstaand",
        education="middelbaar",
        months_on_benefit=6,
        monthly_benefit=1369.0,
        extra=extra,
    )


def check_model_scores(served: ServedModel) -> None:
    """Score one reference client; an incompatible model raises :class:`ModelFolderError`."""
    where = str(served.path) if served.path else f"model {served.version}"
    try:
        frame = client_frame([probe_client(served)], dt.date(2026, 1, 1), served)
        result = score(served.model, frame, interval=0.9, n_draws=0, keep_paths=True)
        result.survival(frame["client_id"].iloc[0], served.scored_codes)
    except RendementError as exc:
        raise ModelFolderError(
            f"{where}: the model is incompatible with this service: {exc}"
        ) from exc
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise ModelFolderError(
            f"{where}: the model is incompatible with this service ({type(exc).__name__}: {exc})"
        ) from exc


def check_log_chain(engine: Engine, hash_key: str | None, *, places: int = TAIL_PLACES) -> None:
    """Check the last ``places`` places of the advice log's hash chain; broken: AdviceLogError."""
    report = verify_chain(engine, hash_key, tail=places)
    if report.broken is not None:
        raise AdviceLogError(
            f"the advice log at {engine.url.render_as_string(hide_password=True)} has been "
            f"tampered with or was written with another RENDEMENT_LOG_HASH_KEY: "
            f"{report.broken}. The service does not start on a broken log; check the whole "
            "log with `rendement log verify --db URL` and restore it from a backup."
        )


def check_log_key(log: AdviceLog) -> None:
    """The newest encrypted outputs in the log open with the service's key (else AdviceLogError)."""
    newest = log.newest_sealed_advice()
    if newest is not None:
        log.advice(newest)  # raises AdviceLogError, naming the key to set
