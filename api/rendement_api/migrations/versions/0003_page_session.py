"""Page sessions: the page cookie holds a session id, not the API key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rendement_api.db.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_session",
        sa.Column("id_sha256", sa.String(64), nullable=False, comment="SHA-256 of the session id"),
        sa.Column(
            "key_id",
            sa.String(16),
            nullable=False,
            comment="the API key the session was opened with",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name="pk_page_session"),
    )
    op.create_index("ix_page_session_expires_at", "page_session", ["expires_at"])
    op.create_table(
        "page_session_end",
        sa.Column("id_sha256", sa.String(64), nullable=False, comment="SHA-256 of the session id"),
        sa.Column("ended_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name="pk_page_session_end"),
    )


def downgrade() -> None:
    op.drop_table("page_session_end")
    op.drop_index("ix_page_session_expires_at", table_name="page_session")
    op.drop_table("page_session")
