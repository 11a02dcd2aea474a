"""Keeping BSNs out of the service: identifiers and free text, checked as the data contract does.

Both checks are :mod:`rendement.contract.bsn`, the one normaliser (separators,
a letter prefix, a dropped leading zero) before the 11-test that data
validation uses too.
"""

from __future__ import annotations

from rendement.contract.bsn import looks_like_bsn, text_contains_bsn

__all__ = ["looks_like_bsn", "text_contains_bsn"]
