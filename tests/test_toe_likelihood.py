"""The timing-of-events likelihood: exact derivatives and its one-point special case.

The analytic gradient and Hessian of the mixture log-likelihood are checked
against central finite differences; with one mass point the likelihood must be
the sum of two independent cloglog likelihoods (outflow and entry), evaluated
here with the default estimator's own cell likelihood.
"""

from __future__ import annotations

import numpy as np
import pytest

from rendement.hazard.likelihood import cell_likelihood
from rendement.hazard.toe.likelihood import MixtureLikelihood, MixtureParams
from rendement.hazard.toe.synthetic import SyntheticTruth, simulate_timing_data


@pytest.fixture(scope="module")
def data():
    return simulate_timing_data(1500, seed=1, spells_per_client=2)


@pytest.fixture(scope="module")
def data_without_entry():
    return simulate_timing_data(1500, seed=2, with_entry=False)


def _theta(lik: MixtureLikelihood, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = rng.normal(scale=0.3, size=lik.n_params)
    theta[: lik.n_beta + lik.n_gamma] -= 1.5
    return theta


def _numeric_gradient(lik: MixtureLikelihood, theta: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    eye = np.eye(len(theta))
    return np.array(
        [(lik.loglik(theta + eps * e) - lik.loglik(theta - eps * e)) / (2 * eps) for e in eye]
    )


def _numeric_hessian(lik: MixtureLikelihood, theta: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    eye = np.eye(len(theta))
    rows = [
        (lik.evaluate(theta + eps * e).gradient - lik.evaluate(theta - eps * e).gradient)
        / (2 * eps)
        for e in eye
    ]
    return np.array(rows)


@pytest.mark.parametrize("n_points", [1, 2, 3])
def test_gradient_and_hessian_match_finite_differences(data, n_points: int) -> None:
    lik = MixtureLikelihood(data, n_points)
    theta = _theta(lik, n_points)
    ev = lik.evaluate(theta, order=2)
    num_g = _numeric_gradient(lik, theta)
    num_h = _numeric_hessian(lik, theta)
    np.testing.assert_allclose(ev.gradient, num_g, rtol=1e-6, atol=1e-4 * np.abs(num_g).max())
    np.testing.assert_allclose(ev.hessian, num_h, rtol=1e-5, atol=1e-6 * np.abs(num_h).max())
    # the per-spell scores add up to the gradient
    np.testing.assert_allclose(ev.spell_scores.sum(axis=0), ev.gradient, rtol=1e-9, atol=1e-7)


def test_derivatives_without_entry_equation(data_without_entry) -> None:
    lik = MixtureLikelihood(data_without_entry, 2)
    assert not lik.has_entry and lik.n_gamma == 0
    assert lik.param_names()[-2:] == ["mixture:v_outflow[2]", "mixture:logit[2]"]
    theta = _theta(lik, 7)
    ev = lik.evaluate(theta, order=2)
    np.testing.assert_allclose(ev.gradient, _numeric_gradient(lik, theta), rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(ev.hessian, _numeric_hessian(lik, theta), rtol=1e-5, atol=1e-3)


def test_mixture_only_hessian_is_the_mass_point_block(data) -> None:
    lik = MixtureLikelihood(data, 3)
    theta = _theta(lik, 3)
    full = lik.evaluate(theta, order=2)
    part = lik.evaluate(theta, order=2, mixture_only=True)
    m = slice(lik.n_beta + lik.n_gamma, None)
    np.testing.assert_allclose(part.hessian[m, m], full.hessian[m, m], rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(part.gradient, full.gradient)
    assert np.all(part.hessian[: lik.n_beta, :] == 0.0)


def test_one_point_is_two_independent_cloglog_likelihoods(data) -> None:
    lik = MixtureLikelihood(data, 1)
    theta = _theta(lik, 11)
    beta, gamma = theta[: lik.n_beta], theta[lik.n_beta :]
    o, e = data.outflow, data.entry
    expected = cell_likelihood(o.exog @ beta, o.events, o.events + o.stays).loglik
    expected += cell_likelihood(e.exog @ gamma, e.events, e.events + e.stays).loglik
    assert lik.loglik(theta) == pytest.approx(expected, rel=1e-12)


def test_points_at_the_same_place_are_one_point(data) -> None:
    """Two coinciding mass points give the one-point likelihood, whatever their shares."""
    one = MixtureLikelihood(data, 1)
    two = MixtureLikelihood(data, 2)
    theta1 = _theta(one, 5)
    p = one.unpack(theta1)
    params = MixtureParams(p.beta, p.gamma, np.zeros(2), np.zeros(2), np.array([0.0, 0.7]))
    assert two.loglik(two.pack(params)) == pytest.approx(one.loglik(theta1), rel=1e-12)


def test_posterior_weights_average_to_the_prior_and_favour_the_slow_type_for_long_spells() -> None:
    """At the true parameters the posterior weights average to the shares at inflow
    (Bayes: E[posterior] = prior; sampling error here about 0.007) and long spells
    are mostly of the slow type."""
    truth = SyntheticTruth(v_outflow=(0.0, -2.0), v_entry=(0.0, 0.0), probabilities=(0.5, 0.5))
    d = simulate_timing_data(3000, truth, seed=4)
    lik = MixtureLikelihood(d, 2)
    params = MixtureParams(
        beta=np.array(list(truth.beta.values())),
        gamma=np.array(list(truth.gamma.values())),
        v_outflow=np.array(truth.v_outflow),
        v_entry=np.array(truth.v_entry),
        logits=np.zeros(2),
    )
    ev = lik.evaluate(lik.pack(params), order=0)
    assert np.allclose(ev.posterior.sum(axis=1), 1.0)
    assert ev.posterior[:, 1].mean() == pytest.approx(0.5, abs=0.03)
    months = np.bincount(d.outflow.spell, weights=d.outflow.events + d.outflow.stays)
    long = months >= 24
    assert ev.posterior[long, 1].mean() > 0.85 and ev.posterior[months <= 3, 1].mean() < 0.4


def test_type_loglik_ranks_candidates_exactly(data) -> None:
    """The cheap candidate likelihood equals the full likelihood of the candidate."""
    one = MixtureLikelihood(data, 1)
    two = MixtureLikelihood(data, 2)
    theta1 = _theta(one, 9)
    base = one.evaluate(theta1, order=0).spell_loglik
    lo, le = one.type_loglik(theta1, np.array([-1.0]), np.array([0.5]))
    prob = 0.2
    cheap = np.logaddexp(base + np.log1p(-prob), lo[:, 0] + le[:, 0] + np.log(prob)).sum()
    p = one.unpack(theta1)
    params = MixtureParams(
        p.beta, p.gamma, np.array([0.0, -1.0]), np.array([0.0, 0.5]), np.array([0.0, np.log(0.25)])
    )
    assert two.loglik(two.pack(params)) == pytest.approx(cheap, rel=1e-12)


def _with_channels(data, n_channels: int, seed: int = 5):
    """``data`` with every entry row assigned to one of ``n_channels`` entry channels."""
    from dataclasses import replace

    rng = np.random.default_rng(seed)
    channel = rng.integers(0, n_channels, size=data.entry.n_rows)
    return replace(
        data,
        entry=replace(data.entry, channel=channel),
        entry_channels=tuple(f"i{c}" for c in range(n_channels)),
    )


@pytest.mark.parametrize("n_points", [2, 3])
def test_channel_offsets_have_exact_derivatives(data, n_points: int) -> None:
    """An entry hazard per instrument with its own type offset: gradient and Hessian exact."""
    chan = _with_channels(data, 3)
    lik = MixtureLikelihood(chan, n_points)
    assert lik.n_params == MixtureLikelihood(data, n_points).n_params + 2 * (n_points - 1)
    theta = _theta(lik, 10 + n_points)
    ev = lik.evaluate(theta, order=2)
    num_g = _numeric_gradient(lik, theta)
    np.testing.assert_allclose(ev.gradient, num_g, rtol=1e-6, atol=1e-4 * np.abs(num_g).max())
    num_h = _numeric_hessian(lik, theta)
    np.testing.assert_allclose(ev.hessian, num_h, rtol=1e-5, atol=1e-4 * np.abs(num_h).max())
    # mixture-only Hessian: the mass-point block is the same
    mix = lik.evaluate(theta, order=2, mixture_only=True).hessian
    first = lik.n_beta + lik.n_gamma
    np.testing.assert_allclose(mix[first:, first:], ev.hessian[first:, first:], rtol=1e-8)


def test_zero_channel_offsets_give_the_one_channel_likelihood(data) -> None:
    """With every offset 0 the channels are one entry hazard: the same log-likelihood."""
    lik1 = MixtureLikelihood(data, 2)
    lik3 = MixtureLikelihood(_with_channels(data, 3), 2)
    theta1 = _theta(lik1, 3)
    p = lik1.unpack(theta1)
    theta3 = lik3.pack(p)  # offsets filled with 0
    assert lik3.loglik(theta3) == pytest.approx(lik1.loglik(theta1), rel=1e-12)
    moved = theta3.copy()
    moved[lik3.param_names().index("mixture:v_entry:i2[2]")] = 1.0
    assert lik3.loglik(moved) != pytest.approx(lik1.loglik(theta1), rel=1e-9)
    assert lik3.unpack(theta3).entry_by_channel().shape == (3, 2)


def test_gram_without_held_pairs_is_the_same(data, monkeypatch) -> None:
    """Too many pairs of non-zeros to hold: the sparse product gives the same Gram matrix."""
    from rendement.hazard.toe import spell_sums as lk

    held = lk.SpellSums(data.entry, data.n_spells)
    monkeypatch.setattr(lk, "MAX_PAIRS", 0)
    product = lk.SpellSums(data.entry, data.n_spells)
    assert held.pairs and not product.pairs
    d = np.random.default_rng(4).normal(size=data.entry.n_rows)
    np.testing.assert_allclose(product.gram(d), held.gram(d), rtol=1e-10, atol=1e-10)
