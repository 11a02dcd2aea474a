"""The caseload score (*klantenbestand scoren*): ``ranking.csv`` and ``returns.csv``.

:func:`score_clients` scores any frame of clients in the layout of
:func:`rendement.panel.caseload_state` (the whole caseload, or one client
typed in by a caseworker); :func:`score_caseload` takes a data folder and an
as-of date; :func:`write_score` writes the two contract files whole or not at all.

Per client (``d`` months on benefit, horizon ``H``):

* the survival path without an instrument (current state kept, see
  :mod:`rendement.scoring.counterfactual`) gives ``p_outflow_6m``/``p_outflow_18m``,
  ``expected_remaining_months`` = E[min(T - d, H) | T > d] and the outflow group;
* ``rank`` 1 = highest chance of leaving without help: by ``p_outflow_6m``
  descending, then ``p_outflow_18m`` descending, then
  ``expected_remaining_months`` ascending, then ``client_id``;
* for clients without a running instrument, per scorable instrument of the
  meter: the path with it, months saved, expected cost and net return
  (:mod:`rendement.scoring.returns`), and the best instrument (``geen`` when none pays).

Intervals (default 90%) of months saved and net return come from parameter
draws (:mod:`rendement.scoring.intervals`) when the model has a covariance matrix.
Computation runs over chunks of clients, vectorised within a chunk
(:mod:`rendement.scoring.paths`); the tables are built in :mod:`rendement.scoring.tables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.errors import AsOfDateError, ModelMismatchError
from rendement.formulas import write_csv
from rendement.hazard.design import PanelLike
from rendement.model.hazard_model import HazardModel
from rendement.output import atomic_folder_files
from rendement.pension import caseload_months_to_pension
from rendement.reinflow.model import ReinflowModel
from rendement.reinflow.total import TotalReturns
from rendement.scoring.paths import ScoringTask, interval_bounds
from rendement.scoring.prepared import prepared
from rendement.scoring.returns import SUCCESS_MONTHS_AFTER_END, best_instrument, discount_factors
from rendement.scoring.states import ClientStates
from rendement.scoring.tables import (
    RANKING_COLUMNS,
    RETURNS_COLUMNS,
    paths_table,
    ranking_table,
    returns_table,
    rounded_for_csv,
)
from rendement.scoring.type_weights import scoring_mixture

__all__ = [
    "RANKING_COLUMNS",
    "RETURNS_COLUMNS",
    "CaseloadScore",
    "check_model_fits_data",
    "score_caseload",
    "score_clients",
    "write_score",
]


@dataclass(frozen=True)
class CaseloadScore:
    """The score of a caseload: ranking (one row per client) and returns (client x instrument).

    ``paths`` (only with ``keep_paths=True``) is a long table of survival paths:
    ``client_id``, ``instrument`` (``geen`` = without an instrument), ``month``
    (1..H months from now), ``months_on_benefit`` (d + month) and ``survival``
    (chance of still being on benefit after that month).
    """

    ranking: pd.DataFrame
    returns: pd.DataFrame
    paths: pd.DataFrame | None
    model_version: str
    as_of: pd.Timestamp | None
    warnings: list[str] = field(default_factory=list)
    model_kind: str = "estimated"


def score_clients(
    model: HazardModel,
    clients: pd.DataFrame,
    *,
    horizon: int | None = None,
    discount_rate: float = 0.0,
    interval: float | None = 0.9,
    n_draws: int = 200,
    seed: int = 0,
    type_weights: np.ndarray | None = None,
    keep_paths: bool = False,
    as_of: dt.date | pd.Timestamp | None = None,
    history: PanelLike | None = None,
    reinflow: ReinflowModel | None = None,
) -> CaseloadScore:
    """Score clients given in the layout of :func:`rendement.panel.caseload_state`.

    Needed columns: ``client_id``, ``months_on_benefit``, ``monthly_benefit``,
    ``inflow_date`` and the clients-table columns the model uses; optional
    ``current_instrument``, ``remaining_in_months``, ``in:CODE``/``after:CODE``
    (missing flags count as 0), ``district`` and ``caseworker_id``.
    ``type_weights`` ``(n, K)``: posterior mass-point weights for models with
    heterogeneity (default: the prior probabilities, see
    :func:`rendement.scoring.counterfactual.survivor_type_weights`).
    Intervals cost one extra evaluation of the caseload per draw.
    With a ``reinflow`` model the months on benefit count returns too
    (:mod:`rendement.reinflow`); ``model.spec.returns_basis`` says which return ranks.
    """
    warnings_out: list[str] = []
    frame = clients.reset_index(drop=True)
    with_draws = interval is not None and prepared(model).covariance_problem is None
    type_weights, mixture_draws = scoring_mixture(
        model,
        frame,
        history=history,
        type_weights=type_weights,
        draws=(n_draws, seed) if with_draws else None,
        warnings_out=warnings_out,
    )
    fallback = model.metadata.get("fallback")
    if isinstance(fallback, Mapping):
        warnings_out.append(
            "timing-of-events model not identified on its data: scored with the default "
            f"model's effects ({fallback.get('reason', '')})"
        )
    task, current = _task(model, frame, horizon, discount_rate, type_weights, warnings_out)
    task = replace(task, mixture_draws=mixture_draws)
    if interval is not None and not 0.0 < interval < 1.0:
        raise ValueError(f"interval must be between 0 and 1 (or None), got {interval}")
    reinflow = model.reinflow if reinflow is None else reinflow
    total = TotalReturns.of(task, reinflow, frame, interval, n_draws, seed, warnings_out)
    point = total.point_scores(task, keep_paths)  # one pass of the paths for both
    codes = [s.code for s in task.scenarios]
    net = np.where(task.running[:, None], -np.inf, total.ranked_net(point.net(task)))
    best, best_value = best_instrument(net, codes, task.running)

    bounds: dict[str, np.ndarray] = {}
    if interval is not None and task.n:
        problem = prepared(model).covariance_problem
        if problem is not None:
            warnings_out.append(f"no intervals: {problem}")
        else:
            bounds = interval_bounds(task, interval, n_draws, seed)

    version = _model_version(model)
    ranking = ranking_table(
        frame, task, point, current, best, best_value, total.ranked_bounds(bounds), version
    )
    ranking, returns = total.add_columns(
        ranking, returns_table(frame, ranking, task, point, bounds), frame, codes
    )
    return CaseloadScore(
        ranking=ranking,
        returns=returns,
        paths=paths_table(frame, task, point) if keep_paths else None,
        model_version=version,
        as_of=None if as_of is None else pd.Timestamp(as_of),
        warnings=warnings_out,
        model_kind=str(model.kind),
    )


def score_caseload(
    data: DataFolder,
    model: HazardModel,
    as_of: dt.date | pd.Timestamp | str,
    *,
    horizon: int | None = None,
    discount_rate: float = 0.0,
    interval: float | None = 0.9,
    n_draws: int = 200,
    seed: int = 0,
    type_weights: np.ndarray | None = None,
    keep_paths: bool = False,
) -> CaseloadScore:
    """Score every client on benefit at ``as_of`` (see :func:`score_clients`)."""
    from rendement.panel import caseload_state

    when = _check_as_of(data, as_of)
    check_model_fits_data(model, data)
    caseload = caseload_state(data, when)
    history = None
    het = model.heterogeneity
    if het is not None and len(het.locations) > 1:
        # who is still on benefit is selected: weight the types by their posterior given
        # each client's history in the current spell (timing-of-events model)
        from rendement.panel import build_panel

        codes = list(model.spec.instruments) or None
        history = build_panel(data, until=when.date(), instruments=codes)
    return score_clients(
        model,
        caseload,
        horizon=horizon,
        discount_rate=discount_rate,
        interval=interval,
        n_draws=n_draws,
        seed=seed,
        type_weights=type_weights,
        keep_paths=keep_paths,
        as_of=when,
        history=history,
    )


def write_score(score: CaseloadScore, out_dir: Path | str) -> None:
    """Write ``ranking.csv`` and ``returns.csv`` into ``out_dir``, both or neither."""
    with atomic_folder_files(out_dir) as stage:
        # text fields escaped against formula injection (data-contract.md); numbers never
        write_csv(rounded_for_csv(score.ranking), stage / "ranking.csv", index=False)
        write_csv(rounded_for_csv(score.returns), stage / "returns.csv", index=False)


def check_model_fits_data(model: HazardModel, data: DataFolder) -> None:
    """Raise :class:`ModelMismatchError` naming model instruments or extra features the data lacks."""
    problems = []
    known = set(data.instruments["instrument"].astype(str))
    missing_codes = [c for c in model.spec.instruments if c not in known]
    if missing_codes:
        problems.append(
            f"instrument(s) {', '.join(missing_codes)} of the model are not in the data's "
            "instrument catalogue"
        )
    missing_cols = [f for f in model.spec.extra_features if f not in data.clients.columns]
    if missing_cols:
        problems.append(
            f"extra feature column(s) {', '.join(missing_cols)} used by the model are not in the "
            "clients table"
        )
    if problems:
        raise ModelMismatchError(
            "the model does not fit this data folder: "
            + "; ".join(problems)
            + ". Score with a model fitted on data with the same instruments and columns, or add "
            "them to the data."
        )


# ---- preparation -----------------------------------------------------------------------


def _task(
    model: HazardModel,
    frame: pd.DataFrame,
    horizon: int | None,
    discount_rate: float,
    type_weights: np.ndarray | None,
    warnings_out: list[str],
) -> tuple[ScoringTask, np.ndarray]:
    """The scoring task (everything but the parameters) and the current instrument per client."""
    spec = model.spec
    h = int(horizon if horizon is not None else spec.horizon)
    if h < 1:
        raise ValueError(f"horizon must be at least 1 month, got {h}")
    states = ClientStates.from_frame(spec, frame)
    prep = prepared(model)
    scorable = list(prep.scorable)
    meter_codes = prep.meter_codes
    not_scored = [c for c in meter_codes if c not in scorable]
    if not_scored:
        warnings_out.append(
            f"instrument(s) {', '.join(not_scored)} of meter {spec.meter} have no estimated "
            "effects in the model and are not scored"
        )
    scens = list(prep.scenarios)
    current = _current_instrument(frame, states, list(spec.instruments))
    locations, weights = _mixture(model, type_weights, states.n, warnings_out)
    task = ScoringTask(
        model=model,
        states=states,
        scenarios=scens,
        running=current != "",
        horizon=h,
        n_months=max([h, 18, *(s.planned_end + SUCCESS_MONTHS_AFTER_END for s in scens)]),
        factors=discount_factors(discount_rate, h) if discount_rate != 0.0 else None,
        locations=locations,
        weights=weights,
        price=prep.price,
        success_share=prep.success_share,
        benefit=pd.to_numeric(frame["monthly_benefit"]).to_numpy(dtype=float),
        pension_months=_pension_months(frame, warnings_out),  # every path stops at the AOW date
    )
    return task, current


def _pension_months(frame: pd.DataFrame, warnings_out: list[str]) -> np.ndarray | None:
    """Benefit months left before the AOW date (:func:`caseload_months_to_pension`); clients
    already past it are counted in a warning."""
    if "birth_date" not in frame.columns or "inflow_date" not in frame.columns:
        return None
    d = pd.to_numeric(frame["months_on_benefit"], errors="coerce").fillna(0).to_numpy()
    months, past = caseload_months_to_pension(
        frame["birth_date"], frame["inflow_date"], d.astype(np.int64)
    )
    if past.any():
        warnings_out.append(
            f"{int(past.sum())} client(s) have passed the pension age (AOW) and are still on "
            "benefit in the data: check their end date; they are scored as leaving at the end "
            "of the coming month"
        )
    return months


def _mixture(
    model: HazardModel, type_weights: np.ndarray | None, n: int, warnings_out: list[str]
) -> tuple[np.ndarray | None, np.ndarray | None]:
    het = model.heterogeneity
    if het is None:
        if type_weights is not None:
            raise ValueError("type_weights given, but the model has no unobserved heterogeneity")
        return None, None
    locations = np.asarray(het.locations, dtype=float)
    k = len(locations)
    if type_weights is None and k > 1:
        warnings_out.append(
            "model with unobserved heterogeneity scored with the prior type probabilities "
            "(no posterior weights given for the clients' history)"
        )
    if type_weights is None:
        weights = np.tile(np.asarray(het.probabilities, dtype=float), (n, 1))
    else:
        weights = np.broadcast_to(np.asarray(type_weights, dtype=float), (n, k)).copy()
    if weights.shape != (n, k) or not np.allclose(weights.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(f"type_weights must be ({n}, {k}) with rows summing to 1")
    return locations, weights


def _current_instrument(frame: pd.DataFrame, states: ClientStates, codes: list[str]) -> np.ndarray:
    """The running instrument per client; from the ``in:`` flags when the column is absent."""
    if "current_instrument" in frame.columns:
        current = frame["current_instrument"].fillna("").astype(str).to_numpy(dtype=object)
    else:
        current = np.full(states.n, "", dtype=object)
    flagged = states.in_now.any(axis=1) & (current == "")
    if flagged.any():
        first = np.argmax(states.in_now[flagged], axis=1)
        current[flagged] = np.asarray(codes, dtype=object)[first]
    return current


def _model_version(model: HazardModel) -> str:
    from rendement.model.folder import model_version

    return model_version(model)


#: Days an as-of date may lie after the latest date in the data (see _check_as_of).
EXTRACTION_SLACK_DAYS = 31


def _check_as_of(data: DataFolder, as_of: dt.date | pd.Timestamp | str) -> pd.Timestamp:
    try:
        when = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise AsOfDateError(f"as-of date {as_of!r} is not a date; write it as YYYY-MM-DD") from exc
    if pd.isna(when):
        raise AsOfDateError("the as-of date is empty; give a date as YYYY-MM-DD")
    first = data.spells["start_date"].min()
    if pd.isna(first):
        raise AsOfDateError("the data has no benefit spells, so there is no caseload to score")
    extraction = data.extraction_date
    if when < first:
        raise AsOfDateError(
            f"as-of date {when.date()} lies before the first benefit spell in the data "
            f"({pd.Timestamp(first).date()}); choose a date between {pd.Timestamp(first).date()} "
            f"and the extraction date {pd.Timestamp(extraction).date()}"
        )
    # The export carries no extraction date; the latest date in it is a lower bound. Exports
    # are monthly, so an as-of date up to EXTRACTION_SLACK_DAYS after the latest date is the
    # same export (e.g. extracted on the 1st while the last event was on the 27th).
    if when > extraction + pd.Timedelta(days=EXTRACTION_SLACK_DAYS):
        raise AsOfDateError(
            f"as-of date {when.date()} lies after the data's extraction date "
            f"{pd.Timestamp(extraction).date()} (the latest date in the data, plus at most "
            f"{EXTRACTION_SLACK_DAYS} days); the caseload after it is unknown. Choose a date on "
            "or before the extraction date."
        )
    return when
