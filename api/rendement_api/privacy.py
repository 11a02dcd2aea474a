"""Keeping BSNs out of the service: the contract's 11-test (*elfproef*) on identifiers and text.

The check itself is :func:`rendement.contract.checks.bsn_like` (the one the data
contract uses); values that are not nine digits after removing separators are
passed without calling it, which keeps batches fast.
"""

from __future__ import annotations

import re

import pandas as pd

from rendement.contract.checks import bsn_like

_SEPARATORS = re.compile(r"[\s.\-]")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_NINE_DIGITS_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9][\s.\-]?){8}[0-9](?![0-9])")


def looks_like_bsn(value: str) -> bool:
    """Nine digits (spaces, dots, dashes ignored) passing the 11-test, as the contract refuses."""
    if not _NINE_DIGITS.fullmatch(_SEPARATORS.sub("", value)):
        return False
    return bool(bsn_like(pd.Series([value], dtype=object))[0])


def text_contains_bsn(text: str) -> bool:
    """Free text with a nine-digit number passing the 11-test somewhere in it."""
    return any(looks_like_bsn(m.group(0)) for m in _NINE_DIGITS_IN_TEXT.finditer(text))
