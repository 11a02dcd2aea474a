"""Droomstad, the simulated municipality: reproducibility, the data contract, the true model.

The statistical checks of the ground truth (forward simulation, Kaplan-Meier,
posterior calibration, magnitudes) are in ``test_simulate_truth.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rendement.cli.main import main
from rendement.contract import read_data_folder
from rendement.contract.schema import TABLES
from rendement.model.folder import load_model
from rendement.panel import build_panel, caseload_state
from rendement.pension import months_to_pension, pension_dates
from rendement.scoring.survival import (
    outflow_probability,
    restricted_mean_residual,
    survival_from_eta,
)
from rendement.simulate import Simulation, SimulationConfig, SimulationConfigError, simulate
from rendement.simulate.terms import BandTerms
from rendement.simulate.truth import posterior_weights
from rendement.timeutil import months_between_arrays

SMALL = {"clients": 1500, "seed": 11, "as_of": "2026-01-01"}


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(SimulationConfig(**SMALL))


@pytest.fixture(scope="module")
def folders(sim: Simulation, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("droomstad")
    sim.write(root / "data", root / "data-truth")
    return root / "data", root / "data-truth"


# ---- reproducibility ---------------------------------------------------------------


def _tables(s: Simulation) -> dict[str, pd.DataFrame]:
    return {
        "clients": s.clients,
        "spells": s.spells,
        "trajectories": s.trajectories,
        "instruments": s.instruments,
        "truth_caseload": s.truth_caseload,
        "truth_returns": s.truth_returns,
    }


def test_same_seed_gives_identical_tables(sim: Simulation) -> None:
    again = simulate(SimulationConfig(**SMALL))
    for name, frame in _tables(sim).items():
        pd.testing.assert_frame_equal(frame, _tables(again)[name], obj=name)


def test_different_seed_gives_different_tables(sim: Simulation) -> None:
    other = simulate(SimulationConfig(**{**SMALL, "seed": 12}))
    assert not sim.spells["start_date"].equals(other.spells["start_date"])
    assert not sim.clients["birth_date"].equals(other.clients["birth_date"])


def test_written_files_are_identical_for_the_same_seed(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    simulate(SimulationConfig(**SMALL)).write(tmp_path / "d", tmp_path / "t")
    for name in ("clients", "spells", "trajectories", "instruments"):
        assert (tmp_path / "d" / f"{name}.csv").read_bytes() == (
            folders[0] / f"{name}.csv"
        ).read_bytes()
    for name in ("caseload.csv", "returns.csv", "parameters.json"):
        assert (tmp_path / "t" / name).read_bytes() == (folders[1] / name).read_bytes()


# ---- configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"selection": "sometimes"},
        {"as_of": "1 januari"},
        {"clients": 0},
        {"years": 0},
        {"parameter_overrides": {"after:nonsense": 0.1}},
    ],
)
def test_unusable_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(SimulationConfigError):
        simulate(SimulationConfig(**{**SMALL, **bad}))  # type: ignore[arg-type]


def test_config_is_hashable_and_keeps_overrides() -> None:
    a = SimulationConfig(parameter_overrides={"after:werkstage": 0.2})
    b = SimulationConfig(parameter_overrides={"after:werkstage": 0.2})
    assert hash(a) == hash(b) and a == b
    assert a.to_dict()["parameter_overrides"] == {"after:werkstage": 0.2}


# ---- the data contract ---------------------------------------------------------------


def test_data_folder_passes_the_contract(sim: Simulation, folders: tuple[Path, Path]) -> None:
    data = read_data_folder(folders[0])  # raises DataValidationError listing any violation
    assert len(data.clients) == SMALL["clients"]
    assert len(data.spells) == len(sim.spells)
    assert len(data.trajectories) == len(sim.trajectories)
    for name, table in TABLES.items():
        header = (folders[0] / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [c.name for c in table.columns]


def test_client_ids_are_pseudonymous(sim: Simulation) -> None:
    ids = sim.clients["client_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"C\d{6}").all()
    assert not ids.str.fullmatch(r"\d{9}").any()


def test_dates_make_the_month_arithmetic_exact(sim: Simulation) -> None:
    sp = sim.spells
    assert (sp["start_date"].dt.day <= 28).all()
    ended = sp[sp["end_date"].notna()]
    outflow = ended[ended["end_reason"] != "aow"]
    assert (outflow["end_date"].dt.day == outflow["start_date"].dt.day).all()
    assert (months_between_arrays(ended["start_date"], ended["end_date"]) >= 1).all()
    # a pension exit ends on the client's pension date (AOW)
    pension = ended[ended["end_reason"] == "aow"].merge(sim.clients, on="client_id")
    end, due = pd.DatetimeIndex(pension["end_date"]), pension_dates(pension["birth_date"])
    # the last whole spell month before the pension date
    assert ((end <= due) & (end > due - pd.DateOffset(months=1))).all()
    tr = sim.trajectories.merge(
        sp[["client_id", "start_date"]], on="client_id", suffixes=("", "_s")
    )
    same_day = tr["start_date"].dt.day == tr["start_date_s"].dt.day
    assert same_day.groupby(tr["trajectory_id"]).any().all()
    assert (sp["start_date"] <= sim.as_of).all()
    assert (sp["end_date"].dropna() <= sim.as_of).all()
    assert (sim.trajectories["end_date"].dropna() <= sim.as_of).all()


def test_spells_of_a_client_do_not_overlap(sim: Simulation) -> None:
    sp = sim.spells.sort_values(["client_id", "start_date"])
    prev_end = sp.groupby("client_id")["end_date"].shift()
    later = sp[prev_end.notna() | sp.duplicated("client_id")]
    assert (later["start_date"] > prev_end[later.index]).all()
    assert sp.groupby("client_id")["end_date"].apply(lambda e: e.isna().sum() <= 1).all()


def test_only_running_trajectories_lack_an_end_date(sim: Simulation) -> None:
    tr = sim.trajectories
    running = tr[tr["end_date"].isna()]
    assert running["result"].isna().all()
    on_benefit = set(sim.truth_caseload["client_id"])
    assert set(running["client_id"]) <= on_benefit
    visits = tr[tr["instrument"] == "huisbezoek"]
    assert (visits["start_date"] == visits["end_date"]).all()


# ---- the true model ------------------------------------------------------------------


def test_truth_model_has_the_estimation_form(sim: Simulation) -> None:
    model = sim.truth_model
    assert list(model.params.index) == model.spec.terms()
    assert set(model.spec.instruments) == set(sim.instruments["instrument"])
    assert model.kind == "expert"
    assert "simulation truth" in model.metadata["source"]
    assert not model.spec.calendar
    assert not any("gender" in t for t in model.params.index)
    het = model.heterogeneity
    assert het is not None and len(het.locations) == 3
    assert np.isclose(sum(het.probabilities), 1.0)
    # realistic signs
    for term in (
        "age_band[55+]",
        "education[laag]",
        "dutch_language[nee]",
        "health_restriction[ja]",
        "work_experience_band[0]",
    ):
        assert model.coef(term) < 0, term
    for code in sim.process.reintegration_codes:
        assert model.coef(f"in:{code}") < 0 < model.coef(f"after:{code}")
    assert any(model.coef(f"after:{c}*education[laag]") != 0 for c in model.spec.instruments)


def test_client_terms_per_age_band_equal_the_model_at_each_inflow(sim: Simulation) -> None:
    """The simulator evaluates client terms once per age band; check against every spell."""
    frame = sim.spells.merge(sim.clients, on="client_id").rename(
        columns={"start_date": "inflow_date"}
    )
    bands = BandTerms(sim.process, sim.clients)
    who = pd.Index(sim.clients["client_id"]).get_indexer(frame["client_id"])
    start = pd.DatetimeIndex(frame["inflow_date"])
    month = start.year.to_numpy() * 12 + start.month.to_numpy() - 1
    terms = bands.at_inflow(who, month, start.day.to_numpy())
    model = sim.truth_model
    np.testing.assert_allclose(terms.client_eta, model.client_eta(frame), atol=1e-12)
    codes = list(model.spec.instruments)
    design = model.client_design(frame)
    np.testing.assert_allclose(terms.after_effects, model.after_effects(design, codes))


def test_shift_and_overrides_change_the_truth() -> None:
    base = simulate(SimulationConfig(clients=50, seed=1)).truth_model
    shifted = simulate(
        SimulationConfig(
            clients=50, seed=1, baseline_shift=0.25, parameter_overrides={"after:scholing": 0.4}
        )
    ).truth_model
    for term in base.spec.baseline_terms():
        assert shifted.coef(term) == pytest.approx(base.coef(term) + 0.25)
    assert shifted.coef("after:scholing") == 0.4
    assert shifted.coef("education[laag]") == base.coef("education[laag]")


def test_no_heterogeneity_means_one_type() -> None:
    s = simulate(SimulationConfig(clients=300, seed=2, heterogeneity=False))
    het = s.truth_model.heterogeneity
    assert het is not None and het.locations == (0.0,) and het.probabilities == (1.0,)
    assert (s.truth_caseload["posterior_type_0"] == 1.0).all()


def test_gender_follows_household_type(sim: Simulation) -> None:
    parents = sim.clients[sim.clients["household_type"] == "alleenstaande_ouder"]
    assert (parents["gender"] == "V").mean() > 0.75
    assert set(sim.clients["gender"]) <= {"M", "V", "X"}


# ---- the truth folder and the CLI ----------------------------------------------------


def test_truth_folder(sim: Simulation, folders: tuple[Path, Path]) -> None:
    truth = folders[1]
    doc = json.loads((truth / "parameters.json").read_text(encoding="utf-8"))
    assert doc["model"]["params"] == {k: float(v) for k, v in sim.truth_model.params.items()}
    assert doc["config"]["as_of"] == "2026-01-01"
    het = sim.truth_model.heterogeneity
    assert het is not None and doc["heterogeneity"] == het.to_dict()
    assert set(doc["entry"]["choice"]) == set(sim.process.reintegration_codes)
    model = load_model(truth / "model")
    pd.testing.assert_series_equal(model.params, sim.truth_model.params, check_names=False)
    caseload = pd.read_csv(truth / "caseload.csv", keep_default_na=False)
    for col in (
        "client_id",
        "months_on_benefit",
        "true_type",
        "expected_remaining_months",
        "p_outflow_6m",
        "p_outflow_18m",
        "outflow_group",
        "current_instrument",
        "monthly_benefit",
    ):
        assert col in caseload.columns
    returns = pd.read_csv(truth / "returns.csv")
    no_instrument = caseload.loc[caseload["current_instrument"] == "", "client_id"]
    assert len(returns) == len(no_instrument) * len(sim.instruments)
    assert set(returns["client_id"]) == set(no_instrument)


def test_cli_writes_data_and_truth_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo" / "data"
    code = main(
        ["simulate", "--clients", "200", "--seed", "3", "--as-of", "2025-07-01", "--out", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "caseload at the extraction date" in text and str(out) in text
    assert re.search(r"\d+% on benefit 2 years or more", text)
    assert (out / "spells.csv").exists()
    assert (tmp_path / "demo" / "data-truth" / "caseload.csv").exists()
    read_data_folder(out)


def test_cli_options_reach_the_simulation(tmp_path: Path) -> None:
    code = main(
        [
            "simulate",
            "--clients",
            "100",
            "--out",
            str(tmp_path / "d"),
            "--truth-out",
            str(tmp_path / "t"),
            "--no-heterogeneity",
            "--selection",
            "unobserved",
        ]
    )
    assert code == 0
    doc = json.loads((tmp_path / "t" / "parameters.json").read_text(encoding="utf-8"))
    assert doc["config"]["heterogeneity"] is False
    assert doc["config"]["selection"] == "unobserved"


# ---- the truth agrees with the data as the rest of rendement reads it ------------------


@pytest.fixture(scope="module")
def mid_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Simulation, Path]:
    """An extraction date in the middle of a month, with selection on unobservables."""
    s = simulate(SimulationConfig(clients=800, seed=13, as_of="2025-06-15", selection="unobserved"))
    root = tmp_path_factory.mktemp("mid")
    s.write(root / "data", root / "truth")
    return s, root / "data"


@pytest.mark.parametrize("which", ["first_of_month", "mid_month"])
def test_caseload_state_matches_the_panel(
    which: str,
    sim: Simulation,
    folders: tuple[Path, Path],
    mid_month: tuple[Simulation, Path],
) -> None:
    """The state the truth starts from is the state the panel reads from the written data."""
    if which == "mid_month":
        sim, data_dir = mid_month
        assert (sim.spells["end_date"].dropna() <= sim.as_of).all()
    else:
        data_dir = folders[0]
    data = read_data_folder(data_dir)
    cs = caseload_state(data, sim.as_of)
    truth, state = sim.truth_caseload, sim.caseload_state
    assert cs["client_id"].tolist() == truth["client_id"].tolist()
    assert cs["months_on_benefit"].tolist() == truth["months_on_benefit"].tolist()
    assert cs["current_instrument"].tolist() == truth["current_instrument"].tolist()
    for j, code in enumerate(sim.process.codes):
        assert (cs[f"after:{code}"].to_numpy(dtype=bool) == state.after[:, j]).all(), code
        assert (cs[f"in:{code}"].to_numpy(dtype=bool) == (state.running == j)).all(), code
    left = np.where(state.running >= 0, state.planned_end - state.months, 0)
    assert (cs["remaining_in_months"].to_numpy() == left).all()


def _panel_loglik(sim: Simulation, data_dir: Path) -> pd.DataFrame:
    """Per running spell and type: log-likelihood of its months on benefit, from the panel."""
    model = sim.truth_model
    data = read_data_folder(data_dir)
    panel = build_panel(data, until=sim.as_of.date())
    months, spells = panel.months, panel.spells
    design = model.client_design(spells)
    codes = list(model.spec.instruments)
    lock = model.lock_in_effects(design, codes)
    after = model.after_effects(design, codes)
    idx = months["spell_idx"].to_numpy()
    eta = model.baseline_eta(months["month"].to_numpy()) + model.client_eta(spells)[idx]
    for j, code in enumerate(codes):
        eta += months[f"in:{code}"].to_numpy() * lock[idx, j]
        eta += months[f"after:{code}"].to_numpy() * after[idx, j]
    assert model.heterogeneity is not None
    out = {}
    for k, v in enumerate(model.heterogeneity.locations):
        log_stay = -np.exp(eta + v)
        out[k] = np.bincount(idx, weights=log_stay, minlength=len(spells))
    frame = pd.DataFrame(out)
    frame["spell_id"] = spells["spell_id"].to_numpy()
    frame["censored"] = spells["censored"].to_numpy()
    return frame[frame["censored"]].set_index("spell_id")


def test_posterior_types_follow_from_the_data(sim: Simulation, folders: tuple[Path, Path]) -> None:
    """With selection on observables the posterior uses only the months on benefit in the data."""
    ll = _panel_loglik(sim, folders[0]).loc[sim.truth_caseload["spell_id"]]
    weights = posterior_weights(sim.process, ll[[0, 1, 2]].to_numpy())
    truth = sim.truth_caseload[["posterior_type_0", "posterior_type_1", "posterior_type_2"]]
    np.testing.assert_allclose(truth.to_numpy(), weights, rtol=1e-9, atol=1e-12)
    # ... and the history matters: long spells point to the slow type.
    long = sim.truth_caseload["months_on_benefit"] >= 60
    prior_slow = float(sim.process.probabilities[2])
    assert truth.loc[long, "posterior_type_2"].mean() > max(0.5, prior_slow)


def test_one_type_truth_from_the_data(tmp_path: Path) -> None:
    """Without heterogeneity the truth is the model's survival path for the state in the data."""
    s = simulate(SimulationConfig(clients=1200, seed=5, heterogeneity=False))
    s.write(tmp_path / "d", tmp_path / "t")
    model = s.truth_model
    cs = caseload_state(read_data_folder(tmp_path / "d"), s.as_of)
    design = model.client_design(cs)
    codes = list(model.spec.instruments)
    lock, after = model.lock_in_effects(design, codes), model.after_effects(design, codes)
    flags_after = cs[[f"after:{c}" for c in codes]].to_numpy(dtype=float)
    d = cs["months_on_benefit"].to_numpy()
    horizon = model.spec.horizon
    t = np.arange(horizon)[None, :]
    eta = model.baseline_eta(d[:, None] + 1 + t) + model.client_eta(cs)[:, None]
    eta += (flags_after * after).sum(axis=1)[:, None]
    current = cs["current_instrument"].to_numpy(dtype=object)
    left = cs["remaining_in_months"].to_numpy()[:, None]
    for j, code in enumerate(codes):
        mine = (current == code)[:, None]
        eta += mine * (t < left) * lock[:, [j]]
        eta += mine * (t >= left) * (1 - flags_after[:, [j]]) * after[:, [j]]
    surv = survival_from_eta(eta)
    truth = s.truth_caseload
    # every path stops at the pension date: a whole months left (AOW), by hand
    a = months_to_pension(cs["birth_date"], cs["inflow_date"], d)
    assert (truth["months_to_pension"].to_numpy() == a).all() and (a < horizon).any()

    def remaining(sv: np.ndarray, a: np.ndarray) -> np.ndarray:
        h = np.minimum(horizon, a)
        paid = np.arange(horizon)[None, :] < (h[:, None] - 1)
        return np.where(h > 0, 1.0 + (sv[:, :horizon] * paid).sum(axis=1), 0.0)

    def within(sv: np.ndarray, a: np.ndarray, m: int) -> np.ndarray:
        last = np.minimum(m, a) - 1
        return np.where(last >= 0, 1.0 - sv[np.arange(len(sv)), np.maximum(last, 0)], 0.0)

    np.testing.assert_allclose(truth["expected_remaining_months"], remaining(surv, a))
    np.testing.assert_allclose(truth["p_outflow_6m"], within(surv, a, 6))
    np.testing.assert_allclose(truth["p_outflow_18m"], within(surv, a, 18))
    uncapped = a >= horizon
    np.testing.assert_allclose(
        truth["expected_remaining_months"][uncapped], restricted_mean_residual(surv)[uncapped]
    )
    np.testing.assert_allclose(
        truth["p_outflow_6m"][uncapped], outflow_probability(surv, 6)[uncapped]
    )

    # With an instrument: waiting, lock-in, after; for the clients without a running one.
    row = s.instruments.set_index("instrument").loc["werkstage"]
    w, dur, share = int(row["waiting_months"]), int(row["duration_months"]), row["success_share"]
    j = codes.index("werkstage")
    free = current == ""
    eta_w = eta[free].copy()
    inside = (t >= w) & (t < w + dur)
    eta_w += (
        inside * lock[free][:, [j]]
        + (t >= w + dur) * (1 - flags_after[free][:, [j]]) * after[free][:, [j]]
    )
    surv_w = survival_from_eta(eta_w)
    ret = s.truth_returns[s.truth_returns["instrument"] == "werkstage"]
    assert ret["client_id"].tolist() == cs.loc[free, "client_id"].tolist()
    with_months = remaining(surv_w, a[free])
    np.testing.assert_allclose(ret["expected_remaining_months_with"], with_months)
    p_success = within(surv_w, a[free], w + dur + 3)
    np.testing.assert_allclose(ret["p_success"], p_success)
    cost = row["price"] * (1 - share) + row["price"] * share * p_success
    np.testing.assert_allclose(ret["expected_cost_eur"], cost)
    saved = remaining(surv[free], a[free]) - with_months
    net = saved * cs.loc[free, "monthly_benefit"].to_numpy() - cost
    np.testing.assert_allclose(ret["net_return_eur"], net)
