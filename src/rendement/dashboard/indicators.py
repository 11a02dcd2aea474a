"""The monthly indicators of the steering report (*uitvoeringsmonitor*, *klantstroom*).

Every indicator is a series over calendar months (index: month index, see
:mod:`.months`). Only what was known on the report's date ``as_of`` counts: a
spell starting later is ignored, a spell ending later counts as running.
Month ``m`` runs from its first to its last day; the *stand* of month ``m`` is
taken on its last day (or on ``as_of`` when that comes first).

Definitions (the seed's words in brackets):

* **caseload** (*bestand*, *bijstandsafhankelijkheid*): clients with a spell
  running on the day: ``start_date <= day`` and ``end_date`` empty or after it
  (the contract's caseload definition with ``as_of = day``); by household type
  from the clients table.
* **inflow** (*instroom*): spells whose ``start_date`` lies in the month; a
  client returning twice counts twice (the municipalities' *instroomgebeurtenissen*).
* **outflow** (*uitstroom*): spells whose ``end_date`` lies in the month.
* **outflow per 100 clients**: outflow in the month x 100 / caseload at the end
  of the month before.
* **outflow with a trajectory** (*uitstroom met traject*): the ending spell had a
  re-integration or Werk Direct trajectory that started in it (on or before the
  end date); **without**: it had none; **exempt** (*vrijgesteld*): the client is
  marked exempt in the optional clients column ``vrijgesteld`` (counted apart,
  neither with nor without).
* **caseload with a running trajectory**: on the month's last day a
  re-integration or Werk Direct trajectory of the client started on or before
  that day and has no end date or ends on or after it; exempt clients apart.
* **trajectories assigned** (*toegekende trajecten*): trajectories of meter
  ``reintegratie`` or ``werk_direct`` starting in the month, per instrument.
* **home visits** (*huisbezoeken*): trajectories of meter ``handhaving`` starting
  in the month.
* **expenditure** (*uitkeringslasten*): benefits paid in the month, see :mod:`.months`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.contract.schema import HOUSEHOLD_TYPES, TRUE_WORDS
from rendement.dashboard.months import month_end, month_indices, payments_by_month

#: Meters whose instruments count as trajectories (home visits are handhaving).
TRAJECTORY_METERS = ("reintegratie", "werk_direct")
#: Optional clients column that marks clients exempt from re-integration duties.
EXEMPT_COLUMN = "vrijgesteld"


def stand_dates(months: np.ndarray, as_of: pd.Timestamp) -> list[pd.Timestamp]:
    """The day each month's *stand* is taken: its last day, or ``as_of`` when earlier."""
    return [min(month_end(int(m)), as_of) for m in months]


def caseload_on(spells: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Mask of spells running on ``day``: ``start_date <= day`` and end empty or after ``day``."""
    start, end = spells["start_date"], spells["end_date"]
    return ((start <= day) & (end.isna() | (end > day))).to_numpy()


def caseload_series(spells: pd.DataFrame, months: np.ndarray, as_of: pd.Timestamp) -> pd.Series:
    """Clients on benefit at the end of each month (see module docstring)."""
    days = stand_dates(months, as_of)
    return pd.Series([int(caseload_on(spells, d).sum()) for d in days], index=months)


def events_per_month(dates: pd.Series, months: np.ndarray, as_of: pd.Timestamp) -> pd.Series:
    """How many of ``dates`` (on or before ``as_of``) fall in each month."""
    seen = dates[dates.notna() & (dates <= as_of)]
    counts = pd.Series(month_indices(seen)).value_counts()
    return counts.reindex(months, fill_value=0).astype(np.int64)


def outflow_per_100(
    outflow: pd.Series, spells: pd.DataFrame, months: np.ndarray, as_of: pd.Timestamp
) -> pd.Series:
    """Outflow x 100 / caseload at the end of the month before (NaN when that caseload is 0)."""
    before = caseload_series(spells, months - 1, as_of).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(before > 0, 100.0 * outflow.to_numpy(dtype=float) / before, np.nan)
    return pd.Series(rate, index=months)


def exempt_clients(clients: pd.DataFrame) -> set[str]:
    """Client ids marked exempt in the optional ``vrijgesteld`` column (ja/true/1)."""
    if EXEMPT_COLUMN not in clients.columns:
        return set()
    raw = clients[EXEMPT_COLUMN]
    words = raw.map(lambda v: str(v).strip().lower() if v is not None and v == v else "")
    flag = words.isin(TRUE_WORDS) | (words == "1.0")
    return set(clients.loc[flag.to_numpy(), "client_id"].astype(str))


def trajectory_rows(data: DataFolder, meters: tuple[str, ...]) -> pd.DataFrame:
    """Trajectories whose instrument belongs to one of ``meters``."""
    catalogue = data.instruments
    codes = set(catalogue.loc[catalogue["meter"].isin(meters), "instrument"].astype(str))
    traj = data.trajectories
    return traj[traj["instrument"].astype(str).isin(codes)]


def spells_with_trajectory(spells: pd.DataFrame, trajectories: pd.DataFrame) -> np.ndarray:
    """Mask of spells in which a trajectory started (on or after its start, on or before its
    end or, when running, at any time)."""
    if not len(trajectories) or not len(spells):
        return np.zeros(len(spells), dtype=bool)
    sp = pd.DataFrame(
        {
            "row": np.arange(len(spells)),
            "client_id": spells["client_id"].to_numpy(dtype=object),
            "s": spells["start_date"].to_numpy(),
            "e": spells["end_date"].to_numpy(),
        }
    )
    tr = pd.DataFrame(
        {
            "client_id": trajectories["client_id"].to_numpy(dtype=object),
            "t": trajectories["start_date"].to_numpy(),
        }
    )
    pairs = sp.merge(tr, on="client_id")
    inside = (pairs["t"] >= pairs["s"]) & (pairs["e"].isna() | (pairs["t"] <= pairs["e"]))
    hit = np.zeros(len(spells), dtype=bool)
    hit[pairs.loc[inside, "row"].to_numpy(dtype=np.int64)] = True
    return hit


def monthly_indicators(data: DataFolder, months: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per month: every count and amount of the module docstring (column names Dutch)."""
    spells = data.spells[data.spells["start_date"] <= as_of]
    spells = spells.assign(end_date=spells["end_date"].where(spells["end_date"] <= as_of))
    clients = data.clients.set_index("client_id")
    household = clients["household_type"].reindex(spells["client_id"]).to_numpy(dtype=object)
    exempt = exempt_clients(data.clients)
    trajectories = trajectory_rows(data, TRAJECTORY_METERS)
    trajectories = trajectories[trajectories["start_date"] <= as_of]
    trajectories = trajectories.assign(
        end_date=trajectories["end_date"].where(trajectories["end_date"] <= as_of)
    )
    out = pd.DataFrame(index=pd.Index(months, name="maand"))
    days = stand_dates(months, as_of)
    running = [caseload_on(spells, d) for d in days]
    out["bestand"] = [int(r.sum()) for r in running]
    for ht in HOUSEHOLD_TYPES:
        is_ht = household == ht
        out[f"bestand_{ht}"] = [int((r & is_ht).sum()) for r in running]
    # clients as integer codes, so that "has a running trajectory" is an array lookup
    codes, uniques = pd.factorize(
        pd.concat([spells["client_id"], trajectories["client_id"]]).astype(str)
    )
    spell_code, traj_code = codes[: len(spells)], codes[len(spells) :]
    is_exempt = np.isin(uniques.to_numpy(), list(exempt))[spell_code] if exempt else None
    if is_exempt is None:
        is_exempt = np.zeros(len(spells), dtype=bool)
    t_start, t_end = trajectories["start_date"], trajectories["end_date"]
    with_traj, without_traj, exempt_now = [], [], []
    for d, r in zip(days, running, strict=True):
        on = np.zeros(len(uniques), dtype=bool)
        on[traj_code[((t_start <= d) & (t_end.isna() | (t_end >= d))).to_numpy()]] = True
        on_traj = on[spell_code]
        exempt_now.append(int((r & is_exempt).sum()))
        with_traj.append(int((r & ~is_exempt & on_traj).sum()))
        without_traj.append(int((r & ~is_exempt & ~on_traj).sum()))
    out["bestand_met_traject"] = with_traj
    out["bestand_zonder_traject"] = without_traj
    out["bestand_vrijgesteld"] = exempt_now
    out["instroom"] = events_per_month(spells["start_date"], months, as_of).to_numpy()
    out["uitstroom"] = events_per_month(spells["end_date"], months, as_of).to_numpy()
    out["uitstroom_per_100"] = outflow_per_100(out["uitstroom"], spells, months, as_of).to_numpy()
    had = spells_with_trajectory(spells, trajectories)
    ends = spells["end_date"]
    for name, mask in (
        ("uitstroom_met_traject", had & ~is_exempt),
        ("uitstroom_zonder_traject", ~had & ~is_exempt),
        ("uitstroom_vrijgesteld", is_exempt),
    ):
        out[name] = events_per_month(ends[mask], months, as_of).to_numpy()
    out["trajecten_gestart"] = events_per_month(
        trajectories["start_date"], months, as_of
    ).to_numpy()
    visits = trajectory_rows(data, ("handhaving",))
    out["huisbezoeken"] = events_per_month(visits["start_date"], months, as_of).to_numpy()
    out["uitgaven"] = payments_by_month(spells, as_of, months).to_numpy()
    return out


def trajectories_by_instrument(
    data: DataFolder, months: np.ndarray, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Trajectories started per month (rows) and instrument (columns)."""
    traj = trajectory_rows(data, TRAJECTORY_METERS)
    traj = traj[(traj["start_date"] <= as_of)]
    month = month_indices(traj["start_date"])
    table = pd.crosstab(month, traj["instrument"].astype(str).to_numpy())
    return table.reindex(months, fill_value=0).rename_axis(index="maand", columns="instrument")
