"""Droomstad's client base (*klantenbestand*): who the clients are and when they first apply.

Characteristics are drawn with realistic correlations (older clients more often
with a health restriction, low education more often without the Dutch
language requirement, single parents mostly women). Gender is drawn for the
fairness reports only; nothing in the true model depends on it. Client ids are
pseudonymous (``C000123``), never nine digits like a BSN.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rendement.pension import pension_age_table
from rendement.simulate.calendar import month_index, to_dates

DISTRICTS: tuple[str, ...] = ("Centrum", "Havenkwartier", "Noorderveld", "Zonnehoek", "Zuiderpark")
DISTRICT_SHARES: tuple[float, ...] = (0.16, 0.27, 0.22, 0.15, 0.20)
CASEWORKERS_PER_DISTRICT = 4

HOUSEHOLDS: tuple[str, ...] = ("alleenstaand", "alleenstaande_ouder", "paar")
HOUSEHOLD_SHARES: tuple[float, ...] = (0.55, 0.20, 0.25)
#: Shares of M, V, X by household type.
GENDER_SHARES: dict[str, tuple[float, float, float]] = {
    "alleenstaand": (0.55, 0.44, 0.01),
    "alleenstaande_ouder": (0.11, 0.88, 0.01),
    "paar": (0.50, 0.495, 0.005),
}
EDUCATION: tuple[str, ...] = ("laag", "middelbaar", "hoog", "onbekend")
EDUCATION_SHARES: tuple[float, ...] = (0.45, 0.33, 0.08, 0.14)
#: Age bands at first inflow (lower, upper inclusive, share).
AGE_AT_FIRST_INFLOW: tuple[tuple[int, int, float], ...] = (
    (18, 26, 0.22),
    (27, 34, 0.22),
    (35, 44, 0.22),
    (45, 54, 0.20),
    (55, 66, 0.14),
)
MISSING_SHARE = {"dutch_language": 0.03, "work_experience_years": 0.04, "health_restriction": 0.03}


def first_inflow(
    n: int, first_step: int, as_of: dt.date, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Calendar month and day (1-28) of each client's first inflow, on or before ``as_of``.

    Uniform over the months ``first_step .. month_index(as_of)``; a draw after
    ``as_of`` in the last month is moved to an earlier month.
    """
    last = month_index(as_of)
    step = rng.integers(first_step, last + 1, size=n)
    day = rng.integers(1, 29, size=n)
    late = (step == last) & (day > as_of.day)
    step[late] = rng.integers(first_step, max(last, first_step + 1), size=int(late.sum()))
    return step.astype(np.int64), day.astype(np.int64)


def client_base(
    step: np.ndarray, day: np.ndarray, last_step: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The clients table (data-contract columns) for clients first applying at ``step``/``day``.

    ``last_step`` is the month of the extraction date. Every client first applies
    below the state pension age of that year (:mod:`rendement.pension`).
    """
    n = len(step)
    age_months = _age_at_first_inflow(step, last_step, rng)
    age = age_months // 12
    # Born ``age_months`` months before the first inflow, on a day not after the
    # inflow day: the age at first inflow is exactly ``age`` completed years.
    birth_step = step - age_months
    birth_day = rng.integers(1, day + 1)
    birth = to_dates(birth_step, birth_day)

    household = np.asarray(HOUSEHOLDS, dtype=object)[
        rng.choice(len(HOUSEHOLDS), size=n, p=HOUSEHOLD_SHARES)
    ]
    older_parent = (household == "alleenstaande_ouder") & (age >= 55) & (rng.random(n) < 0.7)
    household[older_parent] = "alleenstaand"
    gender = np.empty(n, dtype=object)
    for h, shares in GENDER_SHARES.items():
        idx = np.flatnonzero(household == h)
        gender[idx] = np.asarray(("M", "V", "X"), dtype=object)[
            rng.choice(3, size=len(idx), p=shares)
        ]
    education = np.asarray(EDUCATION, dtype=object)[
        rng.choice(len(EDUCATION), size=n, p=EDUCATION_SHARES)
    ]
    no_dutch = rng.random(n) < (
        0.15 + 0.15 * (education == "laag") + 0.10 * (education == "onbekend")
    )
    experience = np.where(
        rng.random(n) < np.where(age <= 26, 0.35, 0.22),
        0.0,
        np.round(rng.random(n) ** 1.5 * np.minimum(age - 17, 35), 1),
    )
    health = rng.random(n) < 0.16 + 0.007 * (age - 18)

    district_idx = rng.choice(len(DISTRICTS), size=n, p=DISTRICT_SHARES)
    worker = district_idx * CASEWORKERS_PER_DISTRICT + rng.integers(
        1, CASEWORKERS_PER_DISTRICT + 1, size=n
    )
    width = max(6, len(str(n)))
    numbers = rng.permutation(n) + 1
    frame = pd.DataFrame(
        {
            "client_id": [f"C{i:0{width}d}" for i in numbers],
            "birth_date": birth,
            "gender": gender,
            "household_type": household,
            "education": education,
            "dutch_language": _with_missing(~no_dutch, "dutch_language", rng),
            "work_experience_years": _with_missing_number(experience, rng),
            "health_restriction": _with_missing(health, "health_restriction", rng),
            "district": np.asarray(DISTRICTS, dtype=object)[district_idx],
            "caseworker_id": [f"km{w:02d}" for w in worker],
        }
    )
    return frame


def _age_at_first_inflow(step: np.ndarray, last_step: int, rng: np.random.Generator) -> np.ndarray:
    """Age at first inflow in months, from :data:`AGE_AT_FIRST_INFLOW` (years, uniform
    months within a year), truncated so that every client first applies at least two
    months before the state pension age of that year (:mod:`rendement.pension`); older
    clients reach it while on benefit and leave with end reason ``aow``."""
    n = len(step)
    shares = [b[2] for b in AGE_AT_FIRST_INFLOW]
    lows = np.array([b[0] for b in AGE_AT_FIRST_INFLOW])
    highs = np.array([b[1] for b in AGE_AT_FIRST_INFLOW])
    table = pension_age_table()
    years, where = np.unique(np.asarray(step) // 12, return_inverse=True)
    by_year = np.array([12 * a + m for a, m in (table.age_in(int(y)) for y in years)])
    cap = np.maximum(12 * 18, by_year[where].reshape(np.shape(step)) - 2)
    age = np.full(n, 10**6, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(50):  # draw from the age distribution truncated at the cap
        band = rng.choice(len(shares), size=len(todo), p=shares)
        years = rng.integers(lows[band], highs[band] + 1)
        age[todo] = 12 * years + rng.integers(0, 12, size=len(todo))
        todo = todo[age[todo] > cap[todo]]
        if len(todo) == 0:
            break
    age[todo] = rng.integers(12 * 18, cap[todo] + 1)
    return age


def _with_missing(values: np.ndarray, column: str, rng: np.random.Generator) -> pd.Series:
    out = pd.Series(values, dtype="boolean")
    out[rng.random(len(values)) < MISSING_SHARE[column]] = pd.NA
    return out


def _with_missing_number(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = values.astype(float)
    out[rng.random(len(values)) < MISSING_SHARE["work_experience_years"]] = np.nan
    return out
