"""Food log entries keep the B12 added by fortification (natural vs added split of intake).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("food_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("b12_added_ug", sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            "b12_added_nonnegative", "b12_added_ug IS NULL OR b12_added_ug >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("food_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_food_entries_b12_added_nonnegative"), type_="check")
        batch_op.drop_column("b12_added_ug")
