"""The out-of-time sample (*validatie buiten de schattingsperiode*).

The model's specification is fitted again on the data known at a cut-off date
``C = extraction date - holdout months`` (nothing after ``C`` is used), the
caseload at ``C`` is scored with that fit exactly as ``rendement score`` would,
and each client is followed in the hold-out window ``C .. extraction``:

* ``followed_months``: whole months after ``C`` the client is observed, and
  ``left``: whether the client left benefit at the end of that month;
* a client still on benefit at the extraction date is censored there;
* the prediction is the path **without** a new instrument (the current state
  kept), so a client who starts a new instrument in the window is censored at
  the month before it (``censored_by = "new instrument"``) unless the client
  left before it. Both sides then describe the same path.

A declared (expert or borrowed) model is not re-fitted: the declared model
itself is scored at ``C``.

Ends that are not outflow under the model's specification (``overleden``, or
every end but the ``outcome``) censor the client at the end date
(``censored_by`` = the end reason). The pension (``aow``) is a competing end
that rules out outflow for good, and the prediction holds the chance of
outflow at the pension date: such a client stays followed, without outflow,
to the window's end (``censored_by = "aow"``), so both sides count the same. Historical data in which every spell
has ended has nobody on benefit at the extraction date: the cut-off is then
the month with the largest caseload that leaves a year of data before it,
and a note says so (:func:`sensible_cutoff`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.errors import RendementError
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, age_band
from rendement.panel.events import EventDefinition
from rendement.progress import Progress
from rendement.scoring.caseload import CaseloadScore
from rendement.timeutil import add_months, months_between_arrays


class HoldoutError(RendementError):
    """The data cannot support an out-of-time validation with this hold-out."""

    code = "holdout_impossible"


@dataclass(frozen=True)
class HoldoutSample:
    """The caseload at the cut-off, its predictions and what happened to it.

    ``clients``: one row per caseload client at ``cutoff``: ``client_id``,
    ``months_on_benefit``, ``p_outflow_6m``/``12m``/``18m``,
    ``expected_remaining_months``, ``outflow_group``, ``followed_months``, ``left``,
    ``censored_by`` (``""``, ``"window end"``, ``"new instrument"``) and the
    protected attributes used only for fairness: ``gender`` and ``age_band``
    (age at the cut-off).
    """

    cutoff: pd.Timestamp
    extraction: pd.Timestamp
    window_months: int
    clients: pd.DataFrame
    model: HazardModel
    refitted: bool
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.clients)


def holdout_sample(
    model: HazardModel,
    data: DataFolder,
    *,
    holdout_months: int = 12,
    censor_at_new_instrument: bool = True,
    refit: bool | None = None,
    progress: Progress | None = None,
) -> HoldoutSample:
    """Re-fit ``model``'s specification up to the cut-off, score the caseload there, follow it.

    ``refit`` defaults to True for estimated models and False for declared ones;
    ``refit=False`` scores ``model`` itself at the cut-off (for an estimated model
    fitted on data after the cut-off that is not out of time, and the notes say so).
    """
    prog = progress or Progress.silent()
    if holdout_months < 1:
        raise HoldoutError(f"the hold-out must be at least 1 month, got {holdout_months}")
    extraction = pd.Timestamp(data.extraction_date).normalize()
    cutoff = add_months(extraction, -int(holdout_months)).normalize()
    first = pd.Timestamp(data.spells["start_date"].min())
    notes: list[str] = []
    if data.spells["end_date"].notna().all():
        cutoff, why = sensible_cutoff(data, holdout_months)
        notes.append(why)
    if cutoff <= first + pd.DateOffset(months=12):
        raise HoldoutError(
            f"a hold-out of {holdout_months} months leaves less than a year of data before the "
            f"cut-off {cutoff.date()} (first inflow {first.date()}); use a shorter --holdout-months"
        )
    if refit is None:
        refit = model.kind == "estimated"
    if refit:
        with prog.stage(f"re-fit on data up to {cutoff.date()}"):
            fitted, fit_notes = _refit(model, data, cutoff)
        notes += fit_notes
        refitted = True
    else:
        fitted, refitted = model, False
        if model.kind == "estimated":
            notes.append(
                "the model was scored as it is, not re-fitted on data up to the cut-off: if it "
                "was fitted on data after the cut-off, this validation is not out of time"
            )
        else:
            notes.append(
                f"{model.kind} model: the declared parameters are evaluated as they are "
                "(not re-fitted)"
            )
        if model.kind == "borrowed" and "recalibrated" in str(model.metadata.get("recalibration")):
            notes.append(
                "the baseline was recalibrated on local data that may include the hold-out window, "
                "so this validation is not strictly out of time"
            )
    window = int(months_between_arrays(pd.Series([cutoff]), pd.Series([extraction]))[0])
    with prog.stage(f"scoring the caseload at {cutoff.date()}"):
        scored = _score_at(fitted, data, cutoff, window)
    with prog.stage("following the caseload in the hold-out window"):
        clients = _follow(
            data,
            scored,
            cutoff,
            extraction,
            list(fitted.spec.instruments),
            censor_at_new_instrument,
            fitted.spec,
        )
    return HoldoutSample(cutoff, extraction, window, clients, fitted, refitted, notes)


def _refit(
    model: HazardModel, data: DataFolder, cutoff: pd.Timestamp
) -> tuple[HazardModel, list[str]]:
    """The same specification (instruments and calendar years re-resolved) on data up to ``cutoff``."""
    from rendement.model.fitting import fit_model

    spec = replace(model.spec, instruments=(), extra_levels={}, calendar_years=())
    heterogeneity = "npmle" if model.heterogeneity is not None else "none"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted, _ = fit_model(
            data,
            meter=model.spec.meter,
            spec=spec,
            until=cutoff,
            heterogeneity=heterogeneity,  # type: ignore[arg-type]
            version=f"validatie-{cutoff.date()}",
        )
    notes = sorted({f"re-fit: {w.message}" for w in caught if issubclass(w.category, UserWarning)})
    return fitted, notes


def score_at(
    model: HazardModel, data: DataFolder, as_of: pd.Timestamp, *, keep_paths: bool = False
) -> tuple[pd.DataFrame, CaseloadScore]:
    """The caseload at ``as_of`` and its score, as ``rendement score`` makes it (no intervals).

    A model with unobserved heterogeneity is scored with each client's posterior
    type weights given the spell's history up to ``as_of``.
    """
    from rendement.panel import build_panel, caseload_state
    from rendement.scoring.caseload import check_model_fits_data, score_clients

    check_model_fits_data(model, data)
    caseload = caseload_state(data, as_of, instruments=list(model.spec.instruments))
    if caseload.empty:
        raise HoldoutError(
            f"nobody was on benefit at {as_of.date()}: choose an earlier date (for historical "
            "data in which every spell has ended, the report picks the month with the largest "
            "caseload)"
        )
    weights = None
    if model.heterogeneity is not None:
        from rendement.hazard.toe import posterior_type_weights

        panel = build_panel(data, until=as_of, instruments=list(model.spec.instruments))
        weights = posterior_type_weights(model, panel, caseload)
    score = score_clients(
        model, caseload, interval=None, type_weights=weights, as_of=as_of, keep_paths=keep_paths
    )
    return caseload, score


def sensible_cutoff(data: DataFolder, holdout_months: int = 12) -> tuple[pd.Timestamp, str]:
    """For data in which every spell has ended: the first of the month with the largest
    caseload, at least 13 months after the first inflow and at least ``holdout_months``
    before the latest date (so the caseload is followed that long); and a note that says so."""
    from rendement.panel.cutoff import datetimes

    start = datetimes(data.spells["start_date"])
    end = datetimes(data.spells["end_date"])
    first = pd.Timestamp(start.min()) + pd.DateOffset(months=13)
    last = pd.Timestamp(data.extraction_date) - pd.DateOffset(months=max(1, int(holdout_months)))
    grid = pd.date_range(first.replace(day=1), last, freq="MS")
    if len(grid) == 0:
        raise HoldoutError(
            "every spell in the data has ended and the data cover less than 14 months: "
            "there is no date with a caseload to validate on"
        )
    stamps = grid.to_numpy(dtype="datetime64[ns]")
    on = (start[None, :] <= stamps[:, None]) & (end[None, :] > stamps[:, None])
    sizes = on.sum(axis=1)
    best = int(np.argmax(sizes))
    cutoff = grid[best]
    return cutoff, (
        f"every benefit spell in the data has ended (historical data), so nobody is on benefit "
        f"at the latest date; the out-of-time cut-off is {cutoff.date()}, the month with the "
        f"largest caseload ({int(sizes[best]):,} clients), followed up to "
        f"{pd.Timestamp(data.extraction_date).date()}"
    )


def _score_at(
    model: HazardModel, data: DataFolder, cutoff: pd.Timestamp, window: int = 12
) -> pd.DataFrame:
    caseload, score = score_at(model, data, cutoff, keep_paths=window < 6)
    keep = [
        "client_id",
        "p_outflow_6m",
        "p_outflow_12m",
        "p_outflow_18m",
        "expected_remaining_months",
        "outflow_group",
    ]
    if score.paths is not None:  # a window shorter than 6 months: the chance within the window
        paths = score.paths[
            (score.paths["instrument"] == "geen") & (score.paths["month"] == window)
        ]
        chance = 1.0 - paths.set_index("client_id")["survival"]
        ranking = score.ranking.assign(
            **{f"p_outflow_{window}m": chance.reindex(score.ranking["client_id"]).to_numpy()}
        )
        score = replace(score, ranking=ranking)
        keep.append(f"p_outflow_{window}m")
    base = caseload[["client_id", "spell_id", "inflow_date", "months_on_benefit", "birth_date"]]
    gender = caseload["gender"] if "gender" in caseload else pd.Series(None, index=caseload.index)
    base = base.assign(gender=gender.fillna("onbekend").astype(str))
    return base.merge(score.ranking[keep], on="client_id", how="left", validate="one_to_one")


def _follow(
    data: DataFolder,
    scored: pd.DataFrame,
    cutoff: pd.Timestamp,
    extraction: pd.Timestamp,
    codes: list[str],
    censor_at_new_instrument: bool,
    spec: ModelSpec | None = None,
) -> pd.DataFrame:
    from rendement.panel import instrument_episodes

    spells = data.spells.set_index("spell_id")
    end = pd.DatetimeIndex(spells["end_date"].reindex(scored["spell_id"]).to_numpy())
    start = pd.DatetimeIndex(scored["inflow_date"])
    d = scored["months_on_benefit"].to_numpy(dtype=np.int64)
    ended = np.asarray(~np.asarray(end.isna()) & np.asarray(end <= extraction), dtype=bool)
    end_or_extraction = pd.DatetimeIndex(np.where(ended, end, np.datetime64(extraction)))
    total = np.where(
        ended,
        np.maximum(1, months_between_arrays(start, end_or_extraction)),
        months_between_arrays(start, pd.DatetimeIndex([extraction] * len(start))),
    )
    followed = np.where(ended, np.maximum(total - d, 1), np.maximum(total - d, 0))
    left = ended.copy()
    censored_by = np.where(ended, "", "window end").astype(object)
    # ends that are not outflow (aow, overleden, ...) censor at the end date
    reason = spells["end_reason"].reindex(scored["spell_id"]).to_numpy(dtype=object)
    events = spec.events if spec is not None else EventDefinition()
    not_outflow = ended & ~events.is_event(reason, ended)
    months_to_end = months_between_arrays(start, end_or_extraction)
    followed = np.where(not_outflow, np.maximum(months_to_end - d, 0), followed)
    # The pension ends benefit for good and the prediction holds the chance of outflow there
    # (pension.cap): a client who reached it stays followed, without outflow, to the window's
    # end (cumulative incidence), as the prediction counts them; censoring them instead would
    # overstate the observed outflow of the oldest clients.
    pension = not_outflow & (reason.astype(str) == "aow")
    to_window_end = months_between_arrays(start, pd.DatetimeIndex([extraction] * len(start))) - d
    followed = np.where(pension, np.maximum(to_window_end, followed), followed)
    left = left & ~not_outflow
    censored_by = np.where(not_outflow, reason.astype(str), censored_by).astype(object)

    if censor_at_new_instrument and len(data.trajectories):
        ep = instrument_episodes(data)
        starts = data.trajectories.set_index("trajectory_id")["start_date"]
        ep = ep.assign(start_date=starts.reindex(ep["trajectory_id"]).to_numpy())
        ep = ep[(ep["start_date"] > cutoff) & ep["instrument"].astype(str).isin(codes)]
        first_new = ep.groupby("spell_id")["first_month"].min()
        s = first_new.reindex(scored["spell_id"]).to_numpy(dtype=float)
        has = ~np.isnan(s)
        limit = np.where(has, s - 1 - d, np.inf)  # months seen before the new instrument
        # a client who left before the new instrument's first month keeps the outflow
        hit = has & (followed > limit)
        followed = np.where(hit, np.maximum(limit, 0), followed).astype(np.int64)
        left = left & ~hit
        censored_by = np.where(hit, "new instrument", censored_by)

    age = months_between_arrays(scored["birth_date"], pd.Series([cutoff] * len(scored))) // 12
    out = scored.drop(columns=["spell_id", "inflow_date", "birth_date"]).assign(
        followed_months=followed.astype(np.int64),
        left=left.astype(bool),
        censored_by=censored_by,
        age_band=age_band(age),
    )
    return out.reset_index(drop=True)
