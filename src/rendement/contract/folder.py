"""The data folder after validation: four typed, normalised tables.

What every module downstream of the contract may rely on:

* ``clients``: one row per client, index 0..n-1, columns as in the contract.
  ``client_id``/``district``/``caseworker_id``: ``object`` (str, or None when empty);
  ``birth_date``: ``datetime64[ns]``; ``gender``/``household_type``/``education``: str or None;
  ``dutch_language``/``health_restriction``: pandas nullable ``boolean``;
  ``work_experience_years``: ``float64`` (NaN when empty).
* ``spells``: ``start_date``/``end_date`` ``datetime64[ns]`` (NaT = still on benefit),
  ``end_reason`` str or None, ``monthly_benefit`` float64.
* ``trajectories``: ``start_date``/``end_date`` datetime64 (NaT = running),
  ``cost`` float64 (NaN = catalogue price), ``provider``/``result`` str or None.
* ``instruments``: ``category`` str or None, ``price`` float64,
  ``duration_months``/``waiting_months`` int64, ``success_share`` float64
  (0 when empty), ``capacity`` nullable ``Int64``.

Optional tables (``None`` when the folder has no such file): ``applications``
(``application_id``, ``date`` datetime64, ``decision``, ``district``) and
``recoveries`` (``recovery_id``, ``date``, ``amount`` float64, ``district``).

Extra columns in a file are kept, as text unless they parse as numbers.
Always-present columns: optional contract columns missing from the file are
added, empty.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class DataFolder:
    """The four validated tables of one municipality's export (and the optional ones)."""

    clients: pd.DataFrame
    spells: pd.DataFrame
    trajectories: pd.DataFrame
    instruments: pd.DataFrame
    path: Path | None = None
    applications: pd.DataFrame | None = None
    recoveries: pd.DataFrame | None = None

    @property
    def extraction_date(self) -> pd.Timestamp:
        """Latest date seen in the data: the best available guess of the extraction date."""
        dates = [
            self.spells["start_date"].max(),
            self.spells["end_date"].max(),
            self.trajectories["start_date"].max() if len(self.trajectories) else pd.NaT,
            self.trajectories["end_date"].max() if len(self.trajectories) else pd.NaT,
        ]
        return max(d for d in dates if not pd.isna(d))

    def instruments_of(self, meter: str) -> pd.DataFrame:
        """The catalogue rows of one meter (``reintegratie``, ``werk_direct``, ``handhaving``)."""
        return self.instruments[self.instruments["meter"] == meter].reset_index(drop=True)

    def fingerprint(self) -> str:
        """SHA-256 over the normalised tables: identifies the training data in a model manifest."""
        h = hashlib.sha256()
        for name in ("clients", "spells", "trajectories", "instruments"):
            frame: pd.DataFrame = getattr(self, name)
            h.update(name.encode())
            h.update(
                pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes()
            )
        return h.hexdigest()
