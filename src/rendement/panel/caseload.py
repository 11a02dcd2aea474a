"""The caseload (klantenbestand) at an as-of date and each client's instrument state.

The caseload is every client with a spell running at ``as_of``
(``start_date <= as_of`` and ``end_date`` empty or after ``as_of``). A client
with ``d = months_between(start, as_of)`` months on benefit is scored from spell
month ``d + 1`` on, so the state reported is the state in month ``d + 1``:

* ``in:CODE`` - an instrument of this spell runs in month ``d + 1``
  (``first_month <= d + 1 <= last``, where ``last`` is the planned last month
  for a trajectory still running at ``as_of``: its end date, or the catalogue
  duration when it has none; a running trajectory past its catalogue duration
  still counts as running for month ``d + 1``, since the contract says an empty
  end date means "still running");
* ``after:CODE`` - a trajectory of this spell was over before month ``d + 1``.

Only data up to ``as_of`` is used: trajectories starting later are ignored and
a spell ending later counts as running.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.panel.clients import with_client_columns
from rendement.panel.cutoff import code_index, resolve_codes, resolve_until, spells_at_cutoff
from rendement.panel.episodes import episode_table


def caseload_state(
    data: DataFolder,
    as_of: dt.date | pd.Timestamp,
    *,
    instruments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per client on benefit at ``as_of``, in ``client_id`` order.

    Columns: ``client_id``, ``spell_id``, ``inflow_date``, ``months_on_benefit``
    (d), ``monthly_benefit``, every clients-table column, ``current_instrument``
    (the latest started instrument running in month ``d + 1``; ``""`` when none),
    ``remaining_in_months`` (its months ``d + 1 ..`` still to go, 0 when none)
    and per instrument code ``in:CODE`` and ``after:CODE`` (int8) for month ``d + 1``.
    ``instruments`` (default: the catalogue, in order) limits the instruments considered.

    Long: one vectorised pass from spells and episodes to each client's state in month d + 1; the steps share the aligned arrays.
    """
    cutoff = resolve_until(data, as_of)
    codes = resolve_codes(data, instruments)
    view = spells_at_cutoff(data.spells, cutoff)
    rows = np.flatnonzero(view.censored)
    spells = data.spells.iloc[rows]
    frame = pd.DataFrame(
        {
            "client_id": spells["client_id"].to_numpy(dtype=object),
            "spell_id": spells["spell_id"].to_numpy(dtype=object),
            "inflow_date": view.start[rows],
            "months_on_benefit": view.duration[rows],
            "monthly_benefit": spells["monthly_benefit"].to_numpy(dtype=np.float64),
            "_spell_row": rows,
        }
    )
    # A client has at most one running spell in valid data; keep the latest started otherwise.
    frame = frame.sort_values(["client_id", "inflow_date"], kind="stable")
    frame = frame.drop_duplicates("client_id", keep="last").reset_index(drop=True)
    frame = with_client_columns(frame, data.clients)

    n = len(frame)
    state_in = np.zeros((n, len(codes)), dtype=np.int8)
    state_after = np.zeros((n, len(codes)), dtype=np.int8)
    current = np.full(n, "", dtype=object)
    remaining = np.zeros(n, dtype=np.int64)

    ep = episode_table(data, view)
    code_idx = code_index(codes, ep["instrument"])
    row_of = np.full(len(data.spells), -1, dtype=np.int64)
    row_of[frame["_spell_row"].to_numpy(dtype=np.int64)] = np.arange(n)
    who = row_of[ep["spell_idx"].to_numpy()]
    keep = (code_idx >= 0) & (who >= 0)
    ep = ep.loc[keep].reset_index(drop=True)
    code_idx, who = code_idx[keep], who[keep]

    if len(ep):
        next_month = frame["months_on_benefit"].to_numpy()[who] + 1
        first = ep["first_month"].to_numpy()
        # A trajectory without an end date is still running at as-of (data contract), even when
        # its catalogue duration has passed: it stays "in" for at least month d + 1.
        running_now = ep["running_at_cutoff"].to_numpy(dtype=bool)
        planned = ep["planned_last_month"].to_numpy()
        open_ended = running_now & ep["open_ended"].to_numpy(dtype=bool)
        last = np.where(
            running_now,
            np.where(open_ended, np.maximum(planned, next_month), planned),
            ep["last_month"].to_numpy(),
        )
        running = (first <= next_month) & (next_month <= last)
        over = last < next_month
        state_in[who[running], code_idx[running]] = 1
        state_after[who[over], code_idx[over]] = 1

        latest = pd.DataFrame(
            {
                "who": who[running],
                "first": first[running],
                "start": ep["start_date"].to_numpy()[running],
                "order": ep["trajectory_row"].to_numpy()[running],
                "code": np.asarray(codes, dtype=object)[code_idx[running]],
                "left": last[running] - next_month[running] + 1,
            }
        )
        latest = latest.sort_values(["who", "first", "start", "order"], kind="stable")
        latest = latest.drop_duplicates("who", keep="last")
        current[latest["who"].to_numpy()] = latest["code"].to_numpy()
        remaining[latest["who"].to_numpy()] = latest["left"].to_numpy()

    state: dict[str, np.ndarray] = {
        "current_instrument": current,
        "remaining_in_months": remaining,
    }
    for j, code in enumerate(codes):
        state[f"in:{code}"] = state_in[:, j]
        state[f"after:{code}"] = state_after[:, j]
    return pd.concat(
        [frame.drop(columns="_spell_row"), pd.DataFrame(state, index=frame.index)], axis=1
    )
