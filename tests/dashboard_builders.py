"""Hand-made data folders for the steering-report tests (typed as the contract reader gives them)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.model.expert import model_from_spec_file
from rendement.model.hazard_model import HazardModel

T = pd.Timestamp


def folder(
    clients: list[dict[str, object]],
    spells: list[tuple[str, str, str, str | None, float]],
    trajectories: list[tuple[str, str, str, str, str | None]] = (),  # type: ignore[assignment]
) -> DataFolder:
    """Clients (dicts with client_id and optional household_type, district, vrijgesteld),
    spells ``(spell_id, client_id, start, end, benefit)``, trajectories
    ``(trajectory_id, client_id, instrument, start, end)``."""
    c = pd.DataFrame(
        [
            {
                "birth_date": T("1980-01-01"),
                "household_type": "alleenstaand",
                "education": "middelbaar",
                "district": "Noord",
                "caseworker_id": "KM1",
                **row,
            }
            for row in clients
        ]
    )
    s = pd.DataFrame(
        [
            {
                "spell_id": sid,
                "client_id": cid,
                "start_date": T(a),
                "end_date": T(b) if b else pd.NaT,
                "end_reason": "werk" if b else None,
                "monthly_benefit": float(benefit),
            }
            for sid, cid, a, b, benefit in spells
        ],
        columns=[
            "spell_id",
            "client_id",
            "start_date",
            "end_date",
            "end_reason",
            "monthly_benefit",
        ],
    )
    s["end_date"] = pd.to_datetime(s["end_date"])
    t = pd.DataFrame(
        [
            {
                "trajectory_id": tid,
                "client_id": cid,
                "instrument": code,
                "start_date": T(a),
                "end_date": T(b) if b else pd.NaT,
                "cost": float("nan"),
                "provider": None,
                "result": None,
            }
            for tid, cid, code, a, b in trajectories
        ],
        columns=[
            "trajectory_id", "client_id", "instrument", "start_date", "end_date",
            "cost", "provider", "result",
        ],
    )  # fmt: skip
    t["start_date"] = pd.to_datetime(t["start_date"])
    t["end_date"] = pd.to_datetime(t["end_date"])
    instruments = pd.DataFrame(
        {
            "instrument": ["jobhunt", "werkdirect", "huisbezoek"],
            "label": ["Sollicitatietraining", "Werk Direct", "Huisbezoek"],
            "meter": ["reintegratie", "werk_direct", "handhaving"],
            "category": ["1", None, None],
            "price": [1500.0, 1000.0, 150.0],
            "duration_months": [3, 1, 0],
            "waiting_months": [1, 0, 0],
            "success_share": [0.0, 0.0, 0.0],
            "capacity": pd.array([12, 6, None], dtype="Int64"),
        }
    )
    return DataFolder(c, s, t, instruments)


CONSTANT_HAZARD = """
kind: expert
meter: reintegratie
version: test-constant
author: tests
rationale: a constant monthly chance of leaving, for exact expectations
baseline_outflow:
  "1-24": {h}
  "25+": {h}
instruments:
  - instrument: jobhunt
    label: Sollicitatietraining
    category: "1"
    price: 1500
    duration_months: 3
    waiting_months: 1
    lock_in_hazard_ratio: 1.0
    after_hazard_ratio: 1.0
"""


def constant_hazard_model(tmp: Path, h: float) -> HazardModel:
    """A declared model whose monthly chance of leaving is ``h`` for everyone, always."""
    f = tmp / "constant.yaml"
    f.write_text(CONSTANT_HAZARD.format(h=h))
    return model_from_spec_file(f)
