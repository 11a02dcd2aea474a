"""Durability indicators: definitions on a hand-made history, intervals against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from rendement.reinflow.durability import durability_table, repeat_inflow, wilson
from rendement.reinflow.panel import ended_spells


def test_wilson_interval_equals_statsmodels() -> None:
    for k, n in ((0, 10), (7, 40), (390, 400)):
        p, lo, hi = wilson(k, n)
        ref = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert p == k / n
        np.testing.assert_allclose((lo, hi), ref, atol=1e-12)


def _spells() -> pd.DataFrame:
    rows = [  # client, start, end, reason
        ("1", "2018-01-01", "2018-06-01", "werk"),  # back after 9 months (within 12)
        ("1", "2019-03-01", "2019-06-01", "werk"),  # never back: durable 12 and 24
        ("2", "2018-01-01", "2018-03-01", "overig"),  # back after 18 months: 12 yes, 24 no
        ("2", "2019-09-01", None, None),
        ("3", "2018-01-01", "2018-04-01", "verhuizing"),  # moved away: not an exit here
        ("4", "2021-01-01", "2021-06-01", "werk"),  # 7 months before extraction: unknown
    ]
    out = pd.DataFrame(rows, columns=["client_id", "start_date", "end_date", "end_reason"])
    out["spell_id"] = [f"s{i}" for i in range(len(out))]
    for c in ("start_date", "end_date"):
        out[c] = pd.to_datetime(out[c])
    return out


def test_durable_outflow_follows_the_definitions() -> None:
    spells = _spells()
    clients = pd.DataFrame({"client_id": ["1", "2", "3", "4"]})
    traj = pd.DataFrame(
        {
            "client_id": ["2"],
            "instrument": ["x"],
            "start_date": pd.to_datetime(["2018-02-01"]),
            "end_date": pd.to_datetime(["2018-03-01"]),
        }
    )
    ended = ended_spells(spells, traj, ("x",), pd.Timestamp("2022-01-01"), clients)
    t = durability_table(ended, ("x",)).set_index("group")
    overall = t.loc["alle uitstroom"]
    assert overall["durable_12_exits"] == 3  # client 4 not yet followed 12 months
    assert overall["durable_12"] == 2 / 3
    assert overall["durable_24"] == 1 / 3
    assert t.loc["x", "durable_12_exits"] == 1 and t.loc["x", "durable_12"] == 1.0
    assert t.loc["x", "durable_24"] == 0.0
    assert np.isclose(overall["back_12"], 1 / 3)


def test_repeat_inflow_is_the_cbs_share_of_inflows() -> None:
    p, lo, hi, n = repeat_inflow(_spells())
    # inflows with 12 months of history: 2019-03-01 (9 months after an end: repeat),
    # 2019-09-01 (18 months: not), 2021-01-01 (first spell: not)
    assert n == 3 and p == 1 / 3 and lo < p < hi
