"""The CBS indicators (seed 000), computed from the data folder.

Each indicator is a share with its numerator, denominator and the period it
measures; the period is the latest one fully observed on the report date
``as_of`` (only data known on ``as_of`` is used). Definitions, in the words of
the CBS report:

* **durable outflow** (*duurzame uitstroom*, 6.4.5): "uitstroom na minimaal één
  maand bijstand gevolgd door 24 maanden geen bijstand". Denominator: spells
  ending in the 12 months that end 24 months before ``as_of`` after at least one
  month on benefit (duration >= 1, which every ended spell has); numerator:
  those whose client starts no new spell within 24 months after the end date.
* **repeat inflow** (*herhaalde instroom*, 6.4.4): "instroom in de bijstand en
  minder dan 12 maanden voor instroom ook al in de bijstand". Denominator:
  spells starting in the 12 months up to ``as_of``; numerator: those of a
  client whose earlier spell ended less than 12 months before the new start.
* **outflow within 6 months of inflow** (DH3): "het aandeel personen die 6
  maanden na instroomdatum geen bijstand ontvangen, als percentage van alle
  instroom". Denominator: spells starting in the 12 months that end 6 months
  before ``as_of``; numerator: those whose client is on no running spell on the
  inflow date + 6 months.
* **still on benefit 12 months after a trajectory start** (DH1): "percentage in
  bijstand [...] van personen die startten aan traject", 12 months after the
  start. Denominator: re-integration and Werk Direct trajectories starting in
  the 12 months that end 12 months before ``as_of``; numerator: those whose
  client is on a running spell on the start date + 12 months. Also per instrument.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.dashboard.indicators import TRAJECTORY_METERS, trajectory_rows


@dataclass(frozen=True)
class Share:
    """One CBS indicator: ``numerator / denominator`` over ``[start, end]``."""

    name: str
    numerator: int
    denominator: int
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def share(self) -> float:
        return self.numerator / self.denominator if self.denominator else float("nan")


def _known(spells: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    spells = spells[spells["start_date"] <= as_of]
    return spells.assign(end_date=spells["end_date"].where(spells["end_date"] <= as_of))


def _window(as_of: pd.Timestamp, lag_months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The 12 months ending ``lag_months`` before ``as_of``: ``(end - 12 months, end]``."""
    end = as_of - pd.DateOffset(months=lag_months)
    return end - pd.DateOffset(months=12) + pd.Timedelta(days=1), end


def _on_benefit_at(spells: pd.DataFrame, client_ids: np.ndarray, days: np.ndarray) -> np.ndarray:
    """For each (client, day): is one of the client's spells running on that day?"""
    if not len(client_ids):
        return np.zeros(0, dtype=bool)
    q = pd.DataFrame({"q": np.arange(len(client_ids)), "client_id": client_ids, "day": days})
    sp = spells[["client_id", "start_date", "end_date"]]
    pairs = q.merge(sp, on="client_id")
    on = (pairs["start_date"] <= pairs["day"]) & (
        pairs["end_date"].isna() | (pairs["end_date"] > pairs["day"])
    )
    out = np.zeros(len(client_ids), dtype=bool)
    out[pairs.loc[on, "q"].to_numpy(dtype=np.int64)] = True
    return out


def durable_outflow(data: DataFolder, as_of: pd.Timestamp) -> Share:
    """Share of outflow followed by 24 months without benefit (see module docstring)."""
    spells = _known(data.spells, as_of)
    start, end = _window(as_of, 24)
    ended = spells[(spells["end_date"] >= start) & (spells["end_date"] <= end)]
    later = spells[["client_id", "start_date"]].rename(columns={"start_date": "next"})
    pairs = ended[["client_id", "end_date"]].reset_index().merge(later, on="client_id")
    back = pairs[
        (pairs["next"] > pairs["end_date"])
        & (pairs["next"] <= pairs["end_date"] + pd.DateOffset(months=24))
    ]
    returned = back["index"].nunique()
    return Share("duurzame uitstroom", len(ended) - returned, len(ended), start, end)


def repeat_inflow(data: DataFolder, as_of: pd.Timestamp) -> Share:
    """Share of inflow less than 12 months after a previous spell ended (see module docstring)."""
    spells = _known(data.spells, as_of)
    start, end = _window(as_of, 0)
    new = spells[(spells["start_date"] >= start) & (spells["start_date"] <= end)]
    earlier = spells[["client_id", "end_date"]].rename(columns={"end_date": "prev_end"})
    pairs = new[["client_id", "start_date"]].reset_index().merge(earlier, on="client_id")
    recent = pairs[
        pairs["prev_end"].notna()
        & (pairs["prev_end"] <= pairs["start_date"])
        & (pairs["prev_end"] > pairs["start_date"] - pd.DateOffset(months=12))
    ]
    return Share("herhaalde instroom", recent["index"].nunique(), len(new), start, end)


def outflow_within_6_months(data: DataFolder, as_of: pd.Timestamp) -> Share:
    """Share of inflow off benefit 6 months after the inflow date (see module docstring)."""
    spells = _known(data.spells, as_of)
    start, end = _window(as_of, 6)
    new = spells[(spells["start_date"] >= start) & (spells["start_date"] <= end)]
    days = (new["start_date"] + pd.DateOffset(months=6)).to_numpy()
    on = _on_benefit_at(spells, new["client_id"].to_numpy(dtype=object), days)
    return Share("uitstroom binnen 6 maanden na instroom", int((~on).sum()), len(new), start, end)


def on_benefit_after_trajectory(
    data: DataFolder, as_of: pd.Timestamp
) -> tuple[Share, pd.DataFrame]:
    """Share still on benefit 12 months after a trajectory start, in total and per instrument."""
    spells = _known(data.spells, as_of)
    start, end = _window(as_of, 12)
    traj = trajectory_rows(data, TRAJECTORY_METERS)
    traj = traj[(traj["start_date"] >= start) & (traj["start_date"] <= end)]
    days = (traj["start_date"] + pd.DateOffset(months=12)).to_numpy()
    on = _on_benefit_at(spells, traj["client_id"].to_numpy(dtype=object), days)
    per = (
        pd.DataFrame({"instrument": traj["instrument"].astype(str).to_numpy(), "nog": on})
        .groupby("instrument")["nog"]
        .agg(["sum", "count"])
        .rename(columns={"sum": "nog_in_bijstand", "count": "gestart"})
    )
    per["aandeel_pct"] = 100.0 * per["nog_in_bijstand"] / per["gestart"]
    total = Share(
        "nog in bijstand 12 maanden na start traject", int(on.sum()), len(traj), start, end
    )
    return total, per.reset_index()


def cbs_indicators(data: DataFolder, as_of: pd.Timestamp) -> tuple[list[Share], pd.DataFrame]:
    """The four CBS indicators and the per-instrument table of the last one."""
    traj_total, per_instrument = on_benefit_after_trajectory(data, as_of)
    shares = [
        durable_outflow(data, as_of),
        repeat_inflow(data, as_of),
        outflow_within_6_months(data, as_of),
        traj_total,
    ]
    return shares, per_instrument
