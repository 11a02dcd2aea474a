"""Recognising a BSN, also in disguise: the one normaliser before the 11-test.

A BSN (burgerservicenummer) must never be in the data, the service or the
advice log. People write it in many ways, so every check goes through
:func:`normalise_bsn` first:

* separators are removed: ``.``, ``-``, ``_`` and spaces (``111.222.333``,
  ``111_222_333``, ``111 222 333``);
* a leading alphabetic prefix is removed (``BSN111222333``, ``K111222333``);
* eight digits are left-padded to nine (``12345672`` is ``012345672`` after a
  spreadsheet dropped the leading zero).

What is left is a BSN when it is nine digits passing the 11-test
(*elfproef*): ``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` divisible by 11.

Used by data validation (:func:`bsn_like`, vectorised), the service's
identifier and free-text fields (:func:`looks_like_bsn`,
:func:`text_contains_bsn`) and the decision reason alike. One in eleven
numbers of eight or nine digits passes the 11-test, so pseudonymous keys
should have another number of digits (the simulator writes ``C000123``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Characters people put between the digits of a BSN.
SEPARATORS = r"[\s._\-]"
_SEPARATORS = re.compile(SEPARATORS)
_PREFIX = r"^[A-Za-z]+"
_PREFIX_RE = re.compile(_PREFIX)
_DIGITS = re.compile(r"[0-9]{8,9}")
_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
_SLICE = 2**18
#: Eight or nine digits with at most one separator between two digits, not part of a longer
#: number (a digit, or a digit and a separator, on either side makes it part of one).
_IN_TEXT = re.compile(
    r"(?<![0-9])(?<![0-9]" + SEPARATORS + r")(?:[0-9]" + SEPARATORS + r"?){7,8}[0-9]"
    r"(?!" + SEPARATORS + r"?[0-9])"
)

#: A date in free text: year-month-day or day-month-year with one kind of separator.
_DATE_IN_TEXT = re.compile(
    r"[12][0-9]{3}([-./])(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[1-9]|[12][0-9]|3[01])([-./])(?:0[1-9]|1[0-2])\2[12][0-9]{3}"
)


def normalise_bsn(value: str) -> str | None:
    """The nine digits ``value`` would be as a BSN, or ``None`` when it cannot be one.

    ``None`` means: after removing separators and a leading alphabetic prefix,
    it is not eight or nine digits. The 11-test is not applied here.
    """
    text = _PREFIX_RE.sub("", _SEPARATORS.sub("", value))
    if not _DIGITS.fullmatch(text):
        return None
    return text.zfill(9)


def passes_eleven_test(digits: str) -> bool:
    """Nine digits whose weighted sum (9, 8, ..., 2, -1) is divisible by 11."""
    return sum(w * int(d) for w, d in zip(_WEIGHTS.tolist(), digits, strict=True)) % 11 == 0


def looks_like_bsn(value: str) -> bool:
    """``value`` is a BSN, possibly in disguise (see the module docstring)."""
    digits = normalise_bsn(value)
    return digits is not None and passes_eleven_test(digits)


def text_contains_bsn(text: str) -> bool:
    """Free text with a BSN in it: a number of 8 or 9 digits (separators allowed, a letter
    prefix such as ``BSN`` or ``K`` glued to it) passing the 11-test after normalising.

    A date written with separators (``2024-03-12``, ``12-03-2024``) is not a number.
    """
    return any(
        looks_like_bsn(m.group(0)) and not _DATE_IN_TEXT.fullmatch(m.group(0))
        for m in _IN_TEXT.finditer(text)
    )


def bsn_like(cells: pd.Series) -> np.ndarray:
    """Vectorised :func:`looks_like_bsn` over a column of text (``None`` is never a BSN)."""
    from rendement.contract.distinct import per_distinct

    return per_distinct(cells, _bsn_like).astype(bool)


def _bsn_like(cells: pd.Series) -> np.ndarray:
    """:func:`bsn_like` on a column of texts, in slices (few temporary strings at a time)."""
    out = np.zeros(len(cells), dtype=bool)
    for lo in range(0, len(cells), _SLICE):
        out[lo : lo + _SLICE] = _bsn_like_slice(cells.iloc[lo : lo + _SLICE])
    return out


def _bsn_like_slice(cells: pd.Series) -> np.ndarray:
    text = cells.astype(object).where(cells.notna(), None)
    stripped = text.str.replace(SEPARATORS, "", regex=True).str.replace(_PREFIX, "", regex=True)
    candidate = stripped.str.fullmatch("[0-9]{8,9}", na=False).to_numpy(dtype=bool)
    if not candidate.any():
        return candidate
    joined = "".join(stripped[candidate].str.zfill(9).tolist()).encode("ascii")
    digits = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 9)
    total = np.zeros(len(digits), dtype=np.int64)
    for j, weight in enumerate(_WEIGHTS.tolist()):
        total += weight * (digits[:, j].astype(np.int64) - ord("0"))
    out = candidate.copy()
    out[candidate] = total % 11 == 0
    return out
