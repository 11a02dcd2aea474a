"""The hold-out follow-up on a hand-made data folder: who left, who is censored, and when."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scoring_builders import JOBHUNT, catalogue

from rendement.contract import read_data_folder
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec
from rendement.report import HoldoutError, holdout_sample


def _write(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text.strip() + "\n", encoding="utf-8")
    return folder


TABLES = {
    "clients": """
client_id,birth_date,gender,household_type,education
A,1980-01-01,V,alleenstaand,laag
B,1990-05-05,M,paar,middelbaar
C,1970-03-03,,alleenstaand,hoog
D,2000-02-02,X,alleenstaande_ouder,laag
E,1985-07-07,M,alleenstaand,middelbaar
F,1960-01-01,V,paar,laag
""",
    "spells": """
spell_id,client_id,start_date,end_date,end_reason,monthly_benefit
SA,A,2023-03-01,,,1300
SB,B,2024-01-01,2025-04-15,werk,1900
SC,C,2024-06-01,,,1300
SD,D,2024-06-01,2025-02-20,werk,1300
SE,E,2023-01-01,2026-01-01,overig,1300
SF,F,2023-01-01,2024-06-01,werk,1900
""",
    "trajectories": """
trajectory_id,client_id,instrument,start_date,end_date
TA,A,jobhunt,2024-01-01,2024-04-01
TC,C,jobhunt,2025-03-10,
TD,D,jobhunt,2025-02-10,2025-02-20
""",
    "instruments": """
instrument,label,meter,category,price,duration_months,waiting_months
jobhunt,Sollicitatietraining,reintegratie,1,1500,3,1
""",
}


def _model() -> HazardModel:
    spec = ModelSpec(instruments=("jobhunt",))
    params = pd.Series(-3.0, index=spec.baseline_terms())
    params["after:jobhunt"] = 0.3
    params["in:jobhunt"] = -0.2
    return HazardModel(
        spec, params, None, catalogue([JOBHUNT]), kind="expert", metadata={"version": "x"}
    )


def test_follow_up_in_the_hold_out_window(tmp_path: Path) -> None:
    data = read_data_folder(_write(tmp_path / "data", TABLES))
    sample = holdout_sample(_model(), data, holdout_months=12)
    assert sample.cutoff == pd.Timestamp("2025-01-01")
    assert sample.extraction == pd.Timestamp("2026-01-01")
    assert sample.window_months == 12
    assert not sample.refitted and "expert model" in sample.notes[0]
    c = sample.clients.set_index("client_id")
    assert sorted(c.index) == ["A", "B", "C", "D", "E"]  # F left before the cut-off
    # A: on benefit throughout (an instrument before the cut-off does not censor)
    assert (c.loc["A", "months_on_benefit"], c.loc["A", "followed_months"]) == (22, 12)
    assert not c.loc["A", "left"] and c.loc["A", "censored_by"] == "window end"
    # B: d = 12, left in spell month 15
    assert (c.loc["B", "followed_months"], c.loc["B", "left"]) == (3, True)
    # C: d = 7, a new instrument starts in spell month 10: followed months 8 and 9 only
    assert (c.loc["C", "followed_months"], c.loc["C", "left"]) == (2, False)
    assert c.loc["C", "censored_by"] == "new instrument"
    # D: left at the end of month 8, before the new instrument's month 9: the outflow counts
    assert (c.loc["D", "followed_months"], c.loc["D", "left"]) == (1, True)
    assert c.loc["D", "censored_by"] == ""
    # E: d = 24, left at the extraction date (spell month 36)
    assert (c.loc["E", "followed_months"], c.loc["E", "left"]) == (12, True)
    # Protected attributes only here; age at the cut-off
    assert c.loc["A", "gender"] == "V" and c.loc["C", "gender"] == "onbekend"
    assert c.loc["A", "age_band"] == "45-54" and c.loc["D", "age_band"] == "18-26"
    # Predictions are the scoring module's, in [0, 1] and ordered in time
    p = c[["p_outflow_6m", "p_outflow_12m", "p_outflow_18m"]].to_numpy()
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p, axis=1) >= 0)


def test_without_instrument_censoring_the_outflow_after_it_counts(tmp_path: Path) -> None:
    data = read_data_folder(_write(tmp_path / "data", TABLES))
    sample = holdout_sample(_model(), data, censor_at_new_instrument=False)
    c = sample.clients.set_index("client_id")
    assert (c.loc["C", "followed_months"], c.loc["C", "left"]) == (12, False)
    assert c.loc["C", "censored_by"] == "window end"


def test_a_hold_out_longer_than_the_data_is_refused(tmp_path: Path) -> None:
    data = read_data_folder(_write(tmp_path / "data", TABLES))
    with pytest.raises(HoldoutError, match="shorter --holdout-months"):
        holdout_sample(_model(), data, holdout_months=30)


def test_a_pension_end_is_no_outflow_and_no_loss_of_follow_up(tmp_path: Path) -> None:
    """The prediction holds a client's chance of outflow at the pension date (nobody leaves
    bijstand for work after it), so the observed side must count a client whose benefit ended by
    the AOW as followed to the window's end without outflow (cumulative incidence), not drop them
    from the risk set: Kaplan-Meier with the AOW as censoring would double the observed outflow
    here (0.4 against 0.2) and flag the 55+ as miscalibrated."""
    old = [f"P{i},1958-04-01,M,alleenstaand,laag" for i in range(5)]  # AOW on 2025-04-01
    young = [f"Y{i},1980-01-01,V,alleenstaand,laag" for i in range(5)]
    young.append("Z,1990-01-01,V,alleenstaand,laag")  # inflow on the extraction date
    spells = [f"S{c.split(',')[0]},{c.split(',')[0]},2023-01-01,2025-04-01,aow,1300" for c in old]
    spells += ["SY0,Y0,2023-01-01,2025-06-10,werk,1300", "SY1,Y1,2023-01-01,2025-06-10,werk,1300"]
    spells += [f"SY{i},Y{i},2023-01-01,,,1300" for i in range(2, 5)]
    spells.append("SZ,Z,2026-01-01,,,1300")
    tables = {
        **TABLES,
        "clients": "client_id,birth_date,gender,household_type,education\n"
        + "\n".join(old + young),
        "spells": "spell_id,client_id,start_date,end_date,end_reason,monthly_benefit\n"
        + "\n".join(spells),
        "trajectories": "trajectory_id,client_id,instrument,start_date,end_date",
    }
    data = read_data_folder(_write(tmp_path / "data", tables))
    sample = holdout_sample(_model(), data, holdout_months=12)
    c = sample.clients.set_index("client_id")
    assert (c.loc["P0", "followed_months"], c.loc["P0", "left"]) == (12, False)
    assert c.loc["P0", "censored_by"] == "aow"
    # the prediction stops at the pension date: no outflow chance after month 3
    assert c.loc["P0", "p_outflow_12m"] == pytest.approx(c.loc["P0", "p_outflow_6m"])
    from rendement.report.evaluation import calibration

    cal = calibration(sample.clients, sample.window_months)
    assert cal.overall.loc[12, "observed"] == pytest.approx(2 / 10)
