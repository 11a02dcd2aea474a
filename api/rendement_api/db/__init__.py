"""The advice log and the API keys in a SQL database (SQLite embedded, PostgreSQL by URL)."""

from rendement_api.db.advice_log import AdviceLog, AdviceRecord, DecisionRecord, PurgeResult
from rendement_api.db.database import make_engine, migrate
from rendement_api.db.keys import ROLES, KeyStore, Principal

__all__ = [
    "ROLES",
    "AdviceLog",
    "AdviceRecord",
    "DecisionRecord",
    "KeyStore",
    "Principal",
    "PurgeResult",
    "make_engine",
    "migrate",
]
