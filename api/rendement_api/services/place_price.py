"""The latest plan's price of a place, for every advice (:mod:`rendement.plan.price`).

The service learns about plans from ``RENDEMENT_OUTPUTS_DIR`` (``make demo``:
``demo/``): ``plan/place_prices.csv``, written by ``rendement plan`` beside
``plan.csv``. The file is read again whenever it changes (its inode, modification time
and size), so a new plan reaches the advices without a restart. No folder or no
file: the advice says no plan has been made. A file that cannot be read: the
advice says so and the service logs the problem (file and cell, never a client
value); an advice is never refused because of the plan.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from rendement.plan.price import PRICE_FILE, PlacePriceFileError, PlacePrices, read_place_prices

log = logging.getLogger("rendement_api.place_price")


class LatestPlanPrices:
    """``place_prices.csv`` of the latest plan under ``outputs_dir``, cached by its stat."""

    def __init__(self, outputs_dir: Path | None):
        self.path = None if outputs_dir is None else Path(outputs_dir) / "plan" / PRICE_FILE
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._value: tuple[PlacePrices | None, str | None] = (None, None)

    def current(self) -> tuple[PlacePrices | None, str | None]:
        """``(prices, None)``; ``(None, None)`` without a plan; ``(None, problem)`` when unreadable."""
        if self.path is None:
            return None, None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            return None, f"{self.path}: {exc.strerror or exc}"
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if key == self._key:
                return self._value
            try:
                value: tuple[PlacePrices | None, str | None] = (read_place_prices(self.path), None)
            except PlacePriceFileError as exc:
                log.warning("the plan's prices of a place cannot be used: %s", exc)
                value = (None, str(exc))
            self._key, self._value = key, value
            return value
