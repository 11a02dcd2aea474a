"""The scoring engine: where every number of ``ranking.csv`` and ``returns.csv`` is computed.

* :mod:`~rendement.scoring.states` - the clients' states, the coefficients and the
  instruments to start (what a path is computed from);
* :mod:`~rendement.scoring.counterfactual` - per client the path without and with
  each instrument (waiting, lock-in, after-effect);
* :mod:`~rendement.scoring.survival` - hazards -> survival, outflow chances,
  restricted mean residual months;
* :mod:`~rendement.scoring.returns` - months saved, expected cost, net return;
* :mod:`~rendement.scoring.paths` - point scores and interval bounds from the paths
  (``p_outflow_6m``, ``expected_remaining_months``, ``months_saved``, ``net_return_eur``);
* :mod:`~rendement.scoring.intervals` - parameter draws and their quantiles;
* :mod:`~rendement.scoring.prepared` - per-model coefficients and draws, computed once;
* :mod:`~rendement.scoring.tables` - the labelled ranking and returns tables;
* :mod:`~rendement.scoring.caseload` - the caseload score (``score_caseload``,
  ``score_clients``, ``write_score``);
* :mod:`~rendement.scoring.explain` - reasons in words for an advice.
"""
