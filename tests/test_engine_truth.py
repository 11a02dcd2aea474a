"""The whole engine against simulation truth: read data, build the panel, fit, score.

Droomstad with 25,000 clients (no unobserved heterogeneity, instrument entry
selected on observables: the model without frailty is correctly specified).
The caseload score of the *estimated* model is compared with the exact truth
of the simulator (``truth/caseload.csv``, ``truth/returns.csv``), and a naive
comparison of treated and untreated spell durations on the same data is shown
to be badly biased, so that the comparison can fail.

Sign of the net return: an estimated effect carries sampling error shared by
all clients, so clients whose true net return lies near zero flip together.
At 25,000 clients the sign is required to be right for >= 95% of the clients
whose true net return is more than two of the engine's own standard errors
away from zero (standard error from its 90% interval); the share over all
clients is printed. An oracle study (:mod:`rendement.simulate.precision`)
shows that at 25,000 clients even the TRUE model plus an efficient estimator's
error reaches 95% on every instrument only rarely, and at 600,000 clients
almost always; the plain criterion (>= 95% of all clients, per instrument) is
therefore asserted on a municipality of 600,000 clients.

With heterogeneity on, the same no-frailty model is misspecified; the bias is
printed and only checked for sanity.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.contract.folder import DataFolder
from rendement.hazard import fit_hazard
from rendement.model.folder import load_model
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec
from rendement.panel import build_panel
from rendement.scoring.caseload import CaseloadScore, score_caseload
from rendement.simulate.precision import sign_accuracy_study
from rendement.timeutil import months_between_arrays

pytestmark = pytest.mark.slow

CLIENTS = 25_000
LARGE = 600_000
SEED = 11


def _fit(town: object) -> tuple[DataFolder, HazardModel]:
    data = read_data_folder(town.data_dir)  # type: ignore[attr-defined]
    panel = build_panel(data)
    spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
    return data, fit_hazard(panel, spec, instruments_catalogue=data.instruments).to_model()


def _fit_and_score(town: object, n_draws: int) -> tuple[DataFolder, CaseloadScore]:
    data, model = _fit(town)
    score = score_caseload(data, model, data.extraction_date, n_draws=n_draws, seed=1)
    return data, score


def _sign_right(r: pd.DataFrame) -> pd.Series:
    right = np.sign(r["net_return_eur_est"]) == np.sign(r["net_return_eur"])
    return right.groupby(r["instrument"]).mean()


def _truth(town: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = town.truth_dir  # type: ignore[attr-defined]
    caseload = pd.read_csv(folder / "caseload.csv", keep_default_na=False, dtype={"client_id": str})
    returns = pd.read_csv(folder / "returns.csv", keep_default_na=False, dtype={"client_id": str})
    return caseload.set_index("client_id"), returns


def _compare(score: CaseloadScore, town: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    caseload, returns = _truth(town)
    both = caseload.join(score.ranking.set_index("client_id"), rsuffix="_est", how="inner")
    assert len(both) == len(caseload) == len(score.ranking)
    r = returns.merge(score.returns, on=["client_id", "instrument"], suffixes=("", "_est"))
    assert len(r) == len(score.returns)
    return both, r


def _naive_months_saved(data: object, code: str, horizon: int) -> float:
    """Mean duration (capped at H) of spells without any trajectory minus spells with ``code``."""
    spells = data.spells  # type: ignore[attr-defined]
    traj = data.trajectories  # type: ignore[attr-defined]
    end = spells["end_date"].fillna(data.extraction_date)  # type: ignore[attr-defined]
    duration = np.minimum(np.maximum(months_between_arrays(spells["start_date"], end), 1), horizon)
    t = traj.merge(spells[["client_id", "spell_id", "start_date", "end_date"]], on="client_id")
    t = t[
        (t["start_date_x"] >= t["start_date_y"])
        & (t["end_date_y"].isna() | (t["start_date_x"] <= t["end_date_y"]))
    ]
    treated = spells["spell_id"].isin(t.loc[t["instrument"] == code, "spell_id"])
    untreated = ~spells["spell_id"].isin(t["spell_id"])
    return float(duration[untreated].mean() - duration[treated].mean())


def test_estimated_engine_recovers_the_truth() -> None:
    t0 = time.perf_counter()
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=False)
    data, score = _fit_and_score(town, n_draws=60)
    both, r = _compare(score, town)

    err = both["expected_remaining_months_est"] - both["expected_remaining_months"]
    corr = np.corrcoef(both["expected_remaining_months"], both["expected_remaining_months_est"])
    groups = (both["outflow_group"] == both["outflow_group_est"]).mean()
    print(
        f"\ncaseload {len(both):,}: remaining months mean abs error {err.abs().mean():.3f}, "
        f"mean error {err.mean():+.3f}, correlation {corr[0, 1]:.4f}; groups right {groups:.3f}"
    )
    assert err.abs().mean() < 1.0
    assert corr[0, 1] > 0.98
    assert groups >= 0.95

    per = {}
    for code, x in r.groupby("instrument"):
        sd = (x["net_return_eur_upper"] - x["net_return_eur_lower"]) / (2 * 1.645)
        clear = x["net_return_eur"].abs() > 2 * sd
        right = np.sign(x["net_return_eur_est"]) == np.sign(x["net_return_eur"])
        per[code] = {
            "mae_months_saved": (x["months_saved_est"] - x["months_saved"]).abs().mean(),
            "sign_all": right.mean(),
            "clear_share": clear.mean(),
            "sign_clear": right[clear].mean() if clear.any() else np.nan,
            "true_mean_saved": x["months_saved"].mean(),
            "est_mean_saved": x["months_saved_est"].mean(),
        }
    table = pd.DataFrame(per).T
    print(table.round(3).to_string())
    assert table["mae_months_saved"].mean() < 0.5
    assert (table["clear_share"] > 0.25).all()  # the criterion is not vacuous
    assert (table["sign_clear"] >= 0.95).all()

    # A naive treated-vs-untreated comparison of durations on the same data is far off:
    # treated spells had to last until the start of the trajectory.
    for code in ("jobhunt", "werkstage"):
        naive = _naive_months_saved(data, code, 60)
        true = table.loc[code, "true_mean_saved"]
        engine = table.loc[code, "est_mean_saved"]
        print(f"{code}: naive {naive:+.2f}, engine {engine:+.2f}, truth {true:+.2f} months saved")
        assert abs(naive - true) > 2.0
        assert abs(naive - true) > 5 * abs(engine - true)
    print(f"engine truth test (no heterogeneity) took {time.perf_counter() - t0:.1f} s")


def test_bias_of_the_no_frailty_model_under_heterogeneity() -> None:
    t0 = time.perf_counter()
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=True)
    _, score = _fit_and_score(town, n_draws=2)
    both, r = _compare(score, town)
    err = both["expected_remaining_months_est"] - both["expected_remaining_months"]
    saved = (r["months_saved_est"] - r["months_saved"]).groupby(r["instrument"]).mean()
    corr = np.corrcoef(both["expected_remaining_months"], both["expected_remaining_months_est"])
    print(
        f"\nheterogeneity on, model without frailty: remaining months bias {err.mean():+.3f} "
        f"(mean abs {err.abs().mean():.3f}, correlation {corr[0, 1]:.3f}); months saved bias "
        + ", ".join(f"{k} {v:+.2f}" for k, v in saved.items())
        + f"; {time.perf_counter() - t0:.1f} s"
    )
    assert np.isfinite(err).all() and np.isfinite(saved).all()
    assert corr[0, 1] > 0.5
    assert saved.abs().max() < 12.0


def test_sign_of_the_net_return_needs_a_large_municipality() -> None:
    """The oracle study: at 25,000 clients no estimator can promise the plain criterion."""
    town = get_simulation(clients=CLIENTS, seed=SEED, heterogeneity=False)
    data, model = _fit(town)
    assert model.cov is not None
    true_model = load_model(town.truth_dir / "model")
    study = sign_accuracy_study(
        data, true_model, model.cov, CLIENTS, [CLIENTS, LARGE], n_draws=60, seed=3
    )
    print("\n" + study.summary())
    chance = study.chance_at_least(0.95)["all_instruments"]
    assert chance.loc[CLIENTS] < 0.2  # why the plain criterion is not asserted at 25,000
    assert chance.loc[LARGE] >= 0.9  # and why 600,000 clients is enough


def test_sign_of_the_net_return_in_a_large_municipality() -> None:
    """The plain criterion: sign right for >= 95% of all clients, per instrument."""
    t0 = time.perf_counter()
    town = get_simulation(clients=LARGE, seed=SEED, heterogeneity=False)
    data, model = _fit(town)
    score = score_caseload(data, model, data.extraction_date, interval=None)
    _, r = _compare(score, town)
    shares = _sign_right(r)
    saved = (r["months_saved_est"] - r["months_saved"]).abs().groupby(r["instrument"]).mean()
    print(
        f"\n{LARGE:,} clients, caseload {score.ranking.shape[0]:,}: sign of the net return right "
        + ", ".join(f"{k} {v:.3f}" for k, v in shares.items())
        + "; months saved mean abs error "
        + ", ".join(f"{k} {v:.3f}" for k, v in saved.items())
        + f"; {time.perf_counter() - t0:.0f} s"
    )
    positive = (r["net_return_eur"] > 0).groupby(r["instrument"]).mean()
    assert ((positive > 0.1) & (positive < 0.9)).sum() >= 3  # not vacuous: both signs occur
    assert (shares >= 0.95).all()


def test_effect_estimates_are_centred_with_calibrated_standard_errors() -> None:
    """Over independent towns, (estimate - truth) / SE of the instrument effects is N(0, 1).

    This is what makes the oracle study above an honest bound: the engine's
    estimator is unbiased and as precise as its standard errors say, through
    the whole chain of contract reader, panel and fit.
    """
    z = []
    for seed in range(8):
        town = get_simulation(clients=10_000, seed=100 + seed, heterogeneity=False)
        _, model = _fit(town)
        assert model.cov is not None
        true = load_model(town.truth_dir / "model").params
        terms = [t for t in model.params.index if t.startswith(("in:", "after:"))]
        se = np.sqrt(np.diag(model.cov.loc[terms, terms].to_numpy()))
        z.append((model.params[terms].to_numpy() - true.reindex(terms).to_numpy()) / se)
    zs = np.concatenate(z)
    print(
        f"\n{zs.size} instrument effects over 8 towns: z mean {zs.mean():+.3f}, sd {zs.std():.3f}"
    )
    assert np.isfinite(zs).all()
    assert abs(zs.mean()) < 0.25
    assert 0.85 <= zs.std() <= 1.2
    assert (np.abs(zs) > 1.96).mean() < 0.1
