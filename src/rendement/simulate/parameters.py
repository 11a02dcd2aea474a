"""The true model of Droomstad: outflow hazard, heterogeneity and how instruments are given.

The outflow process is exactly the estimation model of :mod:`rendement.model.spec` /
:mod:`rendement.model.hazard_model`: a discrete-time complementary log-log hazard with
baseline pieces, client terms at inflow, lock-in (``in:X``) and after-effects
(``after:X``, with ``after:X*education[laag]``), and no calendar effects. It is
expressed as a :class:`rendement.model.hazard_model.HazardModel` of kind ``"expert"`` so that
the simulator, its ground truth and the scoring code evaluate the same object.

Unobserved heterogeneity is spell-level: a type (mass point) is drawn afresh at
every inflow, so a client's earlier spells carry no information about the type
of the current one. Gender is simulated but has no effect anywhere.

How instruments are given (dynamic selection):

* re-integration trajectories: a monthly cloglog entry hazard (baseline pieces by
  elapsed duration + client terms, the same term names as the outflow model),
  plus ``entry_locations[type]`` when selection is on unobservables; the
  trajectory chosen at entry follows a multinomial logit on observed
  characteristics and elapsed duration only (:data:`CHOICE`);
* Werk Direct: at inflow, to a share of new applicants (logit on observed terms);
* home visits: each month to a small share of the caseload (observed terms only),
  at most once per spell;
* trajectories can end early (*voortijdig beeindigd*) with a fixed monthly chance.

Long: the whole true process of the simulated town in one place, read as one model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec
from rendement.simulate import regimes
from rendement.simulate.catalogue import REINTEGRATION, catalogue, codes
from rendement.simulate.config import SimulationConfig, SimulationConfigError
from rendement.simulate.regimes import TypeLaw, type_law

#: Baseline log-hazard of outflow per duration piece (reference client, type at location 0).
BASELINE: dict[str, float] = {
    "baseline:1": -2.7,
    "baseline:2": -2.15,
    "baseline:3": -2.05,
    "baseline:4-6": -2.1,
    "baseline:7-9": -2.3,
    "baseline:10-12": -2.5,
    "baseline:13-18": -2.75,
    "baseline:19-24": -2.9,
    "baseline:25-36": -3.05,
    "baseline:37-48": -3.2,
    "baseline:49-72": -3.35,
    "baseline:73-96": -3.5,
    "baseline:97-120": -3.6,
    "baseline:121+": -3.7,
}

#: Client terms of the outflow hazard (log hazard ratios against the reference client).
CLIENT_EFFECTS: dict[str, float] = {
    "age_band[18-26]": 0.10,
    "age_band[35-44]": -0.15,
    "age_band[45-54]": -0.40,
    "age_band[55+]": -0.85,
    "household_type[alleenstaande_ouder]": -0.30,
    "household_type[paar]": -0.10,
    "education[laag]": -0.30,
    "education[hoog]": 0.35,
    "education[onbekend]": -0.15,
    "dutch_language[nee]": -0.40,
    "dutch_language[onbekend]": -0.10,
    "work_experience_band[0]": -0.45,
    "work_experience_band[1-2]": -0.15,
    "work_experience_band[10+]": 0.05,
    "work_experience_band[onbekend]": -0.10,
    "health_restriction[ja]": -0.55,
    "health_restriction[onbekend]": -0.10,
}

#: Instrument effects: (lock-in ``in:X``, after-effect ``after:X``, extra after-effect for
#: ``education[laag]``). Home visits have no months inside (their ``in:`` term is 0).
INSTRUMENT_EFFECTS: dict[str, tuple[float, float, float]] = {
    "jobhunt": (-0.10, 0.35, -0.10),
    "werkstage": (-0.45, 0.45, 0.20),
    "loonkostensubsidie": (-0.25, 0.55, 0.00),
    "scholing": (-0.50, 0.08, -0.05),
    "taalparticipatie": (-0.30, 0.35, 0.05),
    "werkdirect": (0.25, 0.10, 0.00),
    "huisbezoek": (0.0, 0.15, 0.00),
}

#: Mass points of the outflow hazard (spell-level types) and their shares at inflow.
OUTFLOW_LOCATIONS: tuple[float, ...] = (1.0, 0.0, -1.4)
TYPE_PROBABILITIES: tuple[float, ...] = (0.30, 0.40, 0.30)
#: Entry-hazard locations of the same types when selection is on unobservables
#: (caseworkers pick clients with better prospects: creaming).
ENTRY_LOCATIONS: tuple[float, ...] = (0.5, 0.0, -0.8)

#: Monthly cloglog hazard of starting a re-integration trajectory (same term names).
ENTRY_EFFECTS: dict[str, float] = {
    "baseline:1": -7.0,
    "baseline:2": -4.6,
    "baseline:3": -4.0,
    "baseline:4-6": -3.5,
    "baseline:7-9": -3.4,
    "baseline:10-12": -3.5,
    "baseline:13-18": -3.6,
    "baseline:19-24": -3.8,
    "baseline:25-36": -4.0,
    "baseline:37-48": -4.2,
    "baseline:49-72": -4.4,
    "baseline:73-96": -4.7,
    "baseline:97-120": -5.0,
    "baseline:121+": -5.2,
    "age_band[18-26]": 0.20,
    "age_band[45-54]": -0.20,
    "age_band[55+]": -0.70,
    "household_type[alleenstaande_ouder]": -0.20,
    "education[hoog]": -0.30,
    "dutch_language[nee]": 0.20,
    "health_restriction[ja]": -0.30,
}

#: Choice of trajectory at entry: multinomial logit scores (instrument x feature).
#: Features are client terms, ``constant`` and ``duration:1-12`` / ``duration:25+``
#: (elapsed months on benefit at entry). Observed characteristics only.
CHOICE: dict[str, dict[str, float]] = {
    "jobhunt": {
        "constant": 0.6,
        "duration:1-12": 0.8,
        "duration:25+": -0.6,
        "education[hoog]": 0.5,
        "dutch_language[nee]": -1.0,
    },
    "werkstage": {"constant": 0.3, "age_band[18-26]": 0.4, "education[laag]": 0.3},
    "loonkostensubsidie": {
        "constant": -1.0,
        "health_restriction[ja]": 0.8,
        "work_experience_band[0]": 0.3,
    },
    "scholing": {"constant": 0.0, "education[laag]": 0.3, "duration:25+": -0.3},
    "taalparticipatie": {
        "constant": -1.2,
        "dutch_language[nee]": 2.2,
        "duration:25+": 0.7,
        "age_band[55+]": 0.5,
    },
}

#: Werk Direct at inflow: logit of the chance that a new applicant starts it in month 1.
WERK_DIRECT: dict[str, float] = {
    "constant": -0.9,
    "age_band[18-26]": 0.4,
    "age_band[55+]": -0.8,
    "health_restriction[ja]": -0.8,
    "household_type[alleenstaande_ouder]": -0.4,
}

#: Home visits: log of the monthly chance of a visit (at most one per spell).
HOME_VISIT: dict[str, float] = {"constant": float(np.log(0.006)), "household_type[paar]": 0.3}

#: Monthly chance that a running re-integration trajectory ends early (from its second month).
DROPOUT = 0.02

#: Monthly chance of a new spell after leaving, by months since the end of the spell
#: (upper bound of the range, chance); none after moving away (*verhuizing*), none after
#: three years (so that the flow of returns settles to a steady level).
RETURN_CHANCE: tuple[tuple[int, float], ...] = ((12, 0.022), (36, 0.006), (10**6, 0.0))

#: Shares of the end reasons among leavers (before the tilts in :mod:`.process`).
END_REASONS: dict[str, float] = {
    "werk": 0.40,
    "opleiding": 0.08,
    "verhuizing": 0.14,
    "overig": 0.38,
}


#: A typical sum of client terms in Droomstad's inflow (used to keep the magnitudes without
#: heterogeneity close to those with it).
TYPICAL_CLIENT_ETA = -0.8


def one_type_baseline(spec: ModelSpec, months: int = 180) -> dict[str, float]:
    """Baseline without heterogeneity that keeps the aggregate outflow pattern.

    The mixture over types of a typical client (client terms
    :data:`TYPICAL_CLIENT_ETA`) has a marginal monthly hazard that falls with
    duration (the slow types remain); this baseline is its complementary log-log,
    averaged within each piece. So ``heterogeneity=False`` gives a caseload with
    about the same magnitudes, with all duration dependence in the baseline.
    """
    k = np.arange(1, months + 1)
    piece = spec.baseline_piece(k)
    base = np.array([BASELINE[t] for t in spec.baseline_terms()])[piece] + TYPICAL_CLIENT_ETA
    log_step = -np.exp(base[None, :] + np.asarray(OUTFLOW_LOCATIONS)[:, None])
    surv = np.asarray(TYPE_PROBABILITIES) @ np.exp(np.cumsum(log_step, axis=1))
    previous = np.concatenate([[1.0], surv[:-1]])
    marginal = 1.0 - surv / previous
    eta = np.log(-np.log1p(-marginal)) - TYPICAL_CLIENT_ETA
    out = {}
    for j, term in enumerate(spec.baseline_terms()):
        out[term] = float(np.round(eta[piece == j].mean(), 4))
    return out


@dataclass(frozen=True)
class TrueProcess:
    """Everything that generates Droomstad's data: the true outflow model and the selection rules."""

    model: HazardModel
    entry_params: pd.Series
    entry_locations: np.ndarray
    choice: pd.DataFrame
    werk_direct: pd.Series
    home_visit: pd.Series
    dropout: float
    return_chance: tuple[tuple[int, float], ...]
    end_reasons: dict[str, float]
    instruments_on: bool
    law: TypeLaw
    reentry_shift: float | None = 0.0  # entry shift after a first trajectory; None: never
    district_outflow: dict[str, float] | None = None
    district_entry: dict[str, float] | None = None
    calendar_shock: bool = False
    choice_on_type: np.ndarray | None = None  # (R,) choice score per unit of -v_outflow
    types_per_client: bool = False
    return_effects: dict[str, float] | None = None  # durability: log HR of returns by instrument
    #: (column of X, column of Y, log-hazard term) in the months after both X and Y
    interactions: tuple[tuple[int, int, float], ...] = ()

    @property
    def heterogeneity(self) -> Heterogeneity:
        het = self.model.heterogeneity
        assert het is not None
        return het

    @property
    def locations(self) -> np.ndarray:
        return np.asarray(self.heterogeneity.locations, dtype=float)

    @property
    def probabilities(self) -> np.ndarray:
        return np.asarray(self.heterogeneity.probabilities, dtype=float)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.model.spec.instruments)

    @property
    def reintegration_codes(self) -> tuple[str, ...]:
        return tuple(self.choice.index)

    def for_meter(self, meter: str) -> HazardModel:
        """The true model with ``meter`` as the meter it scores."""
        return replace(self.model, spec=replace(self.model.spec, meter=meter))


def true_process(config: SimulationConfig) -> TrueProcess:
    """The true model and selection rules for ``config`` (shift, overrides and regime applied).

    Long: the true model is assembled term group by term group, each switch of the regime in its place.
    """
    all_codes = codes()
    spec = ModelSpec(meter=REINTEGRATION, instruments=all_codes)
    baseline = BASELINE if config.heterogeneity else one_type_baseline(spec)
    entry_baseline = {t: ENTRY_EFFECTS[t] for t in spec.baseline_terms()}
    if config.smooth_baseline:
        spec, baseline, entry_baseline = _smooth(spec, baseline, entry_baseline)
    values = dict.fromkeys(spec.terms(), 0.0)
    values.update({k: v + config.baseline_shift for k, v in baseline.items()})
    values.update(CLIENT_EFFECTS)
    modifier = spec.effect_modifiers[0]
    for code, (lock_in, after, after_mod) in INSTRUMENT_EFFECTS.items():
        values[f"in:{code}"] = lock_in
        values[f"after:{code}"] = after
        values[f"after:{code}*{modifier}"] = after_mod
    unknown = [k for k in config.parameter_overrides if k not in values]
    if unknown:
        raise SimulationConfigError(
            f"parameter_overrides names unknown term(s) {unknown}; known terms: {list(values)}"
        )
    values.update(config.parameter_overrides)
    params = pd.Series(values, dtype=float).reindex(spec.terms())

    selection = config.selection_on_type
    if config.heterogeneity:
        law = type_law(
            config.types, selection, (OUTFLOW_LOCATIONS, TYPE_PROBABILITIES, ENTRY_LOCATIONS)
        )
    else:
        law = TypeLaw(np.zeros(1), np.zeros(1), np.ones(1))
    het = Heterogeneity(
        tuple(float(x) for x in law.locations),
        tuple(float(x) for x in law.weights),
        tuple(float(x) for x in law.entry_locations) if selection else (),
        {"same": "all", "rarer": "separate", "never": "first"}[config.reentry],
    )

    entry_terms = spec.baseline_terms() + spec.client_terms()
    entry = pd.Series(dict.fromkeys(entry_terms, 0.0), dtype=float)
    entry.update(pd.Series(entry_baseline, dtype=float))
    entry.update(pd.Series({k: v for k, v in ENTRY_EFFECTS.items() if "[" in k}, dtype=float))
    if config.reentry == "rarer":
        entry["reentry"] = regimes.REENTRY_RARER

    choice = pd.DataFrame.from_dict(CHOICE, orient="index").fillna(0.0)
    if config.entry_timing == "by_instrument":
        shifts = pd.DataFrame.from_dict(
            regimes.TIMING_BY_INSTRUMENT, orient="index", columns=["duration:1-12", "duration:25+"]
        )
        choice = choice.add(
            shifts.reindex(index=choice.index, columns=choice.columns), fill_value=0.0
        )
    choice_on_type = None
    if config.choice_on_type:
        choice_on_type = np.array([regimes.CHOICE_ON_TYPE.get(c, 0.0) for c in choice.index])
    model = HazardModel(
        spec=spec,
        params=params,
        cov=None,
        instruments=catalogue(),
        kind="expert",
        heterogeneity=het,
        entry_params=entry,
        metadata=ModelMetadata(
            {
                "source": "simulation truth (Droomstad)",
                "description": "The true outflow model the simulator drew the data from; "
                "not estimated. Heterogeneity is spell-level (a new type at every inflow).",
                "version": f"waarheid-seed{config.seed}",
                "created": config.as_of_date.isoformat(),
                "selection": config.selection,
            }
        ),
    )
    reentry = {"same": 0.0, "rarer": regimes.REENTRY_RARER, "never": None}[config.reentry]
    return TrueProcess(
        model=model,
        entry_params=entry,
        entry_locations=law.entry_locations,
        choice=choice,
        werk_direct=pd.Series(WERK_DIRECT, dtype=float),
        home_visit=pd.Series(HOME_VISIT, dtype=float),
        dropout=DROPOUT,
        return_chance=RETURN_CHANCE,
        end_reasons=dict(END_REASONS),
        instruments_on=bool(config.instruments),
        law=law,
        reentry_shift=reentry,
        district_outflow=dict(regimes.DISTRICT_OUTFLOW) if config.district_effects else None,
        district_entry=dict(regimes.DISTRICT_ENTRY) if config.district_effects else None,
        calendar_shock=bool(config.calendar_shock),
        choice_on_type=choice_on_type,
        types_per_client=bool(config.types_per_client),
        return_effects=_return_effects(config, model),
        interactions=_interactions(config, list(all_codes)),
    )


def _return_effects(config: SimulationConfig, model: HazardModel) -> dict[str, float] | None:
    """The durability effects of the configuration, checked against the instrument codes."""
    effects = dict(config.return_effects)
    unknown = sorted(set(effects) - set(model.spec.instruments))
    if unknown:
        raise SimulationConfigError(
            f"return_effects names unknown instrument(s) {unknown}; "
            f"known: {list(model.spec.instruments)}"
        )
    return effects or None


def _interactions(config: SimulationConfig, codes: list[str]) -> tuple[tuple[int, int, float], ...]:
    """``config.interactions`` as (column, column, term) of the true model's instruments."""
    out = []
    for name, value in config.interactions.items():
        x, y = name.split("&")
        if x not in codes or y not in codes or x == y:
            raise SimulationConfigError(
                f"interaction {name!r} must name two different instruments of {codes}"
            )
        out.append((codes.index(x), codes.index(y), float(value)))
    return tuple(out)


#: Last month with a baseline piece of its own in the smooth-baseline regime.
SMOOTH_MONTHS = 240


def _smooth(
    spec: ModelSpec, baseline: dict[str, float], entry: dict[str, float]
) -> tuple[ModelSpec, dict[str, float], dict[str, float]]:
    """A specification with one baseline piece per month, levels on a smooth curve through
    the pieces of ``baseline`` and ``entry`` (``smooth_baseline``)."""
    months = np.arange(1, SMOOTH_MONTHS + 2)
    fine = replace(spec, baseline_cuts=tuple(int(m) for m in months))
    out = []
    for values in (baseline, entry):
        levels = np.array([values[t] for t in spec.baseline_terms()])
        curve = regimes.smooth_curve(months, levels, spec.baseline_cuts)
        out.append({t: float(v) for t, v in zip(fine.baseline_terms(), curve, strict=True)})
    return fine, out[0], out[1]
