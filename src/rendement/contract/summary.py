"""A short description of a valid data folder, for people and for machines.

What ``rendement validate`` prints when the folder is valid: how many clients,
spells (and how many still run at the latest date in the data, the best guess
of the extraction date), trajectories per meter (rendementmeter) and
instruments in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.contract.schema import METERS


@dataclass(frozen=True)
class FolderSummary:
    """Counts that describe a valid data folder."""

    clients: int
    spells: int
    latest_date: pd.Timestamp
    running_spells: int
    trajectories: int
    trajectories_per_meter: dict[str, int]
    instruments: int
    instruments_per_meter: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "spells": self.spells,
            "latest_date": f"{self.latest_date:%Y-%m-%d}",
            "running_spells": self.running_spells,
            "trajectories": self.trajectories,
            "trajectories_per_meter": dict(self.trajectories_per_meter),
            "instruments": self.instruments,
            "instruments_per_meter": dict(self.instruments_per_meter),
        }

    def __str__(self) -> str:
        per_meter = "; ".join(f"{m} {n:,}" for m, n in self.trajectories_per_meter.items())
        catalogue = "; ".join(f"{m} {n:,}" for m, n in self.instruments_per_meter.items())
        return (
            f"{self.clients:,} clients with {self.spells:,} spells, of which "
            f"{self.running_spells:,} were still running on {self.latest_date:%Y-%m-%d} "
            f"(the latest date in the data); {self.trajectories:,} trajectories "
            f"({per_meter}); {self.instruments:,} instruments in the catalogue ({catalogue})."
        )


def summarise_folder(data: DataFolder) -> FolderSummary:
    """Counts of a valid folder; running spells are those with ``start_date <= D`` and
    ``end_date`` empty or after ``D``, at the latest date ``D`` in the data."""
    latest = data.extraction_date
    spells = data.spells
    running = (spells["start_date"] <= latest) & (
        spells["end_date"].isna() | (spells["end_date"] > latest)
    )
    meters = [m for m in METERS if (data.instruments["meter"] == m).any()]
    meter_of = data.instruments.set_index("instrument")["meter"]
    trajectory_meters = data.trajectories["instrument"].map(meter_of)
    return FolderSummary(
        clients=len(data.clients),
        spells=len(spells),
        latest_date=pd.Timestamp(latest),
        running_spells=int(running.sum()),
        trajectories=len(data.trajectories),
        trajectories_per_meter={m: int((trajectory_meters == m).sum()) for m in meters},
        instruments=len(data.instruments),
        instruments_per_meter={m: int((data.instruments["meter"] == m).sum()) for m in meters},
    )
