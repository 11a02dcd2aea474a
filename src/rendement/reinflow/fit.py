"""Estimating the re-inflow model with the project's cloglog machinery, clustered by client.

The months off benefit come per baseline piece (:func:`rendement.reinflow.panel.piece_rows`);
rows with the same design are collapsed into cells, with the sparse (client x cell)
counts that the clustered covariance needs, and fitted by
:func:`rendement.hazard.estimate.fit_cells` (Newton-Raphson, CRV1 covariance), the
estimator of the outflow model. Protected attributes never enter: the client terms
are those of the outflow model's specification, which refuses them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rendement.contract.folder import DataFolder
from rendement.hazard.cells import CellDesign, distinct_rows
from rendement.hazard.covariance import ClusterCounts
from rendement.hazard.estimate import fit_cells
from rendement.hazard.warnings import HazardFitError, SeparationWarning
from rendement.model.spec import ModelSpec, client_design
from rendement.reinflow.model import WORK_TERM, ExitMix, ReinflowModel, flag_terms
from rendement.reinflow.panel import (
    NO_RETURN_REASONS,
    REINFLOW_CUTS,
    ended_spells,
    piece_rows,
    piece_terms,
)


def reinflow_design(
    ended: pd.DataFrame, spec: ModelSpec, instruments: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Row-level design per (spell, piece) and the piece rows (trials, events, spell)."""
    rows = piece_rows(ended, REINFLOW_CUTS)
    spell = rows["spell"].to_numpy()
    cols: dict[str, np.ndarray] = {}
    for i, t in enumerate(piece_terms(REINFLOW_CUTS)):
        cols[t] = (rows["piece"].to_numpy() == i).astype(np.float64)
    design = client_design(spec, ended).to_numpy(dtype=np.float64)[spell]
    for j, t in enumerate(spec.client_terms()):
        cols[t] = design[:, j]
    cols[WORK_TERM] = ended["work"].to_numpy(dtype=np.float64)[spell]
    for t in flag_terms(instruments):
        cols[t] = ended[t].to_numpy(dtype=np.float64)[spell]
    return pd.DataFrame(cols), rows


def fit_reinflow_or_none(
    data: DataFolder, spec: ModelSpec, until: pd.Timestamp, warnings_out: list[str]
) -> ReinflowModel | None:
    """:func:`fit_reinflow`, or None with a warning when the data cannot carry it."""
    try:
        return fit_reinflow(data, spec, until=until)
    except (HazardFitError, ValueError, np.linalg.LinAlgError) as exc:
        warnings_out.append(
            f"no re-inflow model (returns to benefit are not counted; returns_basis 'spell'): {exc}"
        )
        return None


def fit_reinflow(
    data: DataFolder, spec: ModelSpec, *, until: pd.Timestamp | None = None
) -> ReinflowModel:
    """The re-inflow model of ``data`` (as known at ``until``) with the client terms of ``spec``."""
    instruments = tuple(spec.instruments)
    cutoff = data.extraction_date if until is None else pd.Timestamp(until)
    spells, trajectories = (
        _as_known_at(data.spells, cutoff),
        _as_known_at(data.trajectories, cutoff),
    )
    ended = ended_spells(spells, trajectories, instruments, cutoff, data.clients)
    x, rows = reinflow_design(ended, spec, instruments)
    events = rows["events"].to_numpy()
    trials = rows["trials"].to_numpy()
    if events.sum() == 0:
        raise HazardFitError("no client came back to benefit after a spell in these data")
    pieces = piece_terms(REINFLOW_CUTS)
    empty = [t for t in pieces if events[x[t].to_numpy() > 0].sum() == 0]
    keep = np.ones(len(x), dtype=bool)
    for t in empty:  # no return ever seen in the piece: chance 0 there, not estimated
        keep &= x[t].to_numpy() == 0
    # a flag no spell has (e.g. ended during a one-off home visit) has no effect to estimate
    unseen = [t for t in flag_terms(instruments) if not x[t].to_numpy()[keep].any()]
    x = x.loc[keep, [c for c in x.columns if c not in empty and c not in unseen]]
    clients = pd.factorize(ended["client_id"].to_numpy()[rows["spell"].to_numpy()[keep]])[0]
    with warnings.catch_warnings():
        # a flag where nobody ever came back (separation) is left out by the estimator: its
        # effect counts as none in the chain; the counts below say how many were left out
        warnings.simplefilter("ignore", SeparationWarning)
        fit = fit_cells(_cells(x, events[keep], trials[keep], clients))
    left_out = [t for t in x.columns if t not in fit.params.index]
    params = fit.params.reindex([*fit.params.index, *empty])
    params[empty] = -np.inf
    # The chain applies the share to exits by outflow: the benefit ends at the pension
    # date anyway (every path stops there), so those ending by the pension are not counted.
    pension = spells["end_reason"].astype("string").fillna("") == "aow"
    all_ended = spells["end_date"].notna() & ~pension
    reasons = spells.loc[all_ended, "end_reason"].astype("string").fillna("")
    returnable = ~reasons.isin(NO_RETURN_REASONS)
    mix = ExitMix(
        returnable_share=float(returnable.mean()) if len(reasons) else 1.0,
        work_share=float((reasons[returnable] == "werk").mean()) if returnable.any() else 0.0,
        n_exits=int(len(reasons)),
    )
    counts = {
        "spells_followed": int(len(ended)),
        "months_off_benefit": int(trials.sum()),
        "returns": int(events.sum()),
        "clients": int(fit.n_clusters or 0),
        "terms_left_out": len(left_out),
    }
    return ReinflowModel(spec, params.rename("estimate"), fit.cov, instruments, mix, counts=counts)


def _as_known_at(table: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Rows started by ``cutoff``; an end after it is not known yet (still running)."""
    out = table[table["start_date"] <= cutoff].copy()
    later = out["end_date"] > cutoff
    out.loc[later, "end_date"] = pd.NaT
    if "end_reason" in out.columns:
        out.loc[later, "end_reason"] = None
    return out


def _cells(
    x: pd.DataFrame, events: np.ndarray, trials: np.ndarray, clients: np.ndarray
) -> CellDesign:
    """Collapse weighted rows (trials months, events returns) into cells with client counts."""
    arr = x.to_numpy(dtype=np.float64)
    inverse, first = distinct_rows(arr)
    n_cells = len(first)
    n_clients = int(clients.max()) + 1 if len(clients) else 0
    shape = (n_clients, n_cells)
    ev = sp.csr_matrix((events, (clients, inverse)), shape=shape)
    tr = sp.csr_matrix((trials, (clients, inverse)), shape=shape)
    ev.sum_duplicates()
    tr.sum_duplicates()
    return CellDesign(
        np.ascontiguousarray(arr[first]),
        tuple(str(c) for c in x.columns),
        np.bincount(inverse, weights=events, minlength=n_cells),
        np.bincount(inverse, weights=trials, minlength=n_cells),
        ClusterCounts(ev, tr),
    )
