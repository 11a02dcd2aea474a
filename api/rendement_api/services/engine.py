"""The one place the service calls the scoring engine (:func:`rendement.scoring.caseload.score_clients`).

Turns a :class:`rendement.scoring.caseload.CaseloadScore` into what advices need:
the ranking indexed by ``client_id``, the returns with the interval bounds as
``net_return_low_eur`` / ``net_return_high_eur``, and the survival paths
without and with each instrument for the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.scoring.returns import NO_INSTRUMENT


@dataclass
class EngineResult:
    ranking: pd.DataFrame  # index: client_id
    returns: pd.DataFrame  # client_id, instrument, ..., net_return_low_eur, net_return_high_eur
    paths: pd.DataFrame | None
    warnings: tuple[str, ...]
    _blocks: dict[tuple[str, str], np.ndarray] | None = field(default=None, repr=False)

    def survival(self, client_id: str, codes: list[str]) -> dict[str, Any]:
        """Chart data: P(still on benefit after month t) without and with each instrument."""
        blocks = self._path_blocks()
        without = blocks.get((client_id, NO_INSTRUMENT))
        if without is None:
            raise ValueError(f"no survival path without an instrument for client {client_id!r}")
        with_ = {c: blocks[(client_id, c)] for c in codes if (client_id, c) in blocks}
        return {
            "months": list(range(1, len(without) + 1)),
            "without": np.round(without, 4).tolist(),
            "with_instrument": {c: np.round(p, 4).tolist() for c, p in with_.items()},
        }

    def _path_blocks(self) -> dict[tuple[str, str], np.ndarray]:
        """The long path table as one array of months per (client, instrument)."""
        if self._blocks is None:
            if self.paths is None:
                raise ValueError("the score was computed without survival paths")
            p = self.paths.sort_values(["client_id", "instrument", "month"], kind="stable")
            month = p["month"].to_numpy(dtype=np.int64)
            h = int(month.max()) if len(month) else 0
            whole = h > 0 and len(p) % h == 0
            if not whole or not np.array_equal(month, np.tile(np.arange(1, h + 1), len(p) // h)):
                raise ValueError(
                    "survival paths must hold months 1..H for every client and instrument"
                )
            ids = p["client_id"].astype(str).to_numpy()[::h]
            codes = p["instrument"].astype(str).to_numpy()[::h]
            values = p["survival"].to_numpy(dtype=float).reshape(-1, h)
            self._blocks = {
                (i, c): values[k] for k, (i, c) in enumerate(zip(ids, codes, strict=True))
            }
        return self._blocks


def score(
    model: HazardModel,
    clients: pd.DataFrame,
    *,
    interval: float,
    n_draws: int,
    keep_paths: bool,
    seed: int = 0,
) -> EngineResult:
    from rendement.scoring.caseload import score_clients

    result = score_clients(
        model,
        clients,
        interval=interval if n_draws > 0 else None,
        n_draws=max(n_draws, 1),
        seed=seed,
        keep_paths=keep_paths,
    )
    ranking = result.ranking.copy()
    ranking["client_id"] = ranking["client_id"].astype(str)
    ranking = ranking.set_index("client_id", drop=False)
    returns = result.returns.copy()
    if len(returns):
        returns["client_id"] = returns["client_id"].astype(str)
    for ours, theirs in (
        ("net_return_low_eur", "net_return_eur_lower"),
        ("net_return_high_eur", "net_return_eur_upper"),
        ("net_return_total_low_eur", "net_return_total_eur_lower"),
        ("net_return_total_high_eur", "net_return_total_eur_upper"),
        ("benefit_months_saved", "benefit_months_saved"),
        ("net_return_total_eur", "net_return_total_eur"),
    ):
        returns[ours] = returns[theirs] if theirs in returns.columns else np.nan
    return EngineResult(
        ranking=ranking,
        returns=returns,
        paths=result.paths if keep_paths else None,
        warnings=tuple(result.warnings),
    )
