"""Small hand-made data folders for the panel tests (typed as ``DataFolder`` documents)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rendement.contract.folder import DataFolder

SpellRow = tuple[str, str, str, str | None]  # spell_id, client_id, start_date, end_date
TrajectoryRow = tuple[str, str, str, str, str | None]  # id, client_id, instrument, start, end

#: A small catalogue: a 6-month trajectory, a one-off home visit, a 12-month language course.
CATALOGUE: tuple[tuple[str, str, int], ...] = (
    ("TRA", "reintegratie", 6),
    ("HB", "handhaving", 0),
    ("TAAL", "reintegratie", 12),
)


def _dates(values: Sequence[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")


def make_folder(
    spells: Sequence[SpellRow],
    trajectories: Sequence[TrajectoryRow] = (),
    *,
    birth_dates: dict[str, str] | None = None,
    catalogue: Sequence[tuple[str, str, int]] = CATALOGUE,
    extra_client_column: bool = False,
) -> DataFolder:
    """A ``DataFolder`` with the dtypes documented in ``rendement.contract.folder``."""
    client_ids = sorted({row[1] for row in spells} | {row[1] for row in trajectories})
    births = birth_dates or {}
    n = len(client_ids)
    clients = pd.DataFrame(
        {
            "client_id": pd.Series(client_ids, dtype=object),
            "birth_date": _dates([births.get(c, "1980-06-15") for c in client_ids]),
            "gender": pd.Series(["V" if i % 2 else "M" for i in range(n)], dtype=object),
            "household_type": pd.Series(["alleenstaand"] * n, dtype=object),
            "education": pd.Series(
                ["laag" if i % 2 else "middelbaar" for i in range(n)], dtype=object
            ),
            "dutch_language": pd.Series([True] * n, dtype="boolean"),
            "work_experience_years": pd.Series([float(i) for i in range(n)], dtype="float64"),
            "health_restriction": pd.Series([False] * n, dtype="boolean"),
            "district": pd.Series(["Noord"] * n, dtype=object),
            "caseworker_id": pd.Series([f"KM{i % 3}" for i in range(n)], dtype=object),
        }
    )
    if extra_client_column:
        clients["wijkteam"] = pd.Series([f"team{i % 2}" for i in range(n)], dtype=object)
    spell_frame = pd.DataFrame(
        {
            "spell_id": pd.Series([r[0] for r in spells], dtype=object),
            "client_id": pd.Series([r[1] for r in spells], dtype=object),
            "start_date": _dates([r[2] for r in spells]),
            "end_date": _dates([r[3] for r in spells]),
            "end_reason": pd.Series(
                [None if r[3] is None else "werk" for r in spells], dtype=object
            ),
            "monthly_benefit": pd.Series([1369.0 + i for i in range(len(spells))], dtype="float64"),
        }
    )
    traj_frame = pd.DataFrame(
        {
            "trajectory_id": pd.Series([r[0] for r in trajectories], dtype=object),
            "client_id": pd.Series([r[1] for r in trajectories], dtype=object),
            "instrument": pd.Series([r[2] for r in trajectories], dtype=object),
            "start_date": _dates([r[3] for r in trajectories]),
            "end_date": _dates([r[4] for r in trajectories]),
            "cost": pd.Series([float("nan")] * len(trajectories), dtype="float64"),
            "provider": pd.Series([None] * len(trajectories), dtype=object),
            "result": pd.Series([None] * len(trajectories), dtype=object),
        }
    )
    instruments = pd.DataFrame(
        {
            "instrument": pd.Series([c[0] for c in catalogue], dtype=object),
            "label": pd.Series([f"label {c[0]}" for c in catalogue], dtype=object),
            "meter": pd.Series([c[1] for c in catalogue], dtype=object),
            "category": pd.Series([None] * len(catalogue), dtype=object),
            "price": pd.Series([1000.0] * len(catalogue), dtype="float64"),
            "duration_months": pd.Series([c[2] for c in catalogue], dtype="int64"),
            "waiting_months": pd.Series([1] * len(catalogue), dtype="int64"),
            "success_share": pd.Series([0.0] * len(catalogue), dtype="float64"),
            "capacity": pd.Series([None] * len(catalogue), dtype="Int64"),
        }
    )
    return DataFolder(clients, spell_frame, traj_frame, instruments)


def test_make_folder_uses_the_documented_dtypes() -> None:
    data = make_folder(
        [("S1", "K1", "2020-01-01", None), ("S2", "K2", "2020-02-01", "2020-05-01")],
        [("T1", "K1", "TRA", "2020-02-01", None)],
    )
    assert data.spells["start_date"].dtype == "datetime64[ns]"
    assert data.spells["end_date"].isna().tolist() == [True, False]
    assert data.trajectories["end_date"].dtype == "datetime64[ns]"
    assert data.clients["dutch_language"].dtype == "boolean"
    assert data.instruments["duration_months"].dtype == "int64"
    assert data.extraction_date == pd.Timestamp("2020-05-01")
