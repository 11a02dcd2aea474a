"""The report of a timing-of-events model shows its mixture and its effects against the default model."""

from __future__ import annotations

import numpy as np
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.report import build_report


@pytest.mark.slow
# a small town: an instrument may have few outflows (its warning is about the data, not the report)
@pytest.mark.filterwarnings("ignore::rendement.hazard.warnings.FewObservationsWarning")
def test_timing_of_events_report_shows_mass_points_and_default_effects() -> None:
    config = {"clients": 2500, "seed": 7, "heterogeneity": True, "selection": "unobserved"}
    data = read_data_folder(get_simulation(**config).data_dir)
    model, _ = fit_model(data, heterogeneity="npmle")
    assert model.heterogeneity is not None
    report = build_report(model, data)
    assert "heterogeneity" in report.section_ids
    assert (
        report.section_ids.index("heterogeneity")
        == report.section_ids.index("instrument-effects") + 1
    )
    section = report.section("heterogeneity")
    points = section.tables["mass-points"]
    assert len(points) == len(model.heterogeneity.locations)
    assert points["probability"].sum() == pytest.approx(1.0)
    cmp = section.tables["default-vs-toe"]
    assert "after:jobhunt" in cmp.index
    np.testing.assert_allclose(cmp["difference"], cmp["toe_coef"] - cmp["default_coef"])
    assert cmp.loc["after:jobhunt", "toe_coef"] == pytest.approx(model.params["after:jobhunt"])
    # the out-of-time re-fit is a timing-of-events model too, scored with posterior type weights
    assert report.key_figures["holdout"]["refitted"] is True
    assert 0.6 < report.key_figures["c_index"] < 0.95
    assert any("onwaarneembare heterogeniteit" in p for p in report.section("overview").paragraphs)
