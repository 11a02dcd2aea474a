"""Fast JSON for large responses and log records (orjson when installed, else the standard library)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; this keeps the service usable
    _orjson = None


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON. Outputs hold no NaN (they become ``None`` before this)."""
    if _orjson is not None:
        return bytes(_orjson.dumps(obj))
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def loads(data: str | bytes) -> Any:
    if _orjson is not None:
        return _orjson.loads(data)
    return json.loads(data)
