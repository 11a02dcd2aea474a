"""Hand-built hazard models and caseload frames for the scoring tests.

A :class:`~rendement.model.hazard_model.HazardModel` is specification + parameters +
catalogue, so small cases can be written down exactly: one baseline piece
gives a constant monthly hazard, whose survival has a closed form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.spec import ModelSpec

#: One re-integration instrument as many tests use it (a catalogue row for :func:`catalogue`).
JOBHUNT = {
    "instrument": "jobhunt",
    "label": "Sollicitatietraining",
    "category": "1",
    "price": 1500.0,
    "duration_months": 3,
    "waiting_months": 1,
}


def catalogue(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Instrument catalogue; defaults: meter reintegratie, no success share."""
    base = {
        "label": "x",
        "meter": "reintegratie",
        "category": None,
        "price": 0.0,
        "duration_months": 0,
        "waiting_months": 0,
        "success_share": 0.0,
        "capacity": 10,
    }
    columns = ["instrument", *base]
    return pd.DataFrame([{**base, "label": r["instrument"], **r} for r in rows], columns=columns)


def constant_model(
    baseline: float,
    instruments: Sequence[dict[str, Any]] = (),
    effects: dict[str, float] | None = None,
    *,
    cov_scale: float | None = None,
    heterogeneity: Heterogeneity | None = None,
    kind: str = "estimated",
) -> HazardModel:
    """No client terms, one baseline piece (constant hazard), instrument effects as given.

    ``effects`` maps terms (``in:X``, ``after:X``) to values; ``cov_scale`` gives a
    diagonal covariance ``cov_scale**2`` on every term.
    """
    codes = tuple(r["instrument"] for r in instruments)
    spec = ModelSpec(baseline_cuts=(1,), features=(), effect_modifiers=(), instruments=codes)
    values = {"baseline:1+": baseline, **(effects or {})}
    params = pd.Series(values, dtype=float)
    cov = None
    if cov_scale is not None:
        cov = pd.DataFrame(
            np.eye(len(params)) * cov_scale**2, index=params.index, columns=params.index
        )
    return HazardModel(
        spec,
        params,
        cov,
        catalogue(instruments),
        kind=kind,  # type: ignore[arg-type]
        heterogeneity=heterogeneity,
        metadata={"version": "test-1"},
    )


def caseload(
    n: int,
    *,
    months: Sequence[int] | int = 12,
    benefit: Sequence[float] | float = 1300.0,
    codes: Sequence[str] = (),
    ids: Sequence[str] | None = None,
    **columns: Any,
) -> pd.DataFrame:
    """A caseload frame in the layout of ``rendement.panel.caseload_state`` (no instrument yet)."""
    frame = pd.DataFrame(
        {
            "client_id": list(ids) if ids is not None else [f"K{i:04d}" for i in range(n)],
            "spell_id": [f"S{i:04d}" for i in range(n)],
            "inflow_date": pd.Timestamp("2024-01-01"),
            "months_on_benefit": np.broadcast_to(np.asarray(months, dtype=np.int64), (n,)),
            "monthly_benefit": np.broadcast_to(np.asarray(benefit, dtype=float), (n,)),
            "birth_date": pd.Timestamp("1985-05-05"),
            "gender": "V",
            "household_type": "alleenstaand",
            "education": "middelbaar",
            "dutch_language": pd.array([True] * n, dtype="boolean"),
            "work_experience_years": 5.0,
            "health_restriction": pd.array([False] * n, dtype="boolean"),
            "district": "Noord",
            "caseworker_id": "KM1",
            "current_instrument": "",
            "remaining_in_months": 0,
        }
    )
    for c in codes:
        frame[f"in:{c}"] = np.int8(0)
        frame[f"after:{c}"] = np.int8(0)
    for name, value in columns.items():
        frame[name] = value
    return frame


def cloglog(eta: float) -> float:
    return float(1.0 - np.exp(-np.exp(eta)))


def remaining_by_hand(hazards: Sequence[float], horizon: int) -> float:
    """E[min(T - d, H) | T > d] = sum over t < H of P(still on benefit at the start of month t)."""
    total, alive = 0.0, 1.0
    for t in range(horizon):
        total += alive
        alive *= 1.0 - hazards[t]
    return total


def survival_by_hand(hazards: Sequence[float]) -> list[float]:
    out, alive = [], 1.0
    for h in hazards:
        alive *= 1.0 - h
        out.append(alive)
    return out


TOWN_INSTRUMENTS = [
    {"instrument": "A", "price": 2500.0, "duration_months": 4, "waiting_months": 1},
    {"instrument": "B", "price": 6000.0, "duration_months": 9, "waiting_months": 2},
    {
        "instrument": "HB",
        "meter": "handhaving",
        "price": 150.0,
        "duration_months": 0,
        "waiting_months": 0,
    },
]
TOWN_EFFECTS = {
    "in:A": -0.3,
    "after:A": 0.5,
    "in:B": -0.7,
    "after:B": 0.4,
    "in:HB": 0.0,
    "after:HB": 0.2,
}


def write_town(folder: Any, n: int = 40, seed: int = 0) -> Any:
    """A small valid data folder (CSV): one spell per client, some trajectories running.

    Spells start 2019-2025; extraction date 2025-12-31; about half still running.
    """
    from pathlib import Path

    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"C{i:03d}" for i in range(n)]
    start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 2300, n), unit="D")
    length = rng.integers(20, 1500, n)
    end = start + pd.to_timedelta(length, unit="D")
    ended = end <= pd.Timestamp("2025-12-31")
    pd.DataFrame(
        {
            "client_id": ids,
            "birth_date": "1980-02-03",
            "gender": rng.choice(["M", "V"], n),
            "household_type": rng.choice(["alleenstaand", "paar"], n),
            "education": rng.choice(["laag", "middelbaar"], n),
            "district": rng.choice(["Noord", "Zuid"], n),
            "caseworker_id": "KM1",
        }
    ).to_csv(folder / "clients.csv", index=False)
    pd.DataFrame(
        {
            "spell_id": [f"S{i:03d}" for i in range(n)],
            "client_id": ids,
            "start_date": start.strftime("%Y-%m-%d"),
            "end_date": np.where(ended, end.strftime("%Y-%m-%d"), ""),
            "end_reason": np.where(ended, "werk", ""),
            "monthly_benefit": rng.choice([1369.0, 1956.0], n),
        }
    ).to_csv(folder / "spells.csv", index=False)
    rows = []
    for i in range(n):
        if rng.random() < 0.6:
            code = str(rng.choice(["A", "B", "HB"]))
            t_start = start[i] + pd.Timedelta(days=int(rng.integers(0, max(1, length[i] // 2))))
            dur = int(rng.integers(0, 400))
            t_end = t_start + pd.Timedelta(days=dur)
            limit = end[i] if ended[i] else pd.Timestamp("2025-12-31")
            open_end = rng.random() < 0.3 and not ended[i]
            rows.append(
                {
                    "trajectory_id": f"T{i:03d}",
                    "client_id": ids[i],
                    "instrument": code,
                    "start_date": min(t_start, limit).strftime("%Y-%m-%d"),
                    "end_date": "" if open_end else min(t_end, limit).strftime("%Y-%m-%d"),
                }
            )
    pd.DataFrame(
        rows, columns=["trajectory_id", "client_id", "instrument", "start_date", "end_date"]
    ).to_csv(folder / "trajectories.csv", index=False)
    cat = catalogue(TOWN_INSTRUMENTS)
    cat["category"] = ""
    cat["capacity"] = 10
    cat.to_csv(folder / "instruments.csv", index=False)
    return folder


def town_model(**kw: Any) -> HazardModel:
    return constant_model(-2.3, TOWN_INSTRUMENTS, TOWN_EFFECTS, **kw)
