"""Protected attributes recognised by meaning, not by one exact column name (*beschermde kenmerken*).

Gender, ethnicity, origin, nationality and religion are never model features
(they may be used only in the fairness section of the report). Exports name
them in many ways - ``geslacht``, ``Sex``, ``is_female``, ``migratie_achtergrond``,
``countryOfBirth`` - so a column is protected when its whole name, or one of
the words in it, is in :data:`PROTECTED_WORDS`, or when the specification
declares it ``protected``.

Words are split at ``_``, ``-``, ``.``, spaces and lower-to-upper case changes
and compared in lower case; the name with separators removed is compared too
(``migratie_achtergrond`` = ``migratieachtergrond``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Names and words that mark a protected attribute (Dutch and English, common variants).
PROTECTED_WORDS: frozenset[str] = frozenset(
    {
        # gender / sex
        "gender",
        "geslacht",
        "sex",
        "female",
        "male",
        "vrouw",
        "man",
        "women",
        "woman",
        "men",
        # race / ethnicity / origin
        "race",
        "ras",
        "racial",
        "ethnicity",
        "ethnic",
        "etniciteit",
        "etnisch",
        "black",
        "white",
        "origin",
        "herkomst",
        "migratieachtergrond",
        "migrationbackground",
        "migratie",
        "migration",
        "allochtoon",
        "autochtoon",
        "countryofbirth",
        "geboorteland",
        # nationality
        "nationality",
        "nationaliteit",
        "citizenship",
        # religion
        "religion",
        "godsdienst",
        "religie",
        "geloof",
        "faith",
    }
)

_SPLIT = re.compile(r"[_\-.\s/]+|(?<=[a-z0-9])(?=[A-Z])")


def words(name: str) -> list[str]:
    """The words of a column name in lower case (``isFemale`` -> ``is``, ``female``)."""
    return [w.lower() for w in _SPLIT.split(str(name).strip()) if w]


def protected_reason(name: str, declared: Iterable[str] = ()) -> str | None:
    """Why ``name`` is protected (a short text), or ``None`` when it is not."""
    low = str(name).strip().lower()
    if low in {str(d).strip().lower() for d in declared}:
        return "declared protected in the specification"
    joined = "".join(words(name))
    if joined in PROTECTED_WORDS:
        return f"'{joined}' is a protected attribute"
    hit = [w for w in words(name) if w in PROTECTED_WORDS]
    if hit:
        return f"it contains the word '{hit[0]}' (a protected attribute)"
    return None


def is_protected(name: str, declared: Iterable[str] = ()) -> bool:
    """Whether ``name`` is a protected attribute (by meaning or declared)."""
    return protected_reason(name, declared) is not None


def protected_columns(columns: Iterable[str], declared: Iterable[str] = ()) -> list[str]:
    """The protected columns among ``columns``, in their order."""
    declared = tuple(declared)
    return [c for c in columns if is_protected(c, declared)]
