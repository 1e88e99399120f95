"""Food log entries and comments on any entry (a person's own, later a clinician's).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 2000", name=op.f("ck_comments_text_length")),
        sa.CheckConstraint(
            "utc_offset_minutes BETWEEN -840 AND 840", name=op.f("ck_comments_offset_range")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_comments_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("uid", name=op.f("uq_comments_uid")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "food_entries",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("food_id", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount_text", sa.String(length=80), nullable=False),
        sa.Column("grams", sa.Float(), nullable=False),
        sa.Column("b12_ug", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "b12_ug IS NULL OR b12_ug >= 0", name=op.f("ck_food_entries_b12_nonnegative")
        ),
        sa.CheckConstraint("grams > 0", name=op.f("ck_food_entries_grams_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_food_entries_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_food_entries")),
    )


def downgrade() -> None:
    op.execute("DELETE FROM entries WHERE kind = 'food'")  # their detail table goes
    op.drop_table("food_entries")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_entry_id"))

    op.drop_table("comments")
