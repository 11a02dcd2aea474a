"""Months on benefit counting returns against what happened next in Droomstad.

The model (outflow and re-inflow) is fitted on the data known five years before the
extraction date and scores the caseload of that date; the simulated history of the
next 60 months is the truth the prediction must meet, on average over the caseload:

* months on benefit in the current spell (``expected_remaining_months``), and
* the months that returns add (``expected_benefit_months - expected_remaining_months``),
  the part this model is about: the outflow model's own error is separated from it.

and the total, months on benefit counting returns (``expected_benefit_months``).
Tolerances are the issue's (1 month) plus three standard errors of the observed mean.
6,000 clients in the normal suite; 25,000 in ``make battery``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.panel import caseload_state
from rendement.scoring.caseload import score_clients
from rendement.timeutil import months_between_arrays

H = 60


def observed_months(spells: pd.DataFrame, as_of: pd.Timestamp, ids: np.ndarray) -> pd.DataFrame:
    """Per client on benefit at ``as_of``: months on benefit in the next H months, in the
    current spell and in all spells (whole months, as the contract counts them)."""
    end_window = as_of + pd.DateOffset(months=H)
    sp = spells[spells["client_id"].isin(ids)].copy()
    end = sp["end_date"].fillna(pd.Timestamp("2200-01-01")).clip(upper=end_window)
    start = sp["start_date"].clip(lower=as_of)
    months = months_between_arrays(pd.DatetimeIndex(start), pd.DatetimeIndex(end))
    inside = (sp["start_date"] < end_window) & (sp["end_date"].isna() | (sp["end_date"] > as_of))
    sp["months"] = np.where(inside, np.maximum(months, 0), 0)
    current = sp["start_date"] <= as_of
    total = sp.groupby("client_id")["months"].sum()
    spell = sp[current].groupby("client_id")["months"].sum()
    return pd.DataFrame({"spell": spell, "total": total}).reindex(ids)


@pytest.mark.parametrize("clients", [6000, pytest.param(25_000, marks=pytest.mark.battery)])
def test_months_added_by_returns_match_what_happened(clients: int) -> None:
    town = get_simulation(clients=clients, seed=31)
    data = read_data_folder(town.data_dir)  # type: ignore[attr-defined]
    as_of = pd.Timestamp(data.extraction_date).normalize() - pd.DateOffset(months=H)
    as_of = pd.Timestamp(as_of.year, as_of.month, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_model(data, until=as_of).model
    assert model.reinflow is not None
    frame = caseload_state(data, as_of).reset_index(drop=True)
    score = score_clients(model, frame, interval=None)
    r = score.ranking.set_index("client_id")
    seen = observed_months(data.spells, as_of, r.index.to_numpy())
    predicted_extra = (r["expected_benefit_months"] - r["expected_remaining_months"]).mean()
    observed_extra = (seen["total"] - seen["spell"]).mean()
    se = (seen["total"] - seen["spell"]).std() / np.sqrt(len(seen))
    print(
        f"caseload {len(r):,} at {as_of.date()}: months added by returns predicted "
        f"{predicted_extra:.2f}, observed {observed_extra:.2f} (se {se:.2f}); spell "
        f"{r['expected_remaining_months'].mean():.2f} vs {seen['spell'].mean():.2f}; total "
        f"{r['expected_benefit_months'].mean():.2f} vs {seen['total'].mean():.2f}"
    )
    assert observed_extra > 0.5  # returns matter in Droomstad
    assert abs(predicted_extra - observed_extra) < 1.0 + 3 * se
    se_total = seen["total"].std() / np.sqrt(len(seen))
    gap = r["expected_benefit_months"].mean() - seen["total"].mean()
    assert abs(gap) < 1.0 + 3 * se_total
