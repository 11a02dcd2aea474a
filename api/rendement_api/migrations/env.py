"""Alembic environment: migrates the connection handed over by ``rendement_api.db.migrate``.

Operators may also run ``alembic -c <package>/migrations/alembic.ini upgrade head``
with ``RENDEMENT_DATABASE_URL`` set.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from rendement_api.db.database import make_engine
from rendement_api.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - SQL script generation
    context.configure(
        url=os.environ.get("RENDEMENT_DATABASE_URL", "sqlite:///./rendement.db"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:  # pragma: no cover - command-line alembic
    engine = make_engine(os.environ.get("RENDEMENT_DATABASE_URL", "sqlite:///./rendement.db"))
    with engine.begin() as conn:
        _run(conn)
