"""Errors a user can act on. None of them is shown with a stack trace.

Every error has a stable machine-readable ``code`` (used by the CLI's JSON
output and the service's 4xx responses) and a message that says what failed,
where, what was expected and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class RendementError(Exception):
    """Base of all user-facing errors. ``code`` is stable; ``str(e)`` is for people."""

    code = "rendement_error"
    exit_code = 2

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self)}


@dataclass(frozen=True)
class Violation:
    """One violation of the data contract: where it is and what was expected."""

    file: str
    row: (
        int | None
    )  # row number as the user sees it in the file (header = row 1); None = whole file/column
    column: str | None
    value: str | None
    expected: str
    code: str = "invalid_value"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        got = "" if self.value is None else f": found {self.value!r}"
        return f"{where}{got}; expected {self.expected}"


class DataValidationError(RendementError):
    """The data folder violates the contract; carries every violation found."""

    code = "invalid_data"

    def __init__(self, violations: list[Violation], counts: dict[str, int] | None = None):
        self.violations = list(violations)
        #: violations per file, listed or not (validation lists at most 200 per file)
        self.counts = dict(counts) if counts else {}
        total = sum(self.counts.values()) if self.counts else len(self.violations)
        super().__init__(f"the data folder has {total:,} violation(s) of the data contract")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "message": str(self),
            "violations": [v.to_dict() for v in self.violations],
        }
        if self.counts:
            out["violation_counts"] = self.counts
        return out


class UsageError(RendementError):
    """A command-line option that cannot be used as given."""

    code = "usage"


class ModelFolderError(RendementError):
    """A model folder is missing, altered or incompatible."""

    code = "invalid_model"


class ModelMismatchError(RendementError):
    """The model does not fit the data (instruments or features missing)."""

    code = "model_data_mismatch"


class AsOfDateError(RendementError):
    """The as-of date lies outside the data."""

    code = "invalid_as_of"


class CapacityFileError(RendementError):
    """The capacity file (or the budget) cannot be used; carries every problem found, if any."""

    code = "invalid_capacity"

    def __init__(self, message: str, violations: list[Violation] | None = None):
        self.violations = list(violations or [])
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.violations:
            out["violations"] = [v.to_dict() for v in self.violations]
        return out
