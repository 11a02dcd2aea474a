"""The time-series model of monthly inflow (*instroomprognose*), fitted with statsmodels.

Model: ``statsmodels.tsa.statespace.SARIMAX`` on the monthly number of new
spells, with a constant, an AR(1) term and, when at least 36 months are
available, a seasonal AR(1) term at lag 12:
``(y_t - mu) = phi (y_{t-1} - mu) + Phi (y_{t-12} - mu) - phi Phi (y_{t-13} - mu) + e_t``.

Why this model:

* inflow drifts with the economy but returns to its level: an AR(1) around a
  mean forecasts the next months from the last ones without extrapolating a
  trend into the end of the year (a trend model such as Holt's would);
* the seasonal AR term carries the January peak and the summer dip of real
  inflow from the same month a year earlier; estimated by maximum likelihood it
  goes to zero when there is no seasonality (as in simulated Droomstad), so it
  costs nothing there; with fewer than three years of data it is left out,
  because one or two Januaries cannot estimate it;
* a state-space model gives exact Gaussian prediction intervals and simulated
  future paths, so the uncertainty of the *sum* over the remaining months
  (whose errors are correlated) comes out right.

Counts are modelled as they are (not logged): Droomstad-sized towns have a few
dozen new spells a month, where a log transform would distort the mean.
Simulated paths are floored at zero.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Months of history below which the seasonal term is left out.
SEASONAL_MINIMUM = 36


@dataclass(frozen=True)
class InflowForecast:
    """Forecast of monthly inflow: mean per future month and simulated paths ``(R, J)``."""

    months: np.ndarray  # future month indices
    mean: np.ndarray
    paths: np.ndarray
    model: str  # description for the report
    history_months: int

    def interval(self, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.quantile(self.paths, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return lo, hi


def forecast_inflow(
    history: pd.Series, steps: int, *, repetitions: int = 1000, seed: int = 0
) -> InflowForecast:
    """Fit the model to ``history`` (index: month index, values: inflow counts; complete
    months only) and forecast ``steps`` months after its last month."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from threadpoolctl import threadpool_limits

    y = history.astype(float).to_numpy()
    last = int(history.index.max())
    future = np.arange(last + 1, last + 1 + steps)
    if steps <= 0:
        return InflowForecast(future, np.zeros(0), np.zeros((repetitions, 0)), "-", len(y))
    if len(y) < 6 or np.allclose(y, y[0]):
        # too short or constant: the mean with Poisson noise
        mean = np.full(steps, float(y.mean()) if len(y) else 0.0)
        rng = np.random.default_rng(seed)
        paths = rng.poisson(mean, size=(repetitions, steps)).astype(float)
        return InflowForecast(future, mean, paths, "gemiddelde (te weinig maanden)", len(y))
    seasonal = (1, 0, 0, 12) if len(y) >= SEASONAL_MINIMUM else (0, 0, 0, 0)
    model = SARIMAX(y, order=(1, 0, 0), seasonal_order=seasonal, trend="c")
    # Small matrices: BLAS threads only fight each other (10x slower on a busy machine).
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # convergence chatter on short series
        fit = model.fit(disp=False)
        mean = np.asarray(fit.get_forecast(steps).predicted_mean, dtype=float)
        psi = np.asarray(fit.impulse_responses(steps - 1), dtype=float).ravel()[:steps]
        sigma = float(np.sqrt(fit.params[-1]))  # sigma2 is the last parameter
    # Future shocks e_{T+1..T+J} ~ N(0, sigma^2), propagated with the impulse responses psi:
    # error at step h = sum_{i<h} psi_i e_{T+h-i} (correlated across the remaining months).
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((repetitions, steps)) * sigma
    errors = np.zeros_like(shocks)
    for h in range(steps):
        errors[:, h] = shocks[:, : h + 1] @ psi[: h + 1][::-1]
    paths = np.clip(mean[None, :] + errors, 0.0, None)
    name = "SARIMAX(1,0,0)" + ("(1,0,0)12" if seasonal[0] else "") + " met constante"
    return InflowForecast(future, np.clip(mean, 0.0, None), paths, name, len(y))
