"""From the simulated history to the four tables of the data contract.

Dates follow the simulator's clock (:mod:`.calendar`): a spell starts on day
1-28, ends on the same day ``T`` months later; a trajectory starts on the same
day ``first - 1`` months after the spell's start and ends ``last`` months after
it (a home visit starts and ends on the same date). Anything after the
extraction date is left out: running spells and trajectories have no end date.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from rendement.simulate.calendar import to_dates
from rendement.simulate.catalogue import PROVIDERS
from rendement.simulate.config import SimulationConfig
from rendement.simulate.parameters import TrueProcess
from rendement.simulate.process import History

#: Net bijstand norms of 1 July 2025 (incl. holiday allowance), EUR per month.
NORM_2025: dict[str, float] = {
    "alleenstaand": 1369.0,
    "alleenstaande_ouder": 1369.0,
    "paar": 1956.0,
}
#: Yearly indexation of the norms.
INDEXATION = 0.02
#: Months after a trajectory's (planned) end within which leaving benefit counts as success.
SUCCESS_MONTHS = 3


def norm(household: np.ndarray, year: np.ndarray) -> np.ndarray:
    """The monthly norm of a household type in a calendar year (2025 level, indexed 2% a year)."""
    base = pd.Series(household, dtype=object).map(NORM_2025).to_numpy(dtype=float)
    return np.round(base * (1.0 + INDEXATION) ** (np.asarray(year) - 2025), 2)


def spells_table(history: History, process: TrueProcess) -> pd.DataFrame:
    """The spells table, ordered by client and start date (``spell_id`` in that order)."""
    sp = history.spells
    ended = sp["duration"] > 0
    start = to_dates(sp["start_month"], sp["day"])
    end = to_dates(
        np.where(ended, sp["start_month"] + sp["duration"], sp["start_month"]), sp["day"]
    )
    clients = history.clients
    # a pension exit ends after the last whole spell month before the pension date, like
    # every end in the contract's whole-month arithmetic (the days up to the pension date
    # are no month on benefit)
    end = _without(end, ~ended)
    client_id = clients["client_id"].to_numpy(dtype=object)[sp["client"]]
    household = clients["household_type"].to_numpy(dtype=object)[sp["client"]]
    paid_year = np.where(ended, end.year, history.as_of_step // 12)
    reasons = np.asarray([*process.end_reasons, "aow"], dtype=object)
    frame = pd.DataFrame(
        {
            "spell_id": "",
            "client_id": client_id,
            "start_date": start,
            "end_date": end,
            "end_reason": _where_none(reasons[np.maximum(sp["end_reason"], 0)], ~ended),
            "monthly_benefit": np.round(norm(household, paid_year) * sp["partial"], 2),
            "_row": np.arange(len(client_id)),
        }
    )
    frame = frame.sort_values(["client_id", "start_date"], kind="stable").reset_index(drop=True)
    frame["spell_id"] = [f"SP{i:07d}" for i in range(1, len(frame) + 1)]
    return frame


def trajectories_table(
    history: History, process: TrueProcess, spells: pd.DataFrame, config: SimulationConfig
) -> pd.DataFrame:
    """The trajectories table, ordered by client and start date."""
    rng = np.random.default_rng([int(config.seed), 7])
    tr, sp = history.trajectories, history.spells
    s = tr["spell"]
    start_month, day = sp["start_month"][s], sp["day"][s]
    codes = np.asarray(process.codes, dtype=object)[tr["code"]]
    has_end = tr["end"] >= 0
    start = to_dates(start_month + tr["first"] - 1, day)
    end = _without(to_dates(start_month + np.maximum(tr["end"], 0), day), ~has_end)

    # Result: left benefit within 3 months after the end; unknown while that is in the future.
    duration, at_as_of = sp["duration"][s], sp["months_at_as_of"][s]
    pension = sp["end_reason"][s] == len(process.end_reasons)  # reaching the AOW age is no success
    left_soon = (duration > 0) & (duration <= tr["end"] + SUCCESS_MONTHS) & ~pension
    known_fail = ((duration > 0) | (at_as_of >= tr["end"] + SUCCESS_MONTHS)) & ~left_soon
    result = np.full(len(codes), None, dtype=object)
    result[known_fail] = "niet_succesvol"
    result[left_soon] = "succesvol"
    result[tr["dropped"] == 1] = "voortijdig_beeindigd"
    result[~has_end] = None

    cat = process.model.instruments.set_index("instrument")
    price = cat.loc[codes, "price"].to_numpy(dtype=float)
    share = cat.loc[codes, "success_share"].fillna(0.0).to_numpy(dtype=float)
    provider = np.empty(len(codes), dtype=object)
    factor = np.ones(len(codes))
    for code, options in PROVIDERS.items():
        idx = np.flatnonzero(codes == code)
        pick = rng.integers(0, len(options), size=len(idx))
        provider[idx] = np.asarray([o[0] for o in options], dtype=object)[pick]
        factor[idx] = np.asarray([o[1] for o in options])[pick]
    # No cure less pay: the success share is paid only on success (in full while unknown).
    paid = ((result == "succesvol") | pd.isna(result)).astype(float)
    cost = np.round(price * factor * (1.0 - share + share * paid), 2)

    spell_row = pd.Series(np.arange(len(spells)), index=spells["_row"].to_numpy())
    frame = pd.DataFrame(
        {
            "trajectory_id": "",
            "client_id": spells["client_id"].to_numpy(dtype=object)[spell_row[s].to_numpy()],
            "instrument": codes,
            "start_date": start,
            "end_date": end,
            "cost": cost,
            "provider": provider,
            "result": result,
        }
    )
    frame = frame.sort_values(["client_id", "start_date"], kind="stable").reset_index(drop=True)
    frame["trajectory_id"] = [f"TR{i:07d}" for i in range(1, len(frame) + 1)]
    return frame


def instruments_table(
    process: TrueProcess, trajectories: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The catalogue with ``capacity``: starts in the year before the extraction date, rounded up to 5."""
    cat = process.model.instruments.copy()
    recent = trajectories[trajectories["start_date"] > as_of - pd.DateOffset(years=1)]
    starts = recent["instrument"].value_counts()
    cat["capacity"] = pd.array(
        [max(5, 5 * math.ceil(int(starts.get(c, 0)) / 5)) for c in cat["instrument"]], dtype="Int64"
    )
    return cat


def _without(dates: pd.DatetimeIndex, missing: np.ndarray) -> pd.DatetimeIndex:
    """``dates`` with NaT where ``missing``."""
    values = dates.to_numpy().copy()
    values[missing] = np.datetime64("NaT")
    return pd.DatetimeIndex(values)


def _where_none(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[missing] = None
    return out
