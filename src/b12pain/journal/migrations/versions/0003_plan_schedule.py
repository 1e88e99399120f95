"""Supplement plans follow a regimen's dated schedule: `schedule` JSON, `every_days` optional.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supplement_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f("ck_supplement_plans_every_days_range"), type_="check")
        batch_op.alter_column("every_days", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            "every_days_range", "every_days IS NULL OR every_days BETWEEN 1 AND 366"
        )


def downgrade() -> None:
    # The older schema cannot hold schedule-only plans (no interval): they are removed with
    # their entries; their doses stay, unlinked.
    op.execute(
        "DELETE FROM entries WHERE id IN "
        "(SELECT entry_id FROM supplement_plans WHERE every_days IS NULL)"
    )
    with op.batch_alter_table("supplement_plans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_supplement_plans_every_days_range"), type_="check")
        batch_op.alter_column("every_days", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint("every_days_range", "every_days BETWEEN 1 AND 366")
        batch_op.drop_column("schedule")
