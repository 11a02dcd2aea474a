"""Months off benefit after a spell ended: the data of the re-inflow model.

Every ended spell from which a client can come back (not ended by the state
pension, death or moving away) is followed month by month after its end date
``E``: month ``s`` (1-based) off benefit is ``[E + (s - 1) months, E + s months)``.
The client returns in month ``s`` when the client's next spell starts in it;
otherwise the months run to the extraction date, the client's pension date or
:data:`FOLLOW_UP` months, whichever comes first (censored, no return).

The months are kept per baseline piece (``trials`` months, ``events`` 0 or 1),
not one row per month: the design is constant within a piece, so the binomial
likelihood needs only these counts (:mod:`rendement.reinflow.fit`).

Per spell: the end reason (``werk`` or not) and, per instrument of the model,
whether the spell ended *during* it (``ended_in:CODE``) or *after* it
(``ended_after:CODE``): the durability effect of the instrument.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rendement.pension import pension_dates
from rendement.timeutil import months_between_arrays

#: Months off benefit followed after a spell (the scoring horizon is at most 60).
FOLLOW_UP = 60
#: End reasons after which a client does not come back to this municipality's benefit.
NO_RETURN_REASONS = ("aow", "overleden", "verhuizing")
#: The re-inflow baseline: first month of each piece of months since the end.
REINFLOW_CUTS = (1, 3, 7, 13, 25, 37)


def piece_of(months: np.ndarray, cuts: Sequence[int] = REINFLOW_CUTS) -> np.ndarray:
    """Baseline piece (0-based) of months off benefit ``s >= 1``."""
    return np.searchsorted(np.asarray(cuts), np.asarray(months), side="right") - 1


def piece_terms(cuts: Sequence[int] = REINFLOW_CUTS) -> list[str]:
    """Names of the baseline terms: ``off:1-2``, ..., ``off:37+``."""
    out = []
    for a, b in zip(cuts, [*cuts[1:], None], strict=True):
        out.append(f"off:{a}+" if b is None else f"off:{a}-{b - 1}")
    return out


def ended_spells(
    spells: pd.DataFrame,
    trajectories: pd.DataFrame,
    instruments: Sequence[str],
    extraction: pd.Timestamp,
    clients: pd.DataFrame,
) -> pd.DataFrame:
    """One row per ended spell after which the client may return.

    Columns: ``client_id``, ``end_date``, ``work`` (end reason ``werk``),
    ``ended_in:CODE``/``ended_after:CODE`` per instrument, ``followed`` (months
    observed off benefit, at most :data:`FOLLOW_UP`), ``returned_in`` (month
    ``s`` of the return, 0 when censored), and the clients-table columns with
    ``inflow_date`` = the end date (characteristics such as age at the end).
    """
    sp = spells.sort_values(["client_id", "start_date"], kind="stable").reset_index(drop=True)
    nxt = sp.groupby("client_id", sort=False)["start_date"].shift(-1)
    reason = sp["end_reason"].astype("string").fillna("")
    ended = sp["end_date"].notna() & ~reason.isin(NO_RETURN_REASONS).to_numpy()
    out = sp.loc[ended, ["spell_id", "client_id", "start_date", "end_date"]].copy()
    out["work"] = (reason[ended] == "werk").to_numpy().astype(np.float64)
    nxt = nxt[ended]
    end = pd.DatetimeIndex(out["end_date"])
    info = clients.drop(columns=["inflow_date"], errors="ignore")
    out = out.merge(info, on="client_id", how="left", validate="many_to_one")
    limit = np.full(len(out), FOLLOW_UP, dtype=np.int64)
    to_extraction = months_between_arrays(end, pd.DatetimeIndex([extraction] * len(out)))
    limit = np.minimum(limit, to_extraction)
    if "birth_date" in out.columns:
        pension = pension_dates(out["birth_date"])
        to_pension = months_between_arrays(end, pension)
        limit = np.where(pension.isna(), limit, np.minimum(limit, to_pension))
    back = np.where(
        nxt.notna().to_numpy(),
        months_between_arrays(end, pd.DatetimeIndex(nxt)) + 1,
        FOLLOW_UP + 10**6,
    )
    returned = back <= limit
    out["followed"] = np.where(returned, back, np.maximum(limit, 0))
    out["returned_in"] = np.where(returned, back, 0)
    out["inflow_date"] = out["end_date"]
    for code in instruments:
        out[f"ended_in:{code}"] = 0.0
        out[f"ended_after:{code}"] = 0.0
    if len(trajectories) and len(out):
        _instrument_flags(out, sp.loc[ended].reset_index(drop=True), trajectories, instruments)
    return out[out["followed"] > 0].reset_index(drop=True)


def _instrument_flags(
    out: pd.DataFrame, spells: pd.DataFrame, trajectories: pd.DataFrame, codes: Sequence[str]
) -> None:
    """Set ``ended_in``/``ended_after`` from the trajectories that started within each spell."""
    tr = trajectories[trajectories["instrument"].isin(list(codes))]
    key = pd.DataFrame(
        {
            "row": np.arange(len(spells)),
            "client_id": spells["client_id"].to_numpy(),
            "s_start": spells["start_date"].to_numpy(),
            "s_end": spells["end_date"].to_numpy(),
        }
    )
    m = key.merge(tr[["client_id", "instrument", "start_date", "end_date"]], on="client_id")
    m = m[(m["start_date"] >= m["s_start"]) & (m["start_date"] <= m["s_end"])]
    running = m["end_date"].isna() | (m["end_date"] >= m["s_end"])
    for code in codes:
        is_code = (m["instrument"] == code).to_numpy()
        rows_in = m.loc[is_code & running.to_numpy(), "row"].to_numpy()
        rows_after = m.loc[is_code & ~running.to_numpy(), "row"].to_numpy()
        out.loc[rows_in, f"ended_in:{code}"] = 1.0
        after = np.zeros(len(out), dtype=bool)
        after[rows_after] = True
        after &= out[f"ended_in:{code}"].to_numpy() == 0.0
        out.loc[after, f"ended_after:{code}"] = 1.0


def piece_rows(ended: pd.DataFrame, cuts: Sequence[int] = REINFLOW_CUTS) -> pd.DataFrame:
    """The followed months of every ended spell by baseline piece: ``spell``, ``piece``,
    ``trials`` (months off benefit at risk in the piece) and ``events`` (0/1 return)."""
    followed = ended["followed"].to_numpy(dtype=np.int64)
    returned = ended["returned_in"].to_numpy(dtype=np.int64)
    lo = np.asarray(cuts, dtype=np.int64)
    hi = np.append(lo[1:] - 1, np.iinfo(np.int64).max // 2)
    spell = np.repeat(np.arange(len(ended)), len(lo))
    piece = np.tile(np.arange(len(lo)), len(ended))
    f = followed[spell]
    trials = np.clip(np.minimum(f, hi[piece]) - lo[piece] + 1, 0, None)
    r = returned[spell]
    events = ((r > 0) & (r >= lo[piece]) & (r <= hi[piece])).astype(np.float64)
    keep = trials > 0
    return pd.DataFrame(
        {
            "spell": spell[keep],
            "piece": piece[keep],
            "trials": trials[keep].astype(np.float64),
            "events": events[keep],
        }
    )


def person_months(ended: pd.DataFrame, cuts: Sequence[int] = REINFLOW_CUTS) -> pd.DataFrame:
    """One row per month off benefit (``spell``, ``month``, ``piece``, ``returned``): the
    row-level table, for checks against reference software (small data only)."""
    followed = ended["followed"].to_numpy(dtype=np.int64)
    spell = np.repeat(np.arange(len(ended)), followed)
    start = np.cumsum(followed) - followed
    month = np.arange(len(spell)) - np.repeat(start, followed) + 1
    returned = (month == ended["returned_in"].to_numpy()[spell]).astype(np.float64)
    return pd.DataFrame(
        {"spell": spell, "month": month, "piece": piece_of(month, cuts), "returned": returned}
    )
