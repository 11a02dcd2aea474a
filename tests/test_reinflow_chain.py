"""The re-inflow chain against a month-by-month simulation of the same chances."""

from __future__ import annotations

import numpy as np
import pytest

from rendement.reinflow.chain import (
    after_exit,
    discounted_returns,
    exit_chances,
    expected_benefit_months,
    mixed_return_chances,
    new_spells,
)

H = 36


def _inputs(rng: np.random.Generator, n: int):
    h_cur = rng.uniform(0.02, 0.2, (n, H))  # exit chance in future month u = 1..H
    h_new = rng.uniform(0.05, 0.3, (n, H))  # exit chance in month k of a new spell
    eta_back = np.log(rng.uniform(0.01, 0.08, (n, H)))  # re-inflow cloglog by month off
    shift = rng.uniform(0.3, 0.9, n)  # an exit after month b: more returns
    b = rng.integers(2, 10, n)
    months = np.minimum(H, rng.integers(10, 60, n))  # pension cap
    return h_cur, h_new, eta_back, shift, b, months


def _chain(
    h_cur, h_new, eta_back, shift, b, months, work=0.4, share=0.3, returnable=0.8, delta=1.0
):
    n = len(b)
    s_cur = np.cumprod(1.0 - h_cur, axis=1).T  # time-major
    G = np.ones((n, H + 1))
    G[:, 1:] = np.cumprod(1.0 - h_new, axis=1)
    zero = np.zeros(n)
    rho0 = mixed_return_chances(eta_back, zero, work, share, returnable)
    rho1 = mixed_return_chances(eta_back, shift, work, share, returnable)
    spells = new_spells(G, rho0, delta)
    f = exit_chances(s_cur[:H])
    for u in range(1, H + 1):  # the pension: no exit from month `months` on
        f[:, u] = np.where(u < months, f[:, u], 0.0) * delta**u
    on = np.vstack([np.ones((1, n)), s_cur[: H - 1]]).T  # (n, H) on benefit in month t + 1
    t = np.arange(H)[None, :]
    rem = (on * delta**t * (t < months[:, None])).sum(axis=1)
    u = np.arange(H + 1)[None, :]
    rho1 = discounted_returns(rho1, delta)
    regimes = [(u <= b[:, None], spells.V), (u > b[:, None], after_exit(rho1, spells))]
    return expected_benefit_months(rem, f, regimes, months), rem


def _simulate(
    h_cur,
    h_new,
    eta_back,
    shift,
    b,
    months,
    runs,
    rng,
    work=0.4,
    share=0.3,
    returnable=0.8,
    delta=1.0,
):
    n = len(b)
    q = -np.expm1(-np.exp(eta_back))
    q_work = -np.expm1(-np.exp(eta_back + work))
    total = np.zeros((runs, n))
    on = np.ones((runs, n), dtype=bool)
    current = np.ones((runs, n), dtype=bool)  # still in the current spell
    k = np.zeros((runs, n), dtype=np.int64)  # month of a new spell
    s = np.zeros((runs, n), dtype=np.int64)  # months off
    flag = np.zeros((runs, n), dtype=bool)  # the exit came after month b
    to_work = np.zeros((runs, n), dtype=bool)
    can = np.ones((runs, n), dtype=bool)
    cols = np.arange(n)[None, :]
    for t in range(1, H + 1):
        live = t <= months[None, :]
        # on benefit in month t: counted; then maybe leave at its end
        total += (on & live) * delta ** (t - 1)  # month t counts delta^(t - 1) (now: 1)
        h = np.where(current, h_cur[cols, t - 1], h_new[cols, np.maximum(k, 1) - 1])
        leave = on & live & (t < months[None, :]) & (rng.random((runs, n)) < h)
        flag = np.where(leave, current & (t > b[None, :]), flag)
        to_work = np.where(leave, rng.random((runs, n)) < share, to_work)
        can = np.where(leave, rng.random((runs, n)) < returnable, can)
        current &= ~leave
        k = np.where(on & ~leave, k + 1, k)
        off_after = ~on | leave  # off benefit after month t
        s_next = np.where(leave, 1, s + 1)
        idx = np.minimum(s_next, H) - 1
        chance = np.where(to_work, q_work[cols, idx], q[cols, idx])
        chance = -np.expm1(-np.exp(np.log(-np.log1p(-chance)) + shift[None, :] * flag))
        back = off_after & can & (rng.random((runs, n)) < chance)  # on again in month t + 1
        s = np.where(off_after, s_next, s)
        k = np.where(back, 1, k)
        on = (on & ~leave) | back
    return total.mean(axis=0), total.std(axis=0) / np.sqrt(runs)


def test_chain_matches_a_month_by_month_simulation() -> None:
    rng = np.random.default_rng(5)
    inputs = _inputs(rng, 6)
    expected, remaining = _chain(*inputs)
    mean, se = _simulate(*inputs, runs=40_000, rng=rng)
    assert np.all(expected >= remaining)
    assert np.all(expected - remaining > 0.3)  # returns matter in this world
    np.testing.assert_array_less(np.abs(expected - mean), 4.5 * se + 1e-9)


def test_discounted_chain_matches_a_month_by_month_simulation() -> None:
    """With a discount rate (10% a year, strong here to be seen) every month t from now
    counts delta^t in the current spell, off benefit and in every new spell alike."""
    rng = np.random.default_rng(6)
    inputs = _inputs(rng, 6)
    delta = 1.10 ** (-1 / 12)
    expected, remaining = _chain(*inputs, delta=delta)
    plain, _ = _chain(*inputs)
    mean, se = _simulate(*inputs, runs=40_000, rng=rng, delta=delta)
    np.testing.assert_array_less(np.abs(expected - mean), 4.5 * se + 1e-9)
    assert np.all(expected < plain - 0.2)  # discounting matters in this world
    assert np.all(expected >= remaining)


def test_no_returns_gives_the_spell_only_months() -> None:
    rng = np.random.default_rng(1)
    inputs = list(_inputs(rng, 50))
    expected, remaining = _chain(*inputs, returnable=0.0)
    np.testing.assert_allclose(expected, remaining, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_returns_only_add_months(seed: int) -> None:
    """expected_benefit_months >= expected_remaining_months for any chances (property)."""
    rng = np.random.default_rng(100 + seed)
    inputs = list(_inputs(rng, 200))
    inputs[2] = inputs[2] + rng.normal(0.0, 3.0, inputs[2].shape)  # from almost never to always
    expected, remaining = _chain(*inputs)
    assert np.all(expected >= remaining - 1e-9)
    assert np.all(expected <= inputs[5] + 1e-9)  # never more months than the horizon
