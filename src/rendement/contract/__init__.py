"""The data contract: reading, checking and typing a municipality's data folder.

* :func:`read_data_folder` -- the typed :class:`DataFolder`, or
  :class:`~rendement.errors.DataValidationError` listing every violation;
* :func:`validate_data_folder` -- every violation (empty list when valid);
* :func:`check_data_folder` -- both at once (:class:`FolderCheck`);
* :func:`summarise_folder` -- counts of a valid folder.

The contract itself is written down once, in :mod:`rendement.contract.schema`.
"""

from __future__ import annotations

from rendement.contract.folder import DataFolder
from rendement.contract.schema import TABLES
from rendement.contract.summary import FolderSummary, summarise_folder
from rendement.contract.validate import (
    FolderCheck,
    check_data_folder,
    read_data_folder,
    validate_data_folder,
)

__all__ = [
    "TABLES",
    "DataFolder",
    "FolderCheck",
    "FolderSummary",
    "check_data_folder",
    "read_data_folder",
    "summarise_folder",
    "validate_data_folder",
]
