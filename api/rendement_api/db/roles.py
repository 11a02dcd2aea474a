"""PostgreSQL: the service's own database role may only add to the log and read it.

Two roles (see api/README.md, "Database roles"):

* the **owner** (migration) role owns the tables: it runs the migrations
  (``rendement serve``/``keys`` with ``RENDEMENT_MIGRATE_ON_STARTUP``), creates
  and revokes API keys, and runs the retention purge (``rendement serve --purge``);
* the **service** role, under which the running service connects, gets
  ``INSERT`` and ``SELECT`` on ``advice`` and ``decision`` and ``SELECT`` on the
  other tables, nothing else: it cannot update, delete, truncate, or drop a
  trigger (only an owner can), so even a compromised service cannot rewrite the log.

:func:`grant_service_role` gives those rights (run as the owner, after migrating).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine

from rendement_api.errors import AdviceLogError

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: Tables the service adds rows to (and reads).
APPEND_TABLES = ("advice", "decision")
#: Tables the service only reads.
READ_TABLES = ("api_key", "log_purge", "log_purge_range", "alembic_version")


def service_grants(role: str) -> list[str]:
    """The statements that give ``role`` the service's rights, and no more."""
    if not _ROLE.match(role):
        raise AdviceLogError(
            f"invalid role name {role!r}: use lower-case letters, digits and '_' (e.g. "
            "rendement_service)"
        )
    every = ", ".join(APPEND_TABLES + READ_TABLES)
    return [
        f'REVOKE ALL ON {every} FROM "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT ON {", ".join(APPEND_TABLES)} TO "{role}"',
        f'GRANT SELECT ON {", ".join(READ_TABLES)} TO "{role}"',
        f'GRANT USAGE ON SEQUENCE decision_id_seq TO "{role}"',
    ]


def grant_service_role(engine: Engine, role: str) -> list[str]:
    """Give the (existing) PostgreSQL ``role`` the service's rights; returns the statements."""
    if engine.dialect.name != "postgresql":
        raise AdviceLogError(
            "database roles are a PostgreSQL feature; an SQLite log is protected by the rights "
            "on its file"
        )
    statements = service_grants(role)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    return statements
