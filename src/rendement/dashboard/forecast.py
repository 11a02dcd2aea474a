"""The expenditure forecast to the end of the year (*uitgavenprognose*, appendix 2 of seed 001).

For the year of the as-of date ``A`` and each of its months ``m``:

``forecast[m] = realised[m] + caseload[m] + inflow[m]``

* ``realised`` -- benefit paid for spell months that started on or before
  ``A`` (:mod:`.months`); complete for the months before ``A``'s month.
* ``caseload`` -- the caseload on ``A`` run forward with the hazard model: a
  client with ``d`` months on benefit, spell start in calendar month ``c`` and
  monthly benefit ``b`` pays ``b`` in calendar month ``c + d + j`` with chance
  ``S_j = P(T > d + j | T > d)`` (the scoring engine's path without a new
  instrument, :mod:`.paths`), ``j >= 1``. Pension-age exits: the hook
  ``pension_exits`` gives per client the number of future spell months paid at
  most (state pension age, AOW); ``S_j`` is 0 beyond it.
* ``inflow`` -- expected new spells per month (:mod:`.inflow_model`), each
  paying like a new spell of the last 12 months' inflow:
  ``p[k] = mean_i b_i P_i(T > k)`` for ``k`` months after its start month.

The interval (default 90%) is normal with the variance of the total summed from
(1) parameter uncertainty: the caseload and inflow amounts recomputed for
parameter draws (30 by default: on Droomstad this part is about 2% of the
variance, 30 draws or 200 give the same interval within 0.2%); (2) who leaves when: per client
``b^2 Var(N)`` with ``N = sum_j 1{T > d + j}`` the months still paid, ``Var(N) =
sum_j (2j - 1) S_j - (sum_j S_j)^2``; (3) inflow: the simulated paths of the
time-series model times the payments per new spell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from rendement.contract.folder import DataFolder
from rendement.dashboard.inflow_model import InflowForecast, forecast_inflow
from rendement.dashboard.months import month_index, month_indices, payments_by_month
from rendement.dashboard.paths import survival_paths
from rendement.model.hazard_model import HazardModel
from rendement.pension import months_to_pension_of

#: Pension-age exits: ``(caseload frame, as_of) -> months still paid at most`` per client
#: (``np.inf`` = no limit). The default is the statutory AOW age (:func:`pension_months`).
PensionExits = Callable[[pd.DataFrame, pd.Timestamp], np.ndarray]


def pension_months(stock: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Whole months each caseload client is still paid before the AOW date
    (:mod:`rendement.pension`); no limit without birth dates."""
    months = months_to_pension_of(stock)
    return np.full(len(stock), np.inf) if months is None else np.asarray(months, dtype=float)


@dataclass(frozen=True)
class ExpenditureForecast:
    """Expenditure of the year of ``as_of``: realised, forecast and interval (EUR)."""

    as_of: pd.Timestamp
    months: np.ndarray  # the 12 month indices of the year
    realised: np.ndarray
    caseload: np.ndarray
    inflow: np.ndarray
    lower: float
    upper: float
    caseload_lower: float
    caseload_upper: float
    level: float
    inflow_forecast: InflowForecast
    caseload_by_client: pd.Series = field(repr=False)  # expected caseload amount per client
    inflow_per_spell: float = 0.0  # expected payment in the year per new spell in A's month
    notes: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        return int(self.months[0] // 12)

    @property
    def total(self) -> float:
        return float(self.realised.sum() + self.caseload.sum() + self.inflow.sum())

    @property
    def monthly(self) -> pd.DataFrame:
        """Per month: realised, caseload, inflow and total (EUR)."""
        return pd.DataFrame(
            {
                "gerealiseerd": self.realised,
                "prognose_bestand": self.caseload,
                "prognose_instroom": self.inflow,
                "totaal": self.realised + self.caseload + self.inflow,
            },
            index=pd.Index(self.months, name="maand"),
        )


def recent_inflow_frame(data: DataFolder, as_of: pd.Timestamp, months: int = 12) -> pd.DataFrame:
    """The spells that started in the ``months`` months up to ``as_of``, scored as new spells
    (``months_on_benefit`` 0, no instrument state), in the layout of ``caseload_state``."""
    from rendement.panel.clients import with_client_columns

    sp = data.spells
    since = as_of - pd.DateOffset(months=months)
    new = sp[(sp["start_date"] > since) & (sp["start_date"] <= as_of)]
    frame = pd.DataFrame(
        {
            "client_id": new["client_id"].to_numpy(dtype=object),
            "spell_id": new["spell_id"].to_numpy(dtype=object),
            "inflow_date": new["start_date"].to_numpy(),
            "months_on_benefit": np.zeros(len(new), dtype=np.int64),
            "monthly_benefit": new["monthly_benefit"].to_numpy(dtype=float),
        }
    )
    return with_client_columns(frame, data.clients)


def _paid_in_window(s: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """``s`` with months beyond each row's window (``limit``) set to 0."""
    j = np.arange(1, s.shape[1] + 1)[None, :]
    return np.where(j <= limit[:, None], s, 0.0)


def _months_variance(s: np.ndarray) -> np.ndarray:
    """Var(N), N = sum_j 1{T > d + j}, from a (window-cut) survival path per row."""
    j = np.arange(1, s.shape[1] + 1)[None, :]
    return ((2 * j - 1) * s).sum(axis=1) - s.sum(axis=1) ** 2


def forecast_expenditure(
    data: DataFolder,
    model: HazardModel,
    as_of: pd.Timestamp,
    *,
    level: float = 0.9,
    n_draws: int = 30,
    seed: int = 0,
    history_months: int = 60,
    pension_exits: PensionExits | None = None,
    type_weights: np.ndarray | None = None,
) -> ExpenditureForecast:
    """Forecast the expenditure of ``as_of``'s year (see module docstring). 80-line reason:
    one pass that keeps the three parts and their variances side by side.

    Long: one pass over the caseload, the draws and the inflow paths, kept together so the interval adds the three sources in one place.
    """
    from rendement.panel import caseload_state

    as_of = pd.Timestamp(as_of)
    year = int(as_of.year)
    months = np.arange(12 * year, 12 * year + 12)
    m_a, december = month_index(as_of), 12 * year + 11
    known = data.spells[data.spells["start_date"] <= as_of]
    realised = payments_by_month(known, as_of, months).to_numpy()
    horizon = december - m_a + 1  # future spell months j = 1..horizon can fall in the year

    # --- the caseload on as_of, run forward
    stock = caseload_state(data, as_of)
    start_month = month_indices(stock["inflow_date"]) if len(stock) else np.zeros(0, np.int64)
    current = start_month + stock["months_on_benefit"].to_numpy(dtype=np.int64)
    window = (december - current).astype(float)  # future months j that fall in the year
    notes: list[str] = []
    exits = pension_exits if pension_exits is not None else pension_months
    limit = np.asarray(exits(stock, as_of), dtype=float) if len(stock) else np.zeros(0)
    if np.isfinite(limit).any():
        window = np.minimum(window, limit)
        notes.append("uitstroom bij de AOW-leeftijd meegenomen")
    else:
        notes.append("uitstroom bij de AOW-leeftijd niet meegenomen (geen geboortedata)")
    benefit = stock["monthly_benefit"].to_numpy(dtype=float)
    het = model.heterogeneity
    if type_weights is None and het is not None and len(het.locations) > 1 and len(stock):
        # who is still on benefit is selected: the types' posterior given each spell's history
        # (as score_caseload does); new spells below keep the prior probabilities
        from rendement.hazard.toe import caseload_type_weights

        type_weights = caseload_type_weights(model, data, as_of)
    s, draws = survival_paths(
        model, stock, horizon, n_draws=n_draws, seed=seed, type_weights=type_weights,
        reduce=lambda d: float((benefit[:, None] * _paid_in_window(d, window)).sum()),
    )  # fmt: skip
    s_cut = _paid_in_window(s, window)
    target = current[:, None] + np.arange(1, horizon + 1)[None, :]
    caseload = np.zeros(12)
    ok = (target >= months[0]) & (target <= december)
    np.add.at(caseload, (target - months[0])[ok], (benefit[:, None] * s_cut)[ok])
    per_client = (benefit[:, None] * s_cut).sum(axis=1)
    var_within = float((benefit**2 * _months_variance(s_cut)).sum())
    stock_draws = np.asarray(draws, dtype=float)

    # --- inflow after as_of
    counts = _inflow_history(data, as_of, history_months)
    flow = forecast_inflow(counts, horizon, seed=seed)
    so_far = int(((known["start_date"] >= _first_day(m_a)) & (known["start_date"] <= as_of)).sum())
    expected_new = flow.mean.copy()
    new_paths = flow.paths.copy()
    if horizon:
        expected_new[0] = max(0.0, expected_new[0] - so_far)
        new_paths[:, 0] = np.clip(new_paths[:, 0] - so_far, 0.0, None)
    recent = recent_inflow_frame(data, as_of)
    pay, pay_var, pay_draws = _payments_per_new_spell(model, recent, horizon, n_draws, seed)
    inflow = np.zeros(12)
    for i in range(horizon):  # inflow in month m_a + i pays p[k] in month m_a + i + k
        k = np.arange(horizon - i)
        inflow[m_a + i + k - months[0]] += expected_new[i] * pay[k]
    rest = np.array([pay[: horizon - i].sum() for i in range(horizon)])  # per spell, to Dec
    inflow_totals = new_paths @ rest
    var_inflow = float(inflow_totals.var()) + float(
        sum(expected_new[i] * pay_var[horizon - i - 1] for i in range(horizon))
    )

    # --- interval of the total
    z = float(norm.ppf((1 + level) / 2))
    var_param = 0.0
    if len(stock_draws) and len(pay_draws):
        rest_draws = np.array([[p[: horizon - i].sum() for i in range(horizon)] for p in pay_draws])
        var_param = float(np.var(stock_draws + rest_draws @ expected_new))
    else:
        notes.append("geen parameteronzekerheid: het model heeft geen covariantiematrix")
    sd_stock = float(np.sqrt(var_within + (np.var(stock_draws) if len(stock_draws) else 0.0)))
    total = float(realised.sum() + caseload.sum() + inflow.sum())
    sd = float(np.sqrt(var_within + var_inflow + var_param))
    return ExpenditureForecast(
        as_of=as_of,
        months=months,
        realised=realised,
        caseload=caseload,
        inflow=inflow,
        lower=total - z * sd,
        upper=total + z * sd,
        caseload_lower=float(caseload.sum() - z * sd_stock),
        caseload_upper=float(caseload.sum() + z * sd_stock),
        level=level,
        inflow_forecast=flow,
        caseload_by_client=pd.Series(per_client, index=stock["client_id"].astype(str).to_numpy()),
        inflow_per_spell=float(rest[0]) if horizon else 0.0,
        notes=tuple(notes),
    )


def _first_day(m: int) -> pd.Timestamp:
    return pd.Timestamp(year=m // 12, month=m % 12 + 1, day=1)


def _inflow_history(data: DataFolder, as_of: pd.Timestamp, months: int) -> pd.Series:
    """New spells per complete month before ``as_of``'s month (at most ``months`` months)."""
    m_a = month_index(as_of)
    first = max(int(month_indices(data.spells["start_date"]).min()), m_a - months)
    idx = np.arange(first, m_a)
    starts = month_indices(data.spells["start_date"])
    counts = pd.Series(starts).value_counts().reindex(idx, fill_value=0)
    return counts.astype(float)


def _payments_per_new_spell(
    model: HazardModel, recent: pd.DataFrame, horizon: int, n_draws: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Per new spell: expected payment ``k`` months after its start month (``p[0] = mean b``),
    the variance of its payments over ``k = 0..L`` per ``L``, and ``p`` per parameter draw."""
    if horizon <= 0:
        return np.zeros(0), np.zeros(0), []
    if not len(recent):
        return np.zeros(horizon), np.zeros(horizon), []
    b = recent["monthly_benefit"].to_numpy(dtype=float)

    def path(surv: np.ndarray) -> np.ndarray:
        full = np.hstack([np.ones((len(b), 1)), surv[:, : horizon - 1]])  # P(T > k), k = 0..
        return (b[:, None] * full).mean(axis=0)

    s, draws = survival_paths(
        model, recent, max(horizon - 1, 1), n_draws=n_draws, seed=seed, reduce=path
    )

    variances = np.array(
        [float((b**2 * _months_variance(s[:, :L])).mean()) if L else 0.0 for L in range(horizon)]
    )
    return path(s), variances, draws
