"""Indexes for reading an owner's journal revision: entries and comments by (owner, id).

`journal.revision` counts, sums and takes the highest id of an owner's entries and comments on
every page view that keeps a derived view (Today, Diary, Insights). Without these indexes
PostgreSQL answers "highest id of this owner" by walking the primary key backwards past every
other owner's rows (tens of milliseconds on a clinic server with 50 people); with them each
aggregate is one index range of that owner's rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_entries_owner_id", "entries", ["owner", "id"], unique=False)
    op.create_index("ix_comments_owner_id", "comments", ["owner", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_comments_owner_id", table_name="comments")
    op.drop_index("ix_entries_owner_id", table_name="entries")
