"""A tamper-evident advice log: the hash chain, purge records, and triggers against rewrites.

* ``advice`` and ``decision`` get ``chain_seq``, ``chain_prev``, ``chain_hash``
  (see :mod:`rendement_api.db.chain`); rows already in the log are chained in
  the order they were written (with ``RENDEMENT_LOG_HASH_KEY`` as the key, so
  migrate with the key the service uses);
* ``log_purge`` (one record per retention purge, a place in the chain) and
  ``log_purge_range`` (the chain places that purge removed);
* triggers (SQLite and PostgreSQL): no ``UPDATE`` or ``DELETE`` of purge records;
  a ``DELETE`` of an advice or decision only of a place a purge record lists;
  no insert of an unchained row; on SQLite no insert over an existing row
  (``INSERT OR REPLACE`` deletes without firing delete triggers); on PostgreSQL
  no ``TRUNCATE``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context, op

from rendement_api.db.chain import GENESIS, chain_key, digest
from rendement_api.db.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_CHAINED = ("advice", "decision")
_RECORDS = ("log_purge", "log_purge_range")


def upgrade() -> None:
    for table in _CHAINED:
        op.add_column(table, sa.Column("chain_seq", sa.BigInteger(), nullable=True, comment="place in the log's hash chain"))  # fmt: skip
        op.add_column(table, sa.Column("chain_prev", sa.String(64), nullable=True, comment="chain_hash of the previous place"))  # fmt: skip
        op.add_column(table, sa.Column("chain_hash", sa.String(64), nullable=True, comment="hash over this row and chain_prev"))  # fmt: skip
        op.create_index(f"ix_{table}_chain_seq", table, ["chain_seq"], unique=True)
    op.create_index("ix_advice_client_id", "advice", ["client_id"])
    op.create_table(
        "log_purge",
        sa.Column("chain_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column(
            "cutoff", UTCDateTime(), nullable=False, comment="records older than this expired"
        ),  # fmt: skip
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("advices", sa.Integer(), nullable=False, comment="advices removed"),
        sa.Column("decisions", sa.Integer(), nullable=False, comment="decisions removed"),
        sa.Column("chain_prev", sa.String(64), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("chain_seq", name="pk_log_purge"),
    )
    op.create_table(
        "log_purge_range",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "purge_seq",
            sa.BigInteger(),
            nullable=False,
            comment="the purge record that removed these chain places",
        ),  # fmt: skip
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["purge_seq"], ["log_purge.chain_seq"], name="fk_log_purge_range_purge_seq_log_purge"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_log_purge_range"),
    )
    op.create_index("ix_log_purge_range_purge_seq", "log_purge_range", ["purge_seq"])
    _chain_existing_rows()
    _triggers()


def _chain_existing_rows() -> None:
    """Chain the rows written before this revision, in the order they were written."""
    secret = context.config.attributes.get("log_hash_key") or os.environ.get(
        "RENDEMENT_LOG_HASH_KEY"
    )
    key = chain_key(secret)
    bind = op.get_bind()
    meta = sa.MetaData()
    tables = {t: sa.Table(t, meta, autoload_with=bind) for t in _CHAINED}
    from rendement_api.db.tables import advice, decision

    typed = {"advice": advice, "decision": decision}
    rows: list[tuple[object, int, str, dict[str, object]]] = []
    for order, name in enumerate(_CHAINED):
        for r in bind.execute(sa.select(typed[name])).mappings():
            rows.append((r["created_at"], order, name, dict(r)))
    if not rows:
        return
    dialect = bind.dialect.name
    if dialect == "sqlite":  # the update triggers of revision 0001 would refuse the backfill
        for name in _CHAINED:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_append_only")
    else:
        for name in _CHAINED:
            op.execute(f"ALTER TABLE {name} DISABLE TRIGGER {name}_append_only")
    prev = GENESIS
    rows.sort(key=lambda x: (x[0], x[1], str(x[3]["id"])))
    for seq, (_, _, name, row) in enumerate(rows, start=1):
        row.update(chain_seq=seq, chain_prev=prev)
        prev = row["chain_hash"] = digest(key, name, row)
        t = tables[name]
        bind.execute(
            sa.update(t)
            .where(t.c.id == row["id"])
            .values(chain_seq=seq, chain_prev=row["chain_prev"], chain_hash=prev)
        )
    if dialect == "sqlite":
        for name in _CHAINED:
            op.execute(_sqlite_no_update(name))
    else:
        for name in _CHAINED:
            op.execute(f"ALTER TABLE {name} ENABLE TRIGGER {name}_append_only")


def _sqlite_no_update(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the advice log is append-only: {table} rows "
        "cannot be updated'); END"
    )


def _sqlite_triggers() -> list[str]:
    out = [_sqlite_no_update(t) for t in _RECORDS]
    for t in _RECORDS:
        out.append(
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} BEGIN SELECT RAISE(ABORT, "
            f"'the advice log is append-only: {t} rows cannot be deleted'); END"
        )
    same = {
        "advice": "id = NEW.id",
        "decision": "id = NEW.id OR advice_id = NEW.advice_id",
        "log_purge": "chain_seq = NEW.chain_seq",
        "log_purge_range": "id = NEW.id",
    }
    for t, cond in same.items():
        out.append(
            f"CREATE TRIGGER {t}_no_replace BEFORE INSERT ON {t} "
            f"WHEN EXISTS (SELECT 1 FROM {t} WHERE {cond}) BEGIN SELECT RAISE(ABORT, "
            f"'the advice log is append-only: a {t} row cannot be replaced'); END"
        )
    for t in _CHAINED:
        out.append(
            f"CREATE TRIGGER {t}_purge_only BEFORE DELETE ON {t} WHEN NOT EXISTS "
            "(SELECT 1 FROM log_purge_range r WHERE OLD.chain_seq BETWEEN r.first_seq "
            f"AND r.last_seq) BEGIN SELECT RAISE(ABORT, 'the advice log is append-only: "
            f"{t} rows leave only through the retention purge'); END"
        )
        out.append(
            f"CREATE TRIGGER {t}_chained BEFORE INSERT ON {t} WHEN NEW.chain_seq IS NULL "
            "OR NEW.chain_prev IS NULL OR NEW.chain_hash IS NULL BEGIN SELECT RAISE(ABORT, "
            f"'the advice log is a hash chain: a {t} row needs its chain place'); END"
        )
    return out


_PG_FUNCTIONS = (
    "CREATE FUNCTION rendement_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the advice log is append-only: % rows cannot be deleted', "
    "TG_TABLE_NAME; END; $$",
    "CREATE FUNCTION rendement_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NOT EXISTS (SELECT 1 FROM log_purge_range r WHERE OLD.chain_seq BETWEEN "
    "r.first_seq AND r.last_seq) THEN RAISE EXCEPTION 'the advice log is append-only: % rows "
    "leave only through the retention purge', TG_TABLE_NAME; END IF; RETURN OLD; END; $$",
    "CREATE FUNCTION rendement_chained() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.chain_seq IS NULL OR NEW.chain_prev IS NULL OR NEW.chain_hash IS NULL THEN "
    "RAISE EXCEPTION 'the advice log is a hash chain: a % row needs its chain place', "
    "TG_TABLE_NAME; END IF; RETURN NEW; END; $$",
)


def _pg_triggers() -> list[str]:
    out = list(_PG_FUNCTIONS)
    for t in _RECORDS:
        out.append(
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION rendement_append_only()"
        )
        out.append(
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION rendement_no_delete()"
        )
    for t in _CHAINED:
        out.append(
            f"CREATE TRIGGER {t}_purge_only BEFORE DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION rendement_purge_only()"
        )
        out.append(
            f"CREATE TRIGGER {t}_chained BEFORE INSERT ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION rendement_chained()"
        )
    for t in _CHAINED + _RECORDS:
        out.append(
            f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rendement_no_delete()"
        )
    return out


def _triggers() -> None:
    dialect = op.get_bind().dialect.name
    statements = _sqlite_triggers() if dialect == "sqlite" else _pg_triggers()
    for sql in statements if dialect in ("sqlite", "postgresql") else []:
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    on = (lambda t: f" ON {t}") if dialect == "postgresql" else (lambda t: "")
    for t in _CHAINED + _RECORDS:
        for suffix in ("no_delete", "no_replace", "purge_only", "chained", "no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {t}_{suffix}{on(t)}")
    for t in _RECORDS:
        op.execute(f"DROP TRIGGER IF EXISTS {t}_append_only{on(t)}")
    if dialect == "postgresql":
        for fn in ("rendement_no_delete", "rendement_purge_only", "rendement_chained"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
    op.drop_index("ix_log_purge_range_purge_seq", table_name="log_purge_range")
    op.drop_table("log_purge_range")
    op.drop_table("log_purge")
    op.drop_index("ix_advice_client_id", table_name="advice")
    for table in _CHAINED:
        op.drop_index(f"ix_{table}_chain_seq", table_name=table)
        for column in ("chain_hash", "chain_prev", "chain_seq"):
            op.drop_column(table, column)
