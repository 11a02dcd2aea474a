"""End reasons that are not outflow: aow and overleden censor, and outflow to one destination."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.hazard import fit_hazard
from rendement.model.fitting import fit_model
from rendement.model.spec import ModelSpec
from rendement.panel import build_panel
from rendement.panel.events import EventDefinition, EventDefinitionError


def _town():
    return read_data_folder(get_simulation(clients=3000, seed=5, heterogeneity=False).data_dir)


def test_the_simulator_lets_clients_leave_at_the_pension_age() -> None:
    data = _town()
    spells, clients = data.spells, data.clients.set_index("client_id")
    aow = spells[spells["end_reason"] == "aow"]
    assert len(aow) > 20
    from rendement.pension import pension_dates

    born = clients.loc[aow["client_id"], "birth_date"]
    end, due = pd.DatetimeIndex(aow["end_date"]), pension_dates(born.to_numpy())
    # the last whole spell month before the pension date
    assert ((end <= due) & (end > due - pd.DateOffset(months=1))).all()


def test_aow_ends_give_the_same_effects_as_spells_censored_by_hand() -> None:
    data = _town()
    model, _ = fit_model(data)  # default: aow and overleden censor
    spec = model.spec
    # by hand: aow counted as outflow, then the outflow of those spells removed in the panel
    panel = build_panel(data, events=EventDefinition(censor_reasons=()))
    aow = panel.spells.index[panel.spells["end_reason"] == "aow"].to_numpy()
    months = panel.months.copy()
    months.loc[months["spell_idx"].isin(aow), "outflow"] = 0
    by_hand = fit_hazard(
        type(panel)(months, panel.spells, panel.instruments, panel.until),
        spec,
        instruments_catalogue=data.instruments,
    )
    assert len(aow) > 20
    pd.testing.assert_series_equal(
        model.params, by_hand.params.reindex(model.params.index), rtol=1e-9, atol=1e-9,
        check_names=False,
    )  # fmt: skip
    # and counting aow as outflow gives other effects (the definition matters)
    as_outflow, _ = fit_model(data, spec=ModelSpec(censor_reasons=("overleden",)))
    gap = (as_outflow.params - model.params).abs()
    assert gap.max() > 0.01
    assert model.metadata["metrics"]["censored_at_end"] == len(aow)


def test_outcome_werk_censors_every_other_end() -> None:
    data = _town()
    panel = build_panel(data, events=EventDefinition(outcome="werk"))
    last = panel.months.groupby("spell_idx").tail(1).set_index("spell_idx")
    reason = panel.spells["end_reason"].reindex(last.index)
    assert (last.loc[reason == "werk", "outflow"] == 1).all()
    assert (last.loc[reason != "werk", "outflow"] == 0).all()
    assert panel.months["outflow"].sum() == (panel.spells["end_reason"] == "werk").sum()


def test_a_censored_end_is_a_cut_off_at_its_own_date() -> None:
    data = _town()
    panel = build_panel(data)
    sp = panel.spells
    aow = sp[sp["end_reason"] == "aow"]
    from rendement.timeutil import months_between_arrays

    expected = months_between_arrays(aow["inflow_date"], aow["end_date"])
    assert (aow["duration"].to_numpy() == expected).all()
    assert not aow["event"].any() and aow["censored_at_end"].all() and not aow["censored"].any()
    per_spell = panel.months.groupby("spell_idx").size()
    assert (per_spell.reindex(aow.index).fillna(0).to_numpy() == expected).all()


def test_unknown_end_reasons_are_refused() -> None:
    with pytest.raises(EventDefinitionError, match="pensioen"):
        EventDefinition(censor_reasons=("pensioen",))
    with pytest.raises(EventDefinitionError, match="also listed"):
        EventDefinition(censor_reasons=("werk",), outcome="werk")
    assert set(EventDefinition().outflow_reasons()) == {"werk", "opleiding", "verhuizing", "overig"}
    assert np.array_equal(
        EventDefinition().is_event(
            np.array(["werk", "aow", None], dtype=object), np.array([1, 1, 1])
        ),
        [True, False, True],
    )
