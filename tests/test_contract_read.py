"""The typed tables of a valid folder: the dtypes ``DataFolder`` promises, the same tables
from CSV, Parquet and Excel, nothing written, and the speed at municipal scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from contract_builders import set_cell, valid_tables, write_folder

from rendement.contract import (
    DataFolder,
    check_data_folder,
    read_data_folder,
    summarise_folder,
    validate_data_folder,
)

TABLE_NAMES = ("clients", "spells", "trajectories", "instruments")


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def test_the_typed_tables_have_the_documented_dtypes(tmp_path: Path) -> None:
    data = read_data_folder(write_folder(tmp_path / "data", valid_tables()))
    c, s, t, i = data.clients, data.spells, data.trajectories, data.instruments
    for frame in (c, s, t, i):
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    for column in ("client_id", "district", "caseworker_id", "gender", "household_type"):
        assert c[column].dtype == object
    assert c["birth_date"].dtype == "datetime64[ns]"
    assert str(c["dutch_language"].dtype) == "boolean"
    assert str(c["health_restriction"].dtype) == "boolean"
    assert c["work_experience_years"].dtype == "float64"
    assert c["gender"].tolist() == ["M", "V", "X", None]  # None, not NaN, when empty
    assert c["district"].tolist() == ["Noord", "Zuid", None, "Noord"]
    assert s["start_date"].dtype == s["end_date"].dtype == "datetime64[ns]"
    assert s["end_date"].isna().tolist() == [False, True, False, True, False]
    assert s["end_reason"].tolist() == ["werk", None, "opleiding", None, "overig"]
    assert s["monthly_benefit"].tolist() == [1200.5, 1250.0, 980.0, 1369.25, 1100.0]
    assert t["start_date"].dtype == t["end_date"].dtype == "datetime64[ns]"
    assert t["cost"].dtype == "float64" and np.isnan(t["cost"].iloc[1])
    assert t["provider"].tolist() == ["ReIntegra", None, None]
    assert i["category"].tolist() == ["2a", "1", None]
    assert i["price"].dtype == "float64"
    assert i["duration_months"].dtype == i["waiting_months"].dtype == "int64"
    assert i["success_share"].tolist() == [0.4, 0.0, 0.0]  # the contract's default 0
    assert str(i["capacity"].dtype) == "Int64"
    assert i["capacity"].isna().tolist() == [False, True, True]
    assert data.path == tmp_path / "data"
    assert data.extraction_date == pd.Timestamp("2021-04-30")


@pytest.mark.parametrize("fmt", ["parquet", "parquet-text", "xlsx"])
def test_parquet_and_excel_give_the_same_tables_as_csv(tmp_path: Path, fmt: str) -> None:
    from_csv = read_data_folder(write_folder(tmp_path / "csv", valid_tables(), "csv"))
    other = read_data_folder(write_folder(tmp_path / fmt, valid_tables(), fmt))
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(from_csv, name), getattr(other, name))
    assert from_csv.fingerprint() == other.fingerprint()


def test_a_folder_may_mix_formats(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    tables = valid_tables()
    write_folder(folder, {"clients": tables["clients"]}, "xlsx")
    write_folder(folder, {"spells": tables["spells"]}, "parquet")
    write_folder(folder, {k: tables[k] for k in ("trajectories", "instruments")}, "csv")
    reference = read_data_folder(write_folder(tmp_path / "csv", valid_tables()))
    mixed = read_data_folder(folder)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(reference, name), getattr(mixed, name))


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_violations_are_the_same_whatever_the_format(tmp_path: Path, fmt: str) -> None:
    tables = set_cell(valid_tables(), "spells", 4, "monthly_benefit", "-980")
    set_cell(tables, "trajectories", 3, "instrument", "XYZ")
    set_cell(tables, "instruments", 3, "success_share", "1.5")
    found = {}
    for f in ("csv", fmt):
        violations = validate_data_folder(write_folder(tmp_path / f, tables, f))
        found[f] = [(v.file.split(".")[0], v.row, v.column, v.value, v.code) for v in violations]
    assert found["csv"] == found[fmt]
    assert len(found["csv"]) == 3


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize("valid", [True, False])
def test_nothing_is_written_into_the_data_folder(tmp_path: Path, fmt: str, valid: bool) -> None:
    tables = valid_tables()
    if not valid:
        set_cell(tables, "spells", 4, "start_date", "morgen")
    folder = write_folder(tmp_path / "data", tables, fmt)
    before = _snapshot(folder)
    check = check_data_folder(folder)
    assert check.valid is valid
    assert _snapshot(folder) == before


def test_the_summary_counts_the_folder(tmp_path: Path) -> None:
    summary = summarise_folder(read_data_folder(write_folder(tmp_path / "d", valid_tables())))
    assert summary.to_dict() == {
        "clients": 4,
        "spells": 5,
        "latest_date": "2021-04-30",
        "running_spells": 2,  # S2 and S4; S3 ends on the latest date itself
        "trajectories": 3,
        "trajectories_per_meter": {"reintegratie": 2, "handhaving": 1},
        "instruments": 3,
        "instruments_per_meter": {"reintegratie": 2, "handhaving": 1},
    }
    assert "4 clients" in str(summary) and "2021-04-30" in str(summary)


def _municipality(folder: Path, clients: int, spells: int, trajectories: int) -> None:
    """A valid folder of the given size: every client one spell, some a second one later."""
    rng = np.random.default_rng(20260101)
    folder.mkdir(parents=True)
    ids = pd.Series([f"C{i:06d}" for i in range(clients)])
    pd.DataFrame(
        {
            "client_id": ids,
            "birth_date": (
                pd.Timestamp("1960-01-01") + pd.to_timedelta(rng.integers(0, 12_000, clients), "D")
            ).strftime("%Y-%m-%d"),
            "gender": rng.choice(["M", "V", "X", ""], clients),
            "household_type": rng.choice(["alleenstaand", "alleenstaande_ouder", "paar"], clients),
            "education": rng.choice(["laag", "middelbaar", "hoog", "onbekend"], clients),
            "dutch_language": rng.choice(["ja", "nee", ""], clients),
            "work_experience_years": rng.integers(0, 30, clients),
            "health_restriction": rng.choice(["true", "false", ""], clients),
            "district": rng.choice(["Noord", "Zuid", "Oost", "West"], clients),
            "caseworker_id": rng.choice([f"KM{i}" for i in range(40)], clients),
        }
    ).to_csv(folder / "clients.csv", index=False)
    first_start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 2_000, clients), "D")
    first_end = first_start + pd.to_timedelta(rng.integers(0, 700, clients), "D")
    again = rng.choice(clients, spells - clients, replace=False)
    second_start = first_end[again] + pd.to_timedelta(rng.integers(1, 400, len(again)), "D")
    pd.DataFrame(
        {
            "spell_id": [f"S{i}" for i in range(spells)],
            "client_id": pd.concat([ids, ids.iloc[again]]).to_numpy(),
            "start_date": np.concatenate(
                [first_start.strftime("%Y-%m-%d"), second_start.strftime("%Y-%m-%d")]
            ),
            "end_date": np.concatenate([first_end.strftime("%Y-%m-%d"), np.full(len(again), "")]),
            "end_reason": np.concatenate([np.full(clients, "werk"), np.full(len(again), "")]),
            "monthly_benefit": np.round(rng.uniform(800, 1600, spells), 2),
        }
    ).to_csv(folder / "spells.csv", index=False)
    who = rng.choice(clients, trajectories)
    length = (first_end - first_start).days.to_numpy()[who]
    offset = np.floor(rng.uniform(size=trajectories) * (length + 1)).astype(int)
    start = first_start[who] + pd.to_timedelta(offset, "D")  # inside the first spell
    pd.DataFrame(
        {
            "trajectory_id": [f"T{i}" for i in range(trajectories)],
            "client_id": ids.iloc[who].to_numpy(),
            "instrument": rng.choice(["TRA", "TAAL", "HB"], trajectories),
            "start_date": start.strftime("%Y-%m-%d"),
            "end_date": "",
            "cost": rng.choice(["", "1500", "250.5"], trajectories),
            "provider": "",
            "result": "",
        }
    ).to_csv(folder / "trajectories.csv", index=False)
    catalogue = valid_tables()["instruments"]
    pd.DataFrame(catalogue[1:], columns=catalogue[0]).to_csv(
        folder / "instruments.csv", index=False
    )


def test_a_municipality_of_50000_clients_is_read_and_checked(tmp_path: Path) -> None:
    """Its speed is measured in ``benchmarks/bench_read.py``, not asserted here."""
    _municipality(tmp_path / "big", clients=50_000, spells=70_000, trajectories=20_000)
    data = read_data_folder(tmp_path / "big")
    assert isinstance(data, DataFolder)
    assert (len(data.clients), len(data.spells), len(data.trajectories)) == (50_000, 70_000, 20_000)


def test_every_one_of_many_violations_is_counted_and_the_first_listed(tmp_path: Path) -> None:
    from rendement.contract import check_data_folder
    from rendement.contract.limits import MAX_LISTED_PER_FILE

    _municipality(tmp_path / "big", clients=5_000, spells=6_000, trajectories=1_000)
    spells = pd.read_csv(tmp_path / "big" / "spells.csv", dtype=str, keep_default_na=False)
    spells["monthly_benefit"] = "-1"  # every row
    spells.to_csv(tmp_path / "big" / "spells.csv", index=False)
    check = check_data_folder(tmp_path / "big")
    assert check.counts == {"spells.csv": 6_000} and check.total == 6_000
    violations = check.violations  # issue 13: at most the limit listed, in reading order
    assert [v.row for v in violations] == list(range(2, 2 + MAX_LISTED_PER_FILE))
    assert {v.code for v in violations} == {"negative_amount"}
    assert validate_data_folder(tmp_path / "big") == violations
