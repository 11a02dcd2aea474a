"""Advice log (advice, decision), API keys, and append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rendement_api.db.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = ("advice", "decision")


def upgrade() -> None:
    op.create_table(
        "advice",
        sa.Column(
            "id",
            sa.String(32),
            nullable=False,
            comment="advice_id (random, not derived from the client)",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False, comment="advice (one client) or batch"),
        sa.Column("batch_id", sa.String(32), nullable=True),
        sa.Column("meter", sa.String(32), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("model_kind", sa.String(16), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column(
            "client_id", sa.String(64), nullable=True, comment="pseudonymous key; never a BSN"
        ),
        sa.Column("best_instrument", sa.String(64), nullable=True),
        sa.Column("outputs", sa.Text(), nullable=False, comment="the advice as given, JSON"),
        sa.PrimaryKeyConstraint("id", name="pk_advice"),
    )
    op.create_index("ix_advice_created_at", "advice", ["created_at"])
    op.create_index("ix_advice_user_created", "advice", ["user_id", "created_at"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("advice_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False, comment="gevolgd or afgeweken"),
        sa.Column("advised_instrument", sa.String(64), nullable=False),
        sa.Column("chosen_instrument", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["advice_id"], ["advice.id"], name="fk_decision_advice_id_advice", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
        sa.UniqueConstraint("advice_id", name="uq_decision_advice_id"),
    )
    op.create_index("ix_decision_created_at", "decision", ["created_at"])
    op.create_table(
        "api_key",
        sa.Column("key_id", sa.String(16), nullable=False, comment="public part of the key"),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column(
            "key_hash",
            sa.String(64),
            nullable=False,
            comment="SHA-256 of salt + key; never the key",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name="pk_api_key"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the advice log is append-only: {table} rows "
                "cannot be updated'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION rendement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the advice log is append-only: % rows cannot be updated', "
            "TG_TABLE_NAME; END; $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rendement_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only"
            + (f" ON {table}" if dialect == "postgresql" else "")
        )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rendement_append_only()")
    op.drop_table("api_key")
    op.drop_index("ix_decision_created_at", table_name="decision")
    op.drop_table("decision")
    op.drop_index("ix_advice_user_created", table_name="advice")
    op.drop_index("ix_advice_created_at", table_name="advice")
    op.drop_table("advice")
