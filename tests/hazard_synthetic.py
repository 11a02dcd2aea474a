"""Synthetic person-month panels drawn from a known hazard model (tests and benchmarks).

Spells of clients with realistic characteristics flow in over a window of
calendar months and are followed month by month until they leave benefit or
reach the cut-off date. Each month, a client not in an instrument may start
one with a chance that depends on observables and elapsed duration (dynamic
selection on observables); the outflow chance is the cloglog hazard of the
``truth`` :class:`~rendement.model.hazard_model.HazardModel` given the client's terms at
inflow and instrument state. The loop runs over spell months (vectorised
over spells), never over person-months.

The panel carries the columns estimation reads (``spell_idx``, ``month``,
``calendar_month``, ``outflow``, ``in:X``, ``after:X``), in the layout of
:class:`rendement.panel.PersonMonthPanel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, client_design
from rendement.scoring.survival import hazard_from_eta


@dataclass(frozen=True)
class EntryRule:
    """Monthly chance of starting an instrument: logistic in the client's terms at inflow.

    ``log_odds`` maps client terms (``education[laag]``, ...) to log-odds shifts;
    ``per_month`` is added per elapsed spell month (negative: entries get rarer).
    """

    base: float
    log_odds: Mapping[str, float] = field(default_factory=dict)
    per_month: float = 0.0
    from_month: int = 1


@dataclass(frozen=True)
class SyntheticPanel:
    """A person-month panel with the interface of ``rendement.panel.PersonMonthPanel``."""

    months: pd.DataFrame
    spells: pd.DataFrame
    instruments: tuple[str, ...]
    client_codes: np.ndarray
    until: pd.Timestamp


def default_catalogue() -> pd.DataFrame:
    """Five re-integration instruments with data-contract columns."""
    return pd.DataFrame(
        {
            "instrument": ["JOBHUNT", "TRAINING", "WERKERV", "TAAL", "HUISBEZ"],
            "label": [
                "Jobhunting",
                "Vakopleiding",
                "Werkervaringsplaats",
                "Taalcursus",
                "Huisbezoek",
            ],
            "meter": ["reintegratie"] * 4 + ["handhaving"],
            "category": ["1", "2b", "2a", "3", None],
            "price": [1500.0, 4500.0, 6000.0, 3000.0, 250.0],
            "duration_months": [3, 6, 9, 6, 0],
            "waiting_months": [1, 2, 2, 1, 0],
            "success_share": [0.3, 0.0, 0.0, 0.0, 0.0],
            "capacity": pd.array([None] * 5, dtype="Int64"),
        }
    )


def default_truth(codes: tuple[str, ...] | None = None, *, calendar: bool = False) -> HazardModel:
    """A plausible true model for the default catalogue (monthly outflow about 1-8%)."""
    catalogue = default_catalogue()
    if codes is not None:
        catalogue = catalogue[catalogue["instrument"].isin(codes)].reset_index(drop=True)
    codes = tuple(catalogue["instrument"])
    spec = ModelSpec(
        instruments=codes,
        calendar=calendar,
        calendar_years=tuple(range(2016, 2026)) if calendar else (),
    )
    base = np.array(
        [-2.7, -2.6, -2.7, -2.8, -2.95, -3.1, -3.2, -3.35, -3.5, -3.7, -3.9, -4.1, -4.3, -4.5]
    )
    values: dict[str, float] = dict(
        zip(spec.baseline_terms(), base[: len(spec.baseline_terms())], strict=True)
    )
    values.update(
        {
            "age_band[18-26]": 0.10,
            "age_band[35-44]": -0.15,
            "age_band[45-54]": -0.40,
            "age_band[55+]": -0.85,
            "household_type[alleenstaande_ouder]": -0.30,
            "household_type[paar]": -0.10,
            "education[laag]": -0.30,
            "education[hoog]": 0.25,
            "education[onbekend]": -0.10,
            "dutch_language[nee]": -0.35,
            "dutch_language[onbekend]": -0.10,
            "work_experience_band[0]": -0.40,
            "work_experience_band[1-2]": -0.15,
            "work_experience_band[10+]": 0.10,
            "work_experience_band[onbekend]": -0.20,
            "health_restriction[ja]": -0.50,
            "health_restriction[onbekend]": -0.10,
        }
    )
    effects = {
        "JOBHUNT": (-0.25, 0.30, 0.10),
        "TRAINING": (-0.60, 0.20, -0.10),
        "WERKERV": (-0.40, 0.25, 0.15),
        "TAAL": (-0.50, 0.10, 0.00),
        "HUISBEZ": (0.0, 0.20, 0.05),
    }
    for code in codes:
        lock_in, after, after_laag = effects[code]
        if int(catalogue.loc[catalogue["instrument"] == code, "duration_months"].iloc[0]) > 0:
            values[f"in:{code}"] = lock_in
        values[f"after:{code}"] = after
        values[f"after:{code}*education[laag]"] = after_laag
    for i, t in enumerate(spec.calendar_terms(), start=1):
        values[t] = 0.05 * np.sin(i)
    params = pd.Series(values, dtype=np.float64).reindex([t for t in spec.terms() if t in values])
    return HazardModel(spec=spec, params=params, cov=None, instruments=catalogue, kind="expert")


def default_entry_rules(codes: tuple[str, ...]) -> dict[str, EntryRule]:
    """Entry chances with selection on observables (low education, no Dutch, age)."""
    rules = {
        "JOBHUNT": EntryRule(0.020, {"education[hoog]": 0.4, "age_band[55+]": -0.8}, -0.01),
        "TRAINING": EntryRule(
            0.010, {"education[laag]": 0.5, "work_experience_band[0]": 0.3}, -0.005
        ),
        "WERKERV": EntryRule(
            0.008, {"work_experience_band[0]": 0.6, "health_restriction[ja]": -0.5}, 0.0, 3
        ),
        "TAAL": EntryRule(0.006, {"dutch_language[nee]": 1.5, "education[laag]": 0.3}, -0.01),
        "HUISBEZ": EntryRule(0.004, {"household_type[alleenstaand]": 0.0, "age_band[18-26]": 0.4}),
    }
    return {c: rules.get(c, EntryRule(0.01)) for c in codes}


def synthetic_clients(n: int, rng: np.random.Generator, inflow: np.ndarray) -> pd.DataFrame:
    """Clients-table columns for ``n`` spells with inflow dates ``inflow`` (datetime64[D])."""
    age_days = rng.integers(18 * 365 + 5, 66 * 365, size=n)
    birth = inflow - age_days.astype("timedelta64[D]")

    def pick(levels: list[str], p: list[float]) -> np.ndarray:
        return np.asarray(levels, dtype=object)[rng.choice(len(levels), size=n, p=p)]

    def maybe_bool(p_true: float, p_missing: float) -> pd.api.extensions.ExtensionArray:
        values = pd.array(rng.random(n) < p_true, dtype="boolean")
        values[rng.random(n) < p_missing] = pd.NA
        return values

    experience = rng.gamma(1.5, 4.0, size=n)
    experience[rng.random(n) < 0.25] = 0.0
    experience[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "birth_date": birth.astype("datetime64[ns]"),
            "gender": pick(["M", "V", "X"], [0.48, 0.51, 0.01]),
            "household_type": pick(
                ["alleenstaand", "alleenstaande_ouder", "paar"], [0.55, 0.25, 0.20]
            ),
            "education": pick(["laag", "middelbaar", "hoog", "onbekend"], [0.40, 0.35, 0.15, 0.10]),
            "dutch_language": maybe_bool(0.75, 0.08),
            "work_experience_years": experience,
            "health_restriction": maybe_bool(0.25, 0.10),
        }
    )


def synthetic_panel(
    truth: HazardModel,
    *,
    n_spells: int,
    seed: int,
    entry_rules: Mapping[str, EntryRule] | None = None,
    first_inflow: str = "2016-01-01",
    until: str = "2026-01-01",
    last_inflow: str | None = None,
    spells_per_client: float = 1.25,
) -> SyntheticPanel:
    """Draw a person-month panel from ``truth`` (see the module docstring).

    Inflow dates are uniform in ``[first_inflow, last_inflow)`` (``last_inflow``
    defaults to ``until``, the cut-off date of the data).
    """
    rng = np.random.default_rng(seed)
    spec = truth.spec
    codes = tuple(spec.instruments)
    rules = dict(entry_rules) if entry_rules is not None else default_entry_rules(codes)
    cut = pd.Timestamp(until)
    start = np.datetime64(pd.Timestamp(first_inflow).date(), "D")
    end = np.datetime64(pd.Timestamp(last_inflow or until).date(), "D")
    span = int((end - start).astype(np.int64))
    inflow = start + rng.integers(0, span, size=n_spells).astype("timedelta64[D]")

    n_clients = max(1, int(round(n_spells / spells_per_client)))
    client_of_spell = np.concatenate(
        [
            np.arange(min(n_clients, n_spells)),
            rng.integers(0, n_clients, size=max(0, n_spells - n_clients)),
        ]
    )
    spells = synthetic_clients(n_spells, rng, inflow)
    spells.insert(0, "spell_id", [f"S{i:07d}" for i in range(n_spells)])
    spells.insert(1, "client_id", [f"K{c:07d}" for c in client_of_spell])
    spells.insert(2, "inflow_date", inflow.astype("datetime64[ns]"))
    spells.insert(
        3, "monthly_benefit", np.where(spells["household_type"] == "paar", 1956.0, 1369.0)
    )

    observed = _whole_months(inflow, np.datetime64(cut.date(), "D"))
    design = client_design(spec, spells)
    client_eta = design.to_numpy() @ np.array([truth.coef(t) for t in design.columns])
    after_eff = truth.after_effects(design, list(codes)) if codes else np.zeros((n_spells, 0))
    lock_in = np.array([truth.coef(f"in:{c}") for c in codes])
    duration = np.array(
        [int(truth.catalogue_row(c)["duration_months"]) for c in codes], dtype=np.int64
    )
    entry_lo = np.zeros((n_spells, len(codes)))
    for j, c in enumerate(codes):
        rule = rules[c]
        entry_lo[:, j] = np.log(rule.base / (1.0 - rule.base))
        for term, shift in rule.log_odds.items():
            if term in design.columns:
                entry_lo[:, j] += shift * design[term].to_numpy()
    inflow_month = inflow.astype("datetime64[M]")

    k_codes = len(codes)
    entered = np.full((n_spells, k_codes), -1, dtype=np.int64)  # spell month of entry, -1 = never
    alive = observed >= 1
    out_rows: list[dict[str, np.ndarray]] = []
    for k in range(1, int(observed.max(initial=0)) + 1):
        idx = np.flatnonzero(alive & (observed >= k))
        if not len(idx):
            break
        ent = entered[idx]
        in_now = (ent >= 0) & (k <= ent + duration - 1)
        free = ~in_now.any(axis=1)
        for j, c in enumerate(codes):
            rule = rules[c]
            if k < rule.from_month:
                continue
            cand = free & (ent[:, j] < 0)
            p = 1.0 / (1.0 + np.exp(-(entry_lo[idx, j] + rule.per_month * (k - 1))))
            start_now = cand & (rng.random(len(idx)) < p)
            entered[idx[start_now], j] = k
            free &= ~start_now
        ent = entered[idx]
        flag_in = (ent >= 0) & (k >= ent) & (k <= ent + duration - 1)
        flag_after = (ent >= 0) & (k >= ent + duration)
        cal = inflow_month[idx] + np.timedelta64(k - 1, "M")
        eta = truth.baseline_eta(np.full(len(idx), k)) + client_eta[idx]
        eta = eta + flag_in @ lock_in + (flag_after * after_eff[idx]).sum(axis=1)
        eta = eta + truth.calendar_eta(cal.astype("datetime64[Y]").astype(np.int64) + 1970)
        outflow = rng.random(len(idx)) < hazard_from_eta(eta)
        alive[idx[outflow]] = False
        row: dict[str, np.ndarray] = {
            "spell_idx": idx.astype(np.int32),
            "month": np.full(len(idx), k, dtype=np.int16),
            "calendar_month": cal,
            "outflow": outflow.astype(np.int8),
        }
        for j, c in enumerate(codes):
            row[f"in:{c}"] = flag_in[:, j].astype(np.int8)
            row[f"after:{c}"] = flag_after[:, j].astype(np.int8)
        out_rows.append(row)

    cols = ["spell_idx", "month", "calendar_month", "outflow"] + [
        f"{s}:{c}" for c in codes for s in ("in", "after")
    ]
    data = {c: np.concatenate([r[c] for r in out_rows]) if out_rows else np.zeros(0) for c in cols}
    order = np.argsort(data["spell_idx"], kind="stable")
    months = pd.DataFrame({c: data[c][order] for c in cols})
    months["calendar_month"] = months["calendar_month"].astype("datetime64[ns]")
    client_codes = client_of_spell[months["spell_idx"].to_numpy()].astype(np.int32)
    return SyntheticPanel(months, spells, codes, client_codes, cut)


def _whole_months(start: np.ndarray, end: np.datetime64) -> np.ndarray:
    """Whole months from ``start`` (datetime64[D]) to ``end`` (data-contract definition)."""
    s = pd.DatetimeIndex(start)
    e = pd.Timestamp(end)
    months = (e.year - s.year.to_numpy()) * 12 + (e.month - s.month.to_numpy())
    return (months - (e.day < s.day.to_numpy())).astype(np.int64)
