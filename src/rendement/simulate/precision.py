"""How many clients does a criterion on the sign of the net return need? An oracle study.

The sign of a client's net return is wrong when the estimation error of the
instrument's effect carries the estimate across zero. That error is shared by
every client of the instrument, so all clients whose true return lies near zero
flip together; how many there are is a property of the municipality, not of
the estimator. This study asks what an *efficient* estimator could achieve:

* start from the TRUE model of a simulated municipality;
* draw parameter errors ``N(0, cov * n_ref / N)``: the covariance of a model
  fitted on ``n_ref`` clients, scaled to a municipality of ``N`` clients (the
  maximum-likelihood covariance shrinks as ``1/N``);
* score the caseload with the true model plus each error and count, per
  instrument, the share of clients whose net return keeps the true sign.

The maximum-likelihood estimator of the model is efficient (no regular
estimator of the same model has a smaller asymptotic variance), and the
engine's estimates were checked to be centred with calibrated standard errors
(``tests/test_engine_truth.py``). So the chance that *every* instrument reaches
a share of 95% is, to first order, what any engine estimating this model can
promise at that size; only an engine that knew more (e.g. which effects are
zero) could do better. ``studies/sign_power.py`` prints the table for Droomstad.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.model.hazard_model import HazardModel


@dataclass(frozen=True)
class SignAccuracyStudy:
    """Share of clients with the right sign, per instrument, for every size and draw.

    ``shares`` has a ``(clients, draw)`` index and one column per instrument.
    """

    shares: pd.DataFrame

    def chance_at_least(self, level: float = 0.95) -> pd.DataFrame:
        """Per size: the chance each instrument's share reaches ``level``, and all at once."""
        ok = self.shares >= level
        table = ok.groupby(level="clients").mean()
        table["all_instruments"] = ok.all(axis=1).groupby(level="clients").mean()
        return table

    def mean_share(self) -> pd.DataFrame:
        return self.shares.groupby(level="clients").mean()

    def summary(self, level: float = 0.95) -> str:
        chance = self.chance_at_least(level)
        mean = self.mean_share()
        lines = [
            f"Chance that the share of clients with the right sign of the net return is at "
            f"least {level:.0%} (efficient estimator, {self.n_draws} draws per size):",
            chance.round(2).to_string(),
            "",
            "Mean share of clients with the right sign:",
            mean.round(3).to_string(),
        ]
        return "\n".join(lines)

    @property
    def n_draws(self) -> int:
        return int(self.shares.groupby(level="clients").size().iloc[0])


def sign_accuracy_study(
    data: DataFolder,
    true_model: HazardModel,
    covariance: pd.DataFrame,
    reference_clients: int,
    sizes: Sequence[int],
    *,
    n_draws: int = 100,
    seed: int = 0,
) -> SignAccuracyStudy:
    """Run the oracle study on the caseload of ``data`` at its extraction date.

    ``covariance`` is the estimated covariance of a model fitted on
    ``reference_clients`` clients (any model with the true model's terms).
    The same standard-normal draws are used for every size, so the sizes
    differ only in the scale of the error.
    """
    from rendement.panel import caseload_state
    from rendement.scoring.caseload import score_clients

    if n_draws < 1:
        raise ValueError(f"n_draws must be at least 1, got {n_draws}")
    when = pd.Timestamp(data.extraction_date)
    caseload = caseload_state(data, when)
    key = ["client_id", "instrument"]
    truth = score_clients(true_model, caseload, interval=None, as_of=when).returns
    truth = truth.sort_values(key, ignore_index=True)  # rows come ranked: align by key
    true_sign = np.sign(truth["net_return_eur"].to_numpy())
    instrument = truth["instrument"].to_numpy()

    terms = [t for t in covariance.index if t in true_model.params.index]
    cov = covariance.loc[terms, terms].to_numpy(dtype=float)
    cov = (cov + cov.T) / 2.0
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    z = np.random.default_rng(seed).standard_normal((n_draws, len(terms))) @ root.T

    rows, index = [], []
    for size in sizes:
        scale = np.sqrt(reference_clients / size)
        for r in range(n_draws):
            params = true_model.params.astype(float).copy()
            params.loc[terms] = params.loc[terms].to_numpy() + scale * z[r]
            drawn = dataclasses.replace(true_model, params=params)
            est = score_clients(drawn, caseload, interval=None, as_of=when).returns
            est = est.sort_values(key, ignore_index=True)
            right = np.sign(est["net_return_eur"].to_numpy()) == true_sign
            rows.append(pd.Series(right).groupby(instrument).mean())
            index.append((int(size), r))
    shares = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["clients", "draw"]))
    return SignAccuracyStudy(shares)
