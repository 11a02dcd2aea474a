"""Property tests: random small tables against a plain loop-per-month reference.

The reference below is a direct transcription of ``docs/architecture.md`` ("Time",
"Instrument states") with the scalar ``months_between``; the vectorised panel and
caseload state must agree with it record for record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_panel_tables import CATALOGUE, make_folder

from rendement.contract.folder import DataFolder
from rendement.panel import build_panel, caseload_state, instrument_episodes
from rendement.timeutil import add_months, months_between

CODES = [c[0] for c in CATALOGUE]
DURATION = {c[0]: c[2] for c in CATALOGUE}
BASE = dt.date(2019, 1, 1)

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _day(offset: int) -> str:
    return (BASE + dt.timedelta(days=offset)).isoformat()


@st.composite
def folders(draw: st.DrawFn) -> tuple[DataFolder, dt.date]:
    """1-4 clients with 1-3 non-overlapping spells each and 0-3 trajectories per spell."""
    spells: list[tuple[str, str, str, str | None]] = []
    trajectories: list[tuple[str, str, str, str, str | None]] = []
    for c in range(draw(st.integers(1, 4))):
        client = f"K{c}"
        day = draw(st.integers(0, 400))
        n_spells = draw(st.integers(1, 3))
        for i in range(n_spells):
            open_spell = i == n_spells - 1 and draw(st.booleans())
            length = draw(st.integers(0, 500))
            spell_id = f"S{len(spells)}"
            spells.append((spell_id, client, _day(day), None if open_spell else _day(day + length)))
            for _ in range(draw(st.integers(0, 3))):
                start = day + draw(st.integers(0, length))
                end = draw(st.one_of(st.none(), st.integers(0, 400)))
                trajectories.append(
                    (
                        f"T{len(trajectories)}",
                        client,
                        draw(st.sampled_from(CODES)),
                        _day(start),
                        None if end is None else _day(start + end),
                    )
                )
            day += length + draw(st.integers(1, 300))
    # Half of the cut-offs fall shortly after some inflow, so that many spells run at the cut-off.
    starts = [(dt.date.fromisoformat(row[2]) - BASE).days for row in spells]
    if draw(st.booleans()):
        offset = draw(st.sampled_from(starts)) + draw(st.integers(0, 400))
    else:
        offset = draw(st.integers(0, 1800))
    return make_folder(spells, trajectories), BASE + dt.timedelta(days=offset)


def _ts(value: Any) -> pd.Timestamp | None:
    return None if pd.isna(value) else pd.Timestamp(value)


def _episodes_of(
    data: DataFolder, spell: Any, cutoff: pd.Timestamp, n: int
) -> list[dict[str, Any]]:
    """The trajectories inside ``spell`` started by ``cutoff``, with s, e and planned last month."""
    start, end = pd.Timestamp(spell.start_date), _ts(spell.end_date)
    out = []
    for order, t in enumerate(data.trajectories.itertuples()):
        a, b = pd.Timestamp(t.start_date), _ts(t.end_date)
        if t.client_id != spell.client_id or a < start or a > cutoff:
            continue
        if end is not None and a > end:
            continue
        s = months_between(start, a) + 1
        ended = b is not None and b <= cutoff
        e = min(months_between(start, b), n) if ended and b is not None else n
        planned = months_between(start, b) if b is not None else s - 1 + DURATION[t.instrument]
        out.append(
            {
                "code": t.instrument,
                "s": s,
                "e": max(e, s - 1),
                "planned": max(planned, s - 1),
                "running": not ended,
                "open_ended": b is None,
                "key": (s, a, order),
            }
        )
    return out


def reference_panel(data: DataFolder, until: dt.date) -> pd.DataFrame:
    cutoff = pd.Timestamp(until)
    rows = []
    for spell in data.spells.itertuples():
        start, end = pd.Timestamp(spell.start_date), _ts(spell.end_date)
        if start > cutoff:
            continue
        ended = end is not None and end <= cutoff
        n = (
            max(1, months_between(start, end))
            if ended and end is not None
            else months_between(start, cutoff)
        )
        episodes = _episodes_of(data, spell, cutoff, n)
        for k in range(1, n + 1):
            row: dict[str, Any] = {
                "spell_id": spell.spell_id,
                "month": k,
                "calendar_month": add_months(start, k - 1).replace(day=1),
                "outflow": int(ended and k == n),
            }
            inside = [ep for ep in episodes if ep["s"] <= k <= ep["e"]]
            for code in CODES:
                row[f"in:{code}"] = int(any(ep["code"] == code for ep in inside))
                row[f"after:{code}"] = int(
                    any(ep["code"] == code and k > ep["e"] for ep in episodes)
                )
            latest = max(inside, key=lambda ep: ep["key"], default=None)
            row["current_instrument"] = "" if latest is None else latest["code"]
            row["months_in_instrument"] = 0 if latest is None else k - latest["s"] + 1
            rows.append(row)
    return pd.DataFrame(rows)


def reference_caseload(data: DataFolder, as_of: dt.date) -> pd.DataFrame:
    cutoff = pd.Timestamp(as_of)
    rows = []
    for spell in data.spells.itertuples():
        start, end = pd.Timestamp(spell.start_date), _ts(spell.end_date)
        if start > cutoff or (end is not None and end <= cutoff):
            continue
        d = months_between(start, cutoff)
        row: dict[str, Any] = {"client_id": spell.client_id, "months_on_benefit": d}
        episodes = _episodes_of(data, spell, cutoff, d)
        for ep in episodes:
            open_ended = ep["running"] and ep.get("open_ended", False)
            ep["last"] = (
                (max(ep["planned"], d + 1) if open_ended else ep["planned"])
                if ep["running"]
                else ep["e"]
            )
        inside = [ep for ep in episodes if ep["s"] <= d + 1 <= ep["last"]]
        latest = max(inside, key=lambda ep: ep["key"], default=None)
        row["current_instrument"] = "" if latest is None else latest["code"]
        row["remaining_in_months"] = 0 if latest is None else latest["last"] - d
        for code in CODES:
            row[f"in:{code}"] = int(any(ep["code"] == code for ep in inside))
            row[f"after:{code}"] = int(
                any(ep["code"] == code and ep["last"] < d + 1 for ep in episodes)
            )
        rows.append(row)
    return (
        pd.DataFrame(rows).sort_values("client_id").reset_index(drop=True)
        if rows
        else pd.DataFrame()
    )


@PROPERTY_SETTINGS
@given(folders())
def test_panel_matches_the_reference_month_by_month(case: tuple[DataFolder, dt.date]) -> None:
    data, until = case
    panel = build_panel(data, until=until)
    expected = reference_panel(data, until)
    if expected.empty:
        assert panel.n_person_months == 0
        return
    got = panel.months.assign(
        spell_id=panel.spells["spell_id"].to_numpy()[panel.months["spell_idx"].to_numpy()],
        current_instrument=panel.months["current_instrument"].astype(str),
    )
    columns = list(expected.columns)
    got = got[columns].astype(object).reset_index(drop=True)
    want = expected[columns].astype(object)
    assert got.to_dict("records") == want.to_dict("records")


@PROPERTY_SETTINGS
@given(folders())
def test_outflows_equal_ended_spells_and_rows_equal_durations(
    case: tuple[DataFolder, dt.date],
) -> None:
    data, until = case
    cutoff = pd.Timestamp(until)
    panel = build_panel(data, until=until)
    starts, ends = data.spells["start_date"], data.spells["end_date"]
    ended_before = int(((starts <= cutoff) & ends.notna() & (ends <= cutoff)).sum())
    assert int(panel.months["outflow"].sum()) == ended_before
    rows_per_spell = panel.months.groupby("spell_idx").size()
    for idx, spell in panel.spells.iterrows():
        start = spell["inflow_date"]
        if spell["censored"]:
            duration = months_between(start, cutoff)
        else:
            duration = max(1, months_between(start, spell["end_date"]))
        assert spell["duration"] == duration
        assert rows_per_spell.get(idx, 0) == duration
        if not spell["censored"]:
            last = panel.months[panel.months["spell_idx"] == idx].iloc[-1]
            assert (last["month"], last["outflow"]) == (duration, 1)


@PROPERTY_SETTINGS
@given(folders())
def test_caseload_state_matches_the_reference(case: tuple[DataFolder, dt.date]) -> None:
    data, as_of = case
    state = caseload_state(data, as_of)
    expected = reference_caseload(data, as_of)
    if expected.empty:
        assert len(state) == 0
        return
    columns = list(expected.columns)
    got = state[columns].astype(object).to_dict("records")
    assert got == expected[columns].astype(object).to_dict("records")


@PROPERTY_SETTINGS
@given(folders())
def test_every_trajectory_started_by_the_cutoff_is_an_episode(
    case: tuple[DataFolder, dt.date],
) -> None:
    # Generated trajectories always start inside a spell of their client.
    data, until = case
    episodes = instrument_episodes(data, until=until)
    started = data.trajectories["start_date"] <= pd.Timestamp(until)
    assert (
        episodes["trajectory_id"].tolist()
        == data.trajectories.loc[started, "trajectory_id"].tolist()
    )
    assert (episodes["last_month"] >= episodes["first_month"] - 1).all()
