"""The Gram matrix split into spell-constant and varying columns equals ``X' diag(d) X``."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rendement.hazard.toe import spell_sums as ss
from rendement.hazard.toe.rows import EquationRows
from rendement.hazard.toe.synthetic import simulate_timing_data


def _rows(exog: sp.csr_matrix, spell: np.ndarray) -> EquationRows:
    n = exog.shape[0]
    return EquationRows(
        exog=exog,
        columns=tuple(f"x{j}" for j in range(exog.shape[1])),
        events=np.zeros(n),
        stays=np.ones(n),
        spell=spell,
    )


def _spell_design(seed: int) -> tuple[sp.csr_matrix, np.ndarray, int]:
    """Client dummies constant per spell, a time dummy and a varying real column; some
    spells have no rows here (as in the entry equation) and spell ids are sparse."""
    rng = np.random.default_rng(seed)
    n_spells = 300
    has_rows = np.flatnonzero(rng.random(n_spells) < 0.7)
    months = rng.integers(1, 9, size=len(has_rows))
    spell = np.repeat(has_rows, months)
    client = rng.integers(0, 2, size=(n_spells, 6)).astype(float)
    client[:, 5] = rng.normal(size=n_spells)  # a real-valued client term
    n = len(spell)
    piece = np.zeros((n, 4))
    piece[np.arange(n), rng.integers(0, 4, size=n)] = 1.0
    varying = rng.normal(size=(n, 1)) * (rng.random((n, 1)) < 0.5)
    X = np.hstack([piece[:, :2], client[spell], piece[:, 2:], varying])
    return sp.csr_matrix(X), spell, n_spells


@pytest.mark.parametrize("max_pairs", [ss.MAX_PAIRS, 0])
def test_split_gram_equals_the_direct_product(max_pairs, monkeypatch) -> None:
    monkeypatch.setattr(ss, "MAX_PAIRS", max_pairs)
    X, spell, n_spells = _spell_design(3)
    sums = ss.SpellSums(_rows(X, spell), n_spells)
    # the six client columns are found constant, the time columns are not
    assert list(sums.const) == [2, 3, 4, 5, 6, 7]
    assert list(sums.vary) == [0, 1, 8, 9, 10]
    d = np.random.default_rng(5).normal(size=X.shape[0])
    direct = (X.T @ sp.diags(d) @ X).toarray()
    np.testing.assert_allclose(sums.gram(d), direct, rtol=1e-10, atol=1e-10)


def test_a_column_that_changes_once_within_a_spell_is_not_constant() -> None:
    X, spell, n_spells = _spell_design(4)
    X = X.tolil()
    # the last row of the first spell with two or more rows gets a different client value
    ids, counts = np.unique(spell, return_counts=True)
    last = np.flatnonzero(spell == ids[counts >= 2][0])[-1]
    X[last, 7] = X[last, 7] + 1.0
    X = sp.csr_matrix(X)
    assert not ss.spell_constant_columns(X, spell)[7]
    sums = ss.SpellSums(_rows(X, spell), n_spells)
    d = np.random.default_rng(6).normal(size=X.shape[0])
    np.testing.assert_allclose(
        sums.gram(d), (X.T @ sp.diags(d) @ X).toarray(), rtol=1e-10, atol=1e-10
    )


def test_split_gram_on_the_likelihood_design() -> None:
    data = simulate_timing_data(800, seed=7, spells_per_client=2)
    for rows in (data.outflow, data.entry):
        sums = ss.SpellSums(rows, data.n_spells)
        assert len(sums.const) > 0  # client terms are taken once per spell
        d = np.random.default_rng(8).normal(size=rows.n_rows)
        X = sp.csr_matrix(rows.exog)
        np.testing.assert_allclose(
            sums.gram(d), (X.T @ sp.diags(d) @ X).toarray(), rtol=1e-9, atol=1e-9
        )
