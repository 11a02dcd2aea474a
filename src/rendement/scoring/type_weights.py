"""Which type a client is likely to be, for scoring a model with unobserved heterogeneity.

A model with mass points scores each client with the survival paths of the
types averaged with the client's posterior type weights: what the current
spell shows (months survived, instruments entered or not, when). With the
clients' history in a panel (the caseload) the weights use all of it
(:class:`rendement.hazard.toe.posterior.ClientHistories`); without it (a single
advice) they use what the advice knows
(:class:`rendement.hazard.toe.known.AdviceHistories`). For intervals each
parameter draw of a timing-of-events model carries its own mass points, and
its weights are computed again from the same history
(:mod:`rendement.hazard.toe.draws`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.hazard.design import PanelLike
from rendement.model.hazard_model import HazardModel
from rendement.scoring.prepared import prepared


def scoring_mixture(
    model: HazardModel,
    frame: pd.DataFrame,
    *,
    history: PanelLike | None,
    type_weights: np.ndarray | None,
    draws: tuple[int, int] | None,
    warnings_out: list[str],
) -> tuple[np.ndarray | None, list[tuple[np.ndarray, np.ndarray]] | None]:
    """Point type weights ``(n, K)`` and, with ``draws`` ``(n_draws, seed)``, per draw the
    mass-point locations and the weights they imply (``None`` when the model has no
    joint covariance of its mixture: the intervals then hold the mixture fixed)."""
    het = model.heterogeneity
    if het is None or len(het.locations) < 2 or not len(frame):
        return type_weights, None
    from rendement.hazard.toe.known import AdviceHistories
    from rendement.hazard.toe.posterior import ClientHistories

    histories: ClientHistories | AdviceHistories
    if history is not None:
        histories = ClientHistories(model, history, frame)
    else:
        histories = AdviceHistories(model, frame)
        if type_weights is None:
            warnings_out.append(
                "type weights from the months on benefit and the current instrument only (no "
                "earlier trajectory in this spell assumed); score_caseload uses the full history"
            )
    if type_weights is None:
        type_weights = histories.weights(model)
    if draws is None:
        return type_weights, None
    models = prepared(model).draw_models(*draws)
    if models is None:
        warnings_out.append(
            "intervals hold the mass points fixed: the model stores no joint covariance of "
            "its mixture (refit it to vary them)"
        )
        return type_weights, None
    mixtures = []
    for m in models:
        assert m.heterogeneity is not None
        mixtures.append((np.asarray(m.heterogeneity.locations, dtype=float), histories.weights(m)))
    return type_weights, mixtures
