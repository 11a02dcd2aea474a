"""Checks computed once per distinct text of a ``Categorical`` column (large files).

The columns of a large file (:mod:`rendement.contract.stream_csv`) hold each
distinct text once plus a code per row. A check such as "is this a date" or
"does this look like a BSN" is then computed on the distinct texts and spread
over the rows by their codes: the same answer as row by row, without making a
string per row. Any other column is checked row by row, as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def per_distinct(cells: pd.Series, compute: Callable[[pd.Series], Any]) -> np.ndarray:
    """``compute(cells)`` as an array; for a ``Categorical`` column, once per distinct text.

    ``compute`` takes a column of texts (``object``, ``None`` when empty) and gives
    one value per row; a missing cell gets what ``compute`` gives for ``None``.
    """
    if not isinstance(cells.dtype, pd.CategoricalDtype):
        return np.asarray(compute(cells))
    texts = pd.Series(np.asarray(cells.cat.categories, dtype=object), dtype=object)
    per_text = np.asarray(compute(pd.concat([texts, pd.Series([None], dtype=object)])))
    codes = cells.cat.codes.to_numpy()
    return per_text[np.where(codes >= 0, codes, len(texts))]
