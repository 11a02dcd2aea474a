"""Names that Excel and file systems accept, made from district and caseworker names.

Excel sheet names are at most 31 characters, contain none of ``[]:*?/\\``, do
not start or end with an apostrophe, do not start like a formula (``=``, ``+``, ...),
are not ``History`` and are unique
regardless of case. File names here are lower-case ASCII letters, digits and
underscores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rendement.formulas import safe_sheet_name

SHEET_NAME_LIMIT = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED_SHEETS = {"history"}


def sheet_names(names: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Valid, unique sheet names for ``names`` (in order), avoiding ``taken``."""
    used = {t.lower() for t in taken} | _RESERVED_SHEETS
    out = []
    for name in names:
        base = safe_sheet_name(_SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip())
        base = base[:SHEET_NAME_LIMIT].strip().strip("'") or "leeg"
        out.append(_unique(base, used, SHEET_NAME_LIMIT))
    return out


def file_stems(names: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Unique ASCII stems (``noord``, ``km_012``) for ``names``, avoiding ``taken``."""
    used = {t.lower() for t in taken}
    out = []
    for name in names:
        ascii_text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60] or "leeg"
        out.append(_unique(base, used, 64, sep="_"))
    return out


def _unique(base: str, used: set[str], limit: int, sep: str = " ") -> str:
    candidate = base
    k = 2
    while candidate.lower() in used:
        suffix = f"{sep}({k})" if sep == " " else f"{sep}{k}"
        candidate = base[: limit - len(suffix)] + suffix
        k += 1
    used.add(candidate.lower())
    return candidate
