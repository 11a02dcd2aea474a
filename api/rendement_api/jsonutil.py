"""Fast JSON for large responses and log records (orjson, a dependency)."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON. Outputs hold no NaN (they become ``None`` before this)."""
    return bytes(orjson.dumps(obj))


def loads(data: str | bytes) -> Any:
    return orjson.loads(data)
