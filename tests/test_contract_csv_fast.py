"""The fast CSV path gives exactly what the general reader gives, or steps aside.

``_read_simple_csv`` handles the common export (no quotes, one record per
line, clean header, equal field counts) with pandas' C parser; everything else
goes to the general reader, which also reports the problems. For arbitrary
texts over an alphabet that makes every kind of trouble likely (quotes, blank
and whitespace-only lines, carriage returns, missing and extra fields,
repeated or empty header names), whenever the fast path answers, its cells,
row numbers and header row must equal the general reader's.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rendement.contract.readers import (
    ReadResult,
    _csv_records,
    _from_records,
    _read_simple_csv,
)


def _general(text: str) -> ReadResult:
    records, starts, problem = _csv_records(text)
    assert problem is None
    return _from_records("clients", "clients.csv", records, starts, from_text=True)


def _same(fast: ReadResult, slow: ReadResult) -> None:
    assert slow.raw is not None and fast.raw is not None
    assert fast.violations == slow.violations == []
    pd.testing.assert_frame_equal(fast.raw.cells, slow.raw.cells)
    assert fast.raw.rows.tolist() == slow.raw.rows.tolist()
    assert fast.raw.header_row == slow.raw.header_row


def test_a_plain_export_takes_the_fast_path() -> None:
    text = "client_id, district ,age\r\nA1,Noord,40\r\n\r\n  ,  , \r\nB2, Zuid ,\r\nC3,,7\r\n"
    fast = _read_simple_csv(text, "clients", "clients.csv")
    # the blank line makes pandas fill a row with NaN: the general reader takes over
    assert fast is None
    text = "client_id, district ,age\r\nA1,Noord,40\r\n  ,  , \r\nB2, Zuid ,\r\nC3,,7"
    fast = _read_simple_csv(text, "clients", "clients.csv")
    assert fast is not None and fast.raw is not None
    _same(fast, _general(text))
    assert list(fast.raw.cells.columns) == ["client_id", "district", "age"]
    assert fast.raw.rows.tolist() == [2, 4, 5]
    assert fast.raw.cells.loc[1].tolist() == ["B2", "Zuid", None]


FIELD = st.text(alphabet=["a", "b", " ", "1", "é"], max_size=5)
ROW = st.lists(FIELD, min_size=2, max_size=4).map(",".join)  # header has 3 fields
TROUBLE = st.sampled_from(["", "   ", '"a,b",c,d', 'a,"b",c', "a\rb,c,d", ",,", "a,b,c,"])
HEADERS = st.sampled_from(["id,x,y", "id, x ,y", " id ,x,y ", "id,x,x", "id,,y", "id;x;y"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    HEADERS,
    st.lists(st.one_of(ROW, ROW, ROW, TROUBLE), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_the_fast_path_equals_the_general_reader(
    header: str, lines: list[str], newline: str, final_newline: bool
) -> None:
    text = newline.join([header, *lines]) + (newline if final_newline else "")
    fast = _read_simple_csv(text, "clients", "clients.csv")
    if fast is None:
        return
    _same(fast, _general(text))


def test_the_property_above_is_not_vacuous() -> None:
    """The same kind of texts take the fast path often enough for the comparison to bite."""
    import random

    rng = random.Random(7)
    alphabet = ["a", "b", " ", "1", "é"]
    taken = 0
    for _ in range(400):
        lines = [
            ",".join(
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
                for _ in range(rng.choice([3, 3, 3, 3, 2, 4]))
            )
            for _ in range(rng.randint(1, 8))
        ]
        text = "\n".join(["id,x,y", *lines])
        fast = _read_simple_csv(text, "clients", "clients.csv")
        if fast is not None:
            taken += 1
            _same(fast, _general(text))
    assert taken >= 50  # about a quarter: a wrong field count anywhere sends a text away
