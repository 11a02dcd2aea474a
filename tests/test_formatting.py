"""Dutch numbers, money, percentages and dates: one module for everything a person reads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from rendement.formatting import (
    MISSING,
    cell,
    date_short,
    date_text,
    integer,
    money,
    month_long,
    month_short,
    months,
    number,
    percent,
)

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


def test_examples() -> None:
    assert number(1234.5, 1) == "1.234,5"
    assert number(0.5, 2) == "0,50"
    assert integer(12345) == "12.345" and integer(999) == "999"
    assert percent(0.125, 1) == "12,5%" and percent(0.123) == "12%"
    assert money(1234.6) == "€ 1.235"
    assert money(-80) == "-€ 80" and money(1_000_000) == "€ 1.000.000"
    assert months(2.25) == "2,2" and months(12) == "12,0"
    assert date_text("2026-12-07") == "7 december 2026"
    assert date_text(pd.Timestamp("2026-03-01")) == "1 maart 2026"
    assert date_short("2026-12-07") == "07-12-2026"
    # the steering report's months (index 12 * year + month - 1), from this one module
    assert month_short(12 * 2026) == "jan 2026" and month_long(12 * 2026 + 11) == "december 2026"


def test_missing_values_show_a_dash_and_text_stays_text() -> None:
    for x in (None, float("nan"), float("inf"), pd.NA, pd.NaT, np.nan):
        assert number(x) == percent(x) == money(x) == months(x) == cell(x) == MISSING
    assert number("onbekend") == "onbekend"


@given(finite, st.integers(min_value=0, max_value=4))
def test_number_reads_back_as_the_rounded_value(x: float, digits: int) -> None:
    text = number(x, digits)
    head, *groups = text.split(",")[0].lstrip("-").split(".")
    assert 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)  # thousands dots
    back = float(text.replace(".", "").replace(",", "."))
    assert math.isclose(back, float(f"{x:.{digits}f}"), rel_tol=0, abs_tol=0)
    if digits:
        assert len(text.rsplit(",", 1)[1]) == digits


@given(finite)
def test_money_is_the_advice_texts_old_euro(x: float) -> None:
    sign = "-" if x < 0 else ""
    assert money(x) == f"{sign}€ {abs(x):,.0f}".replace(",", ".")


def test_cells_of_a_report_table() -> None:
    assert cell(np.int64(12345)) == "12.345" and cell(7) == "7"
    assert cell(np.float64(0.12345)) == "0,123" and cell(2500.0) == "2.500"
    assert cell(True) == "ja" and cell("jobhunt") == "jobhunt"
