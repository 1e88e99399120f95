"""Entry changes: the entry as it was before an edit or a delete, so the last change can be undone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("entry_uid", sa.String(length=32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "action IN ('edit', 'delete')", name=op.f("ck_entry_changes_action_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_changes")),
    )
    op.create_index("ix_entry_changes_owner_id", "entry_changes", ["owner", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_entry_changes_owner_id", table_name="entry_changes")
    op.drop_table("entry_changes")
