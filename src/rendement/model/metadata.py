"""A model's metadata: the facts of its fit and its origin, read-only and typed.

:class:`ModelMetadata` is a read-only mapping (nested mappings and lists are
frozen too) with typed accessors for what the rest of rendement reads:
``version``, ``created``, ``training_window``, ``metrics``, ``data_fingerprint``,
``heterogeneity``, ``evaluation``, ``dropped_terms`` and the origin of a declared
model (``author``, ``source``, ``recalibration``). Other keys (the fit facts of
the estimators) stay reachable as mapping items. A changed copy is made with
:meth:`ModelMetadata.merged`; :meth:`ModelMetadata.to_dict` gives plain JSON-able
data (the model folder's manifest).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any


def _freeze(value: Any) -> Any:
    if isinstance(value, ModelMetadata):
        return value._data
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


class ModelMetadata(Mapping[str, Any]):
    """Read-only metadata of a :class:`~rendement.model.hazard_model.HazardModel`."""

    __slots__ = ("_data",)
    _data: Mapping[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", _freeze(data or {}))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("model metadata is read-only; make a changed copy with merged()")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ModelMetadata({self.to_dict()!r})"

    def merged(self, changes: Mapping[str, Any]) -> ModelMetadata:
        """A copy with ``changes`` set over these items."""
        return ModelMetadata({**self._data, **changes})

    def without(self, *keys: str) -> ModelMetadata:
        """A copy without ``keys``."""
        return ModelMetadata({k: v for k, v in self._data.items() if k not in keys})

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists (a deep copy): what the model folder's manifest stores."""
        return {k: _thaw(v) for k, v in self._data.items()}

    # ---- typed accessors ---------------------------------------------------------
    def _text(self, key: str) -> str | None:
        value = self._data.get(key)
        return None if value is None else str(value)

    def _mapping(self, key: str) -> Mapping[str, Any]:
        value = self._data.get(key)
        return value if isinstance(value, Mapping) else MappingProxyType({})

    @property
    def version(self) -> str | None:
        """The model's version (``2026-01``), when set."""
        return self._text("version")

    @property
    def created(self) -> str | None:
        """When the model folder was written (ISO 8601), when saved."""
        return self._text("created")

    @property
    def data_fingerprint(self) -> str | None:
        """SHA-256 of the data folder the model was estimated on."""
        return self._text("data_fingerprint")

    @property
    def heterogeneity(self) -> str:
        """``none`` or ``npmle`` (timing-of-events model)."""
        return self._text("heterogeneity") or "none"

    @property
    def training_window(self) -> Mapping[str, Any]:
        """``first_inflow`` and ``until`` of the estimation data (empty for declared models)."""
        return self._mapping("training_window")

    @property
    def metrics(self) -> Mapping[str, Any]:
        """Counts of the estimation data and the log-likelihood."""
        return self._mapping("metrics")

    @property
    def evaluation(self) -> Mapping[str, Any] | None:
        """The stored out-of-time evaluation (the report's key figures), if any."""
        value = self._data.get("evaluation")
        return value if isinstance(value, Mapping) else None

    @property
    def dropped_terms(self) -> tuple[Mapping[str, Any], ...]:
        """Terms left out of the estimation, with the reason."""
        value = self._data.get("dropped_terms") or ()
        return tuple(d for d in value if isinstance(d, Mapping))

    @property
    def author(self) -> str | None:
        """Who declared an expert model."""
        return self._text("author")

    @property
    def source(self) -> str | None:
        """Where a borrowed model comes from."""
        return self._text("source") or self._text("borrowed_from")

    @property
    def recalibration(self) -> str | None:
        """How a borrowed model was recalibrated on the own data, if at all."""
        return self._text("recalibration")
