"""The plan over combinations on Droomstad (three meters in one world), judged by the truth.

Droomstad's simulator gives every client the instruments of all three meters
(trajectories, Werk Direct at the door, home visits) in one outflow process. The
plan over combinations is made from *estimated* returns (fit, score the mix,
plan) and valued with the *true* returns of the same combinations: the true
model (``data-truth/model``) with each client's true posterior type weights,
scored by the same code (whose single-instrument returns equal the simulator's
own truth table, checked here). Figures are printed for the README.

With unobserved heterogeneity (Droomstad's default: caseworkers select on the
type) the default model's effects are biased and its plan falls short of the
97% asked; the plan is then made with a timing-of-events model
(``heterogeneity="npmle"``, over all instruments) scored through the product's own
path (:func:`rendement.mix.caseload.score_mix_caseload`: each client's posterior
type weights given the history of the current spell). That fit takes minutes at
25,000 clients, so those cases are in ``make battery``, not ``make test``.

The additivity check must flag an interaction that the simulator put in, and
flag nothing in the additive world.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.mix import score_mix
from rendement.mix.additivity import check_additivity
from rendement.mix.caseload import has_mass_points, score_mix_caseload
from rendement.mix.plan import plan_mix
from rendement.mix.separate import compare_with_separate, separate_plans, value_with
from rendement.model.fitting import fit_model
from rendement.model.folder import load_model
from rendement.panel import caseload_state

pytestmark = pytest.mark.slow

CLIENTS = 25_000  # as in test_plan_truth.py (the simulations are cached and shared)
SEED = 11
METERS = ["reintegratie", "werk_direct", "handhaving"]
PLACES_SHARE = 0.08
INTERACTION = -0.5  # jobhunt after Werk Direct: less than the two effects added


def _fit(data, heterogeneity="none"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_model(data, meter="reintegratie", heterogeneity=heterogeneity)[0]


@functools.cache
def droomstad(heterogeneity: bool):
    """The town, its true returns of every combination, the simulator's table and places."""
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=heterogeneity)
    data = read_data_folder(town.data_dir)
    frame = caseload_state(data, data.extraction_date)
    truth_model = load_model(town.truth_dir / "model", verify_signature=False)
    caseload = pd.read_csv(town.truth_dir / "caseload.csv", dtype={"client_id": str})
    caseload = caseload.set_index("client_id").loc[frame["client_id"].astype(str)]
    weights = caseload[[c for c in caseload.columns if c.startswith("posterior_type_")]]
    truth = score_mix(truth_model, frame, METERS, type_weights=weights.to_numpy())
    table = pd.read_csv(town.truth_dir / "returns.csv", dtype={"client_id": str})
    catalogue = data.instruments  # the fitted models carry the same catalogue
    free = int((~truth.clients["running"]).sum())
    yearly = pd.to_numeric(catalogue["capacity"], errors="coerce").fillna(0).to_numpy()
    places = np.floor(yearly / yearly.sum() * PLACES_SHARE * free).astype(int)
    capacity = pd.DataFrame({"instrument": catalogue["instrument"], "places": places})
    return data, truth, table, capacity


@functools.cache
def estimated_mix(heterogeneity: bool, model_kind: str):
    """The returns of every combination as ``rendement mix`` scores them with a model fitted
    on the town (``none``: the default model; ``npmle``: a timing-of-events model)."""
    data, truth, _, _ = droomstad(heterogeneity)
    model = _fit(data, model_kind)
    estimated = score_mix_caseload(data, model, data.extraction_date, METERS)
    assert estimated.clients["client_id"].tolist() == truth.clients["client_id"].tolist()
    return model, estimated


@pytest.mark.parametrize("heterogeneity", [False, True])
def test_the_true_returns_of_single_instruments_are_the_simulator_s(heterogeneity) -> None:
    _, truth, table, _ = droomstad(heterogeneity)
    singles = truth.returns[truth.returns["n_instruments"] == 1]
    both = singles.merge(
        table,
        left_on=["client_id", "instruments"],
        right_on=["client_id", "instrument"],
        suffixes=("", "_sim"),
    )
    assert len(both) == len(table)
    np.testing.assert_allclose(both["net_return_eur"], both["net_return_eur_sim"], atol=1e-3)


TOE = pytest.mark.battery  # a timing-of-events fit at 25,000 clients takes minutes


@pytest.mark.parametrize(
    ("heterogeneity", "model_kind", "budget_share", "least"),
    [
        (False, "none", None, 0.97),
        (False, "none", 0.5, 0.97),
        # the default model under selection on the unobserved type: biased effects, short of
        # the 97% asked (95.5% when measured); kept as a floor, the remedy is the next cases
        (True, "none", None, 0.90),
        pytest.param(True, "npmle", None, 0.97, marks=TOE),
        pytest.param(True, "npmle", 0.5, 0.97, marks=TOE),
    ],
)
def test_the_plan_over_combinations_against_the_truth(
    heterogeneity, model_kind, budget_share, least
) -> None:
    _, truth, _, capacity = droomstad(heterogeneity)
    model, estimated = estimated_mix(heterogeneity, model_kind)
    # with heterogeneity the timing-of-events fit must find the types (else this is the
    # default model again and the case tests nothing new)
    assert has_mass_points(model) == (model_kind == "npmle")
    budget = None
    if budget_share is not None:
        budget = budget_share * float(plan_mix(truth, capacity).totals["expected_cost_eur"])
    plan = plan_mix(estimated, capacity, budget=budget, time_limit=20)
    oracle = plan_mix(truth, capacity, budget=budget, time_limit=20)
    # without a budget both are proven optimal; with one, HiGHS may need more than the
    # time limit for the last euros: then the gap is stated, and it is tiny
    for made in (plan, oracle):
        assert made.optimal or (budget is not None and made.totals["status"] != "optimal")
        assert made.totals["gap_eur"] <= 1e-3 * made.totals["net_return_eur"]
    best_bound = float(oracle.totals["bound_eur"])
    separate = separate_plans(estimated, capacity, budget=budget)
    got = value_with(plan.assignments, truth.returns)
    best = float(oracle.totals["net_return_eur"])
    apart = value_with(separate, truth.returns)
    comparison = compare_with_separate(plan, separate)
    print(
        f"\nheterogeneity={heterogeneity} model={model_kind} budget={budget}: true optimum EUR {best:,.0f}; "
        f"plan over combinations EUR {got:,.0f} ({got / best:.1%}), "
        f"{int(plan.totals['combinations'])} clients with a combination; separate plans EUR "
        f"{apart:,.0f} ({apart / best:.1%}); estimated gain of the mix EUR "
        f"{comparison['mix_adds_eur'].iloc[0]:,.0f}"
    )
    assert got >= least * best_bound  # the share of the true optimum, at worst its bound
    assert got >= apart


@pytest.mark.parametrize("interaction", [0.0, INTERACTION])
def test_the_additivity_check_flags_the_interaction_the_simulator_put_in(interaction) -> None:
    extra = {"interactions": {"jobhunt&werkdirect": interaction}} if interaction else {}
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=False, **extra)
    data = read_data_folder(town.data_dir)
    check = check_additivity(data, _fit(data), METERS)
    table = check.table.set_index("pair")
    print(f"\ninteraction {interaction}:\n{check.table.to_string()}\n{check.verdict()}")
    assert (table["verdict"] != "too_few").sum() >= 8  # the data allow the check
    if interaction:
        assert check.rejected == ["jobhunt&werkdirect"]
        row = table.loc["jobhunt&werkdirect"]
        assert abs(row["estimate"] - interaction) < 3 * row["std_error"]
    else:
        assert check.rejected == []
        assert check.verdict().startswith("additive effects assumed; not rejected")


def test_where_effects_do_not_add_up_the_mix_uses_the_estimated_interaction() -> None:
    from rendement.mix.additivity import model_with_interactions

    true_term = {"jobhunt&werkdirect": INTERACTION}
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=False, interactions=true_term)
    data = read_data_folder(town.data_dir)
    frame = caseload_state(data, data.extraction_date)
    truth_model = load_model(town.truth_dir / "model", verify_signature=False)
    truth = score_mix(truth_model, frame, METERS, interactions=true_term)
    # with the interaction, the scorer gives exactly the simulator's own truth
    table = pd.read_csv(town.truth_dir / "returns.csv", dtype={"client_id": str})
    singles = truth.returns[truth.returns["n_instruments"] == 1].merge(
        table,
        left_on=["client_id", "instruments"],
        right_on=["client_id", "instrument"],
        suffixes=("", "_sim"),
    )
    np.testing.assert_allclose(singles["net_return_eur"], singles["net_return_eur_sim"], atol=1e-3)

    model = _fit(data)
    aware_model, interactions = model_with_interactions(
        model, check_additivity(data, model, METERS)
    )
    assert list(interactions) == ["jobhunt&werkdirect"]
    free = int((~truth.clients["running"]).sum())
    yearly = pd.to_numeric(model.instruments["capacity"], errors="coerce").fillna(0).to_numpy()
    places = np.floor(yearly / yearly.sum() * PLACES_SHARE * free).astype(int)
    capacity = pd.DataFrame({"instrument": model.instruments["instrument"], "places": places})
    best = float(plan_mix(truth, capacity).totals["net_return_eur"])
    additive = plan_mix(score_mix(model, frame, METERS), capacity)
    aware = plan_mix(score_mix(aware_model, frame, METERS, interactions=interactions), capacity)
    got_additive = value_with(additive.assignments, truth.returns)
    got_aware = value_with(aware.assignments, truth.returns)
    print(
        f"\ninteraction {INTERACTION}: true optimum EUR {best:,.0f}; additive model "
        f"EUR {got_additive:,.0f} ({got_additive / best:.1%}); with the estimated interaction "
        f"{interactions['jobhunt&werkdirect']:.3f}: EUR {got_aware:,.0f} ({got_aware / best:.1%})"
    )
    assert got_aware >= 0.97 * best
    assert got_aware > got_additive
