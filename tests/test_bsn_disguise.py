"""Issue 13, finding 5: a BSN is recognised in disguise, by the data, the API and the reason alike.

The disguises: separators (``.``, ``-``, ``_``, spaces), a letter prefix
(``BSN``, ``K``) and a dropped leading zero (eight digits). Ordinary ids and
amounts are not flagged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from contract_builders import set_cell, valid_tables, write_folder
from hypothesis import given, settings
from hypothesis import strategies as st
from rendement_api.privacy import looks_like_bsn as api_looks_like_bsn
from rendement_api.privacy import text_contains_bsn as api_text_contains_bsn

from rendement.contract import validate_data_folder
from rendement.contract.bsn import (
    bsn_like,
    looks_like_bsn,
    normalise_bsn,
    passes_eleven_test,
    text_contains_bsn,
)

ISSUE_REFUSED = ["111222333", "012345672", "111.222.333"]
ISSUE_DISGUISES = ["12345672", "111_222_333", "BSN111222333", "K111222333"]


def eleven_test_by_hand(nine: str) -> bool:
    total = sum(int(d) * w for d, w in zip(nine[:8], range(9, 1, -1), strict=True))
    return (total - int(nine[8])) % 11 == 0


@st.composite
def bsns(draw: st.DrawFn) -> str:
    """A nine-digit number passing the 11-test: eight digits, the ninth chosen to fit."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    weighted = sum(d * w for d, w in zip(first, range(9, 1, -1), strict=True))
    last = weighted % 11
    if last == 10:  # no digit fits: change the first digit by one and recompute
        first[7] = (first[7] + 1) % 10
        weighted = sum(d * w for d, w in zip(first, range(9, 1, -1), strict=True))
        last = weighted % 11
    nine = "".join(map(str, first)) + str(last)
    assert eleven_test_by_hand(nine)
    return nine


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """A BSN and one way of writing it: separators, a letter prefix, no leading zero."""
    nine = draw(bsns())
    digits = nine[1:] if nine[0] == "0" and draw(st.booleans()) else nine
    sep = draw(st.sampled_from(["", ".", "-", "_", " "]))
    groups = [digits[: len(digits) - 6], digits[-6:-3], digits[-3:]]
    text = sep.join(groups) if draw(st.booleans()) else sep.join(digits)
    prefix = draw(st.sampled_from(["", "BSN", "bsn", "K", "Bsn-", "BSN ", "NL"]))
    return nine, prefix + text


@settings(max_examples=300, deadline=None)
@given(disguised())
def test_every_disguise_is_recognised_everywhere(case: tuple[str, str]) -> None:
    nine, text = case
    assert normalise_bsn(text) == nine
    assert looks_like_bsn(text) and api_looks_like_bsn(text)
    assert bool(bsn_like(pd.Series([text, "C000123"], dtype=object))[0])
    sentence = f"klant belde, nummer {text} genoteerd"
    assert text_contains_bsn(sentence) and api_text_contains_bsn(sentence)


@settings(max_examples=300, deadline=None)
@given(st.integers(10_000_000, 999_999_999))
def test_numbers_that_fail_the_eleven_test_are_not_flagged(n: int) -> None:
    digits = str(n)
    expected = eleven_test_by_hand(digits.zfill(9))
    assert looks_like_bsn(digits) == expected
    assert text_contains_bsn(f"bedrag {digits} euro") == expected
    assert bool(bsn_like(pd.Series([digits]))[0]) == expected


def test_the_issue_examples() -> None:
    for text in ISSUE_REFUSED + ISSUE_DISGUISES:
        assert looks_like_bsn(text), text
        assert text_contains_bsn(f"reden: {text}."), text
    assert normalise_bsn("12345672") == "012345672"
    assert passes_eleven_test("012345672")


def test_ordinary_ids_and_amounts_are_not_flagged() -> None:
    ordinary = [
        "C000123",  # the simulator's ids
        "K-000123",  # the API example
        "km01",
        "K001",
        "12345678",  # eight digits failing the test after padding
        "1234567",  # seven digits
        "1112223330",  # ten digits
        "111222334",  # nine digits failing the test
        "S000000001",
    ]
    for text in ordinary:
        assert not looks_like_bsn(text), text
    assert not bsn_like(pd.Series(ordinary, dtype=object)).any()
    texts = [
        "uitkering 1369.25 per maand, kosten 4500 euro",
        "gesprek op 2024-01-15 om 10.30 uur",
        "telefoon 06 1234 5678 gebeld",  # ten digits: part of a longer number
        "factuur 2024-000123-4567",
        "kosten € 12.345,67",
        "jaar 2023 2024 2025",
    ]
    for text in texts:
        assert not text_contains_bsn(text), text
    days = pd.date_range("2018-01-01", "2027-12-31")
    dates = [f"{d:%Y-%m-%d}" for d in days] + [f"{d:%d-%m-%Y}" for d in days]
    assert sum(looks_like_bsn(d) for d in dates) > 100  # as bare digits, 1 in 11 would pass
    assert not any(text_contains_bsn(f"gesprek op {d} gehad") for d in dates)


def test_validate_refuses_the_disguises_and_does_not_show_them(tmp_path: Path) -> None:
    tables = valid_tables()
    for row, value in zip(range(2, 6), ISSUE_DISGUISES, strict=True):
        old = tables["clients"][row - 1][0]
        set_cell(tables, "clients", row, "client_id", value)
        for r in tables["spells"][1:] + tables["trajectories"][1:]:
            if r[1] == old:
                r[1] = value
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    found = {(v.file, v.row, v.code) for v in violations if v.file == "clients.csv"}
    assert found == {("clients.csv", r, "bsn_like_id") for r in range(2, 6)}
    shown = " ".join(str(v) for v in violations)
    assert not any(d in shown for d in ISSUE_DISGUISES)


def test_a_long_column_is_checked_in_slices_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rendement.contract import bsn

    values = pd.Series(ISSUE_REFUSED + ISSUE_DISGUISES + ["C000123", None, "12345678"] * 3)
    whole = bsn_like(values)
    monkeypatch.setattr(bsn, "_SLICE", 4)
    assert bsn_like(values).tolist() == whole.tolist()
    assert whole.sum() == len(ISSUE_REFUSED + ISSUE_DISGUISES)
    as_categories = values.astype("category")  # a large file's column: once per distinct text
    assert bsn_like(as_categories).tolist() == whole.tolist()
