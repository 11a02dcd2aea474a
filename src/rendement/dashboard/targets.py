"""Targets and traffic lights (*doelstelling*, *stoplicht*).

Every steered indicator has a direction: lower is better (``at_most``: caseload,
inflow, expenditure, clients without a trajectory) or higher is better
(``at_least``: outflow per 100 clients, outflow with a trajectory, trajectories
started, home visits, recoveries).

**Rule** (value ``v``, target ``t``, margin ``a``, default 5%):

* ``at_most``: green when ``v <= t``; orange when ``v <= t + a |t|``; red otherwise;
* ``at_least``: green when ``v >= t``; orange when ``v >= t - a |t|``; red otherwise;
* grey (no light) when the value or the target is unknown.

**Targets.** From ``TARGETS.csv`` (:mod:`.inputs`): a row with ``period``
``YYYY-MM`` sets that month; ``YYYY`` sets every month of the year -- except for
the caseload, where it is the level to reach at the end of the year and the
monthly target is the straight path from last December's caseload to it (the
*gewenst verloop*). Without a target in the file, the **documented default** is
the value of the same month a year earlier ("no worse than last year"), and
for expenditure, when a budget is given, one twelfth of the year's budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.checks import violations_at
from rendement.dashboard.inputs import TARGET_COLUMNS, DashboardInputError, read_checked
from rendement.errors import Violation

#: Default orange margin: 5% of the target.
DEFAULT_MARGIN = 0.05

GREEN, ORANGE, RED, GREY = "groen", "oranje", "rood", "grijs"


@dataclass(frozen=True)
class Indicator:
    code: str  # machine name in TARGETS.csv
    column: str  # column in the monthly table
    label: str  # Dutch, for people
    direction: str  # at_most / at_least


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator("caseload", "bestand", "Bijstandsbestand (einde maand)", "at_most"),
        Indicator("inflow", "instroom", "Instroom", "at_most"),
        Indicator("outflow_rate", "uitstroom_per_100", "Uitstroom per 100 klanten", "at_least"),
        Indicator(
            "outflow_with_trajectory", "uitstroom_met_traject", "Uitstroom met traject", "at_least"
        ),
        Indicator(
            "clients_without_trajectory",
            "bestand_zonder_traject",
            "Klanten zonder lopend traject",
            "at_most",
        ),
        Indicator("trajectories_started", "trajecten_gestart", "Trajecten gestart", "at_least"),
        Indicator("home_visits", "huisbezoeken", "Huisbezoeken", "at_least"),
        Indicator("expenditure", "uitgaven", "Uitkeringslasten (EUR)", "at_most"),
        Indicator("recoveries", "terugvordering", "Fraude teruggevorderd (EUR)", "at_least"),
    )
}


def traffic_light(
    value: float, target: float, direction: str, margin: float = DEFAULT_MARGIN
) -> str:
    """Green, orange, red or grey by the rule in the module docstring."""
    if value is None or target is None or not np.isfinite(value) or not np.isfinite(target):
        return GREY
    slack = margin * abs(target)
    if direction == "at_most":
        return GREEN if value <= target else ORANGE if value <= target + slack else RED
    if direction == "at_least":
        return GREEN if value >= target else ORANGE if value >= target - slack else RED
    raise ValueError(f"direction must be at_most or at_least, got {direction!r}")


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    year: int
    month: int | None  # None = the whole year
    target: float
    direction: str | None
    margin: float | None


def read_targets(path: Path | str) -> list[TargetRow]:
    """Rows of ``TARGETS.csv``, checked (every problem at once)."""
    problems: list[Violation] = []
    frame, rows, name = read_checked(path, TARGET_COLUMNS, "targets", collect=problems)
    present = frame["indicator"].notna().to_numpy()
    bad_code = present & ~frame["indicator"].isin(list(INDICATORS)).to_numpy()
    text = frame["period"].astype(str)
    bad_period = frame["period"].notna().to_numpy() & ~text.str.fullmatch(
        r"[0-9]{4}(-(0[1-9]|1[0-2]))?"
    ).to_numpy(dtype=bool)
    problems += violations_at(
        bad_code,
        file=name,
        rows=rows,
        column="indicator",
        values=frame["indicator"],
        expected="one of " + ", ".join(INDICATORS),
        code="unknown_category",
    )
    problems += violations_at(
        bad_period,
        file=name,
        rows=rows,
        column="period",
        values=text,
        expected="a year YYYY or a month YYYY-MM",
        code="invalid_type",
    )
    if problems:
        order = {c.name: k for k, c in enumerate(TARGET_COLUMNS)}
        problems.sort(key=lambda v: (v.row or 0, order.get(v.column or "", len(order))))
        raise DashboardInputError(
            f"the targets file {name} has {len(problems)} problem(s)", problems
        )
    out = []
    for _, r in frame.iterrows():
        m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2}))?", str(r["period"]))
        assert m is not None
        out.append(
            TargetRow(
                str(r["indicator"]),
                int(m.group(1)),
                int(m.group(2)) if m.group(2) else None,
                float(r["target"]),
                None
                if r["direction"] is None or r["direction"] != r["direction"]
                else str(r["direction"]),
                None if pd.isna(r["orange_margin"]) else float(r["orange_margin"]),
            )
        )
    return out


def monthly_targets(
    table: pd.DataFrame,
    rows: list[TargetRow],
    *,
    budget: dict[int, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """Per indicator: a frame over the months of ``table`` with value, target, light and
    the source of the target (``doelstelling``, ``begroting`` or ``vorig jaar``)."""
    months = table.index.to_numpy(dtype=np.int64)
    out: dict[str, pd.DataFrame] = {}
    for code, ind in INDICATORS.items():
        if ind.column not in table.columns:
            continue
        values = table[ind.column].to_numpy(dtype=float)
        target = np.full(len(months), np.nan)
        source = np.full(len(months), "", dtype=object)
        direction = np.full(len(months), ind.direction, dtype=object)
        margin = np.full(len(months), DEFAULT_MARGIN)
        # default: the same month a year earlier
        by_month = pd.Series(values, index=months)
        last_year = by_month.reindex(months - 12).to_numpy(dtype=float)
        has = np.isfinite(last_year)
        target[has], source[has] = last_year[has], "vorig jaar"
        if code == "expenditure" and budget:
            for i, m in enumerate(months):
                if int(m // 12) in budget:
                    target[i], source[i] = budget[int(m // 12)] / 12.0, "begroting"
        for r in (r for r in rows if r.indicator == code):
            for i, m in enumerate(months):
                year, month = int(m // 12), int(m % 12) + 1
                if year != r.year or (r.month is not None and r.month != month):
                    continue
                if code == "caseload" and r.month is None:
                    start = by_month.get(12 * year - 1, np.nan)
                    target[i] = start + (r.target - start) * month / 12.0
                else:
                    target[i] = r.target
                source[i] = "doelstelling"
                if r.direction:
                    direction[i] = r.direction
                if r.margin is not None:
                    margin[i] = r.margin
        lights = [
            traffic_light(v, t, d, a)
            for v, t, d, a in zip(values, target, direction, margin, strict=True)
        ]
        out[code] = pd.DataFrame(
            {"waarde": values, "doel": target, "stoplicht": lights, "bron": source},
            index=table.index,
        )
    return out
