"""Attach the clients-table columns (characteristics) to spell-level rows."""

from __future__ import annotations

import pandas as pd


def with_client_columns(frame: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with a ``client_id`` column) plus every clients-table column, row order kept.

    Columns of ``frame`` win over a clients column of the same name (an extra
    clients column called e.g. ``end_date`` is not attached). Clients missing
    from the table (invalid data) get empty values.
    """
    table = clients.drop_duplicates("client_id", keep="first")
    extra = [c for c in table.columns if c not in frame.columns]
    right = table.loc[:, ["client_id", *extra]].copy()
    right["client_id"] = right["client_id"].astype(object)
    left = frame.copy()
    left["client_id"] = left["client_id"].astype(object)
    merged = left.merge(right, on="client_id", how="left", sort=False, validate="many_to_one")
    merged.index = frame.index
    return merged
