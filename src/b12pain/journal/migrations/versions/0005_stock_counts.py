"""Stock counts: units of a plan's supplement on hand, recorded when restocking or recounting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "profile",
    "lab",
    "pain",
    "symptoms",
    "instrument",
    "sleep",
    "exercise",
    "stress",
    "mood",
    "plan",
    "dose",
    "food",
    "assessment",
)
NEW_KINDS = (*OLD_KINDS, "stock")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_entry_kind"), type_="check")
        batch_op.create_check_constraint("entry_kind", _kinds(NEW_KINDS))
    op.create_table(
        "stock_counts",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.CheckConstraint("units >= 0", name=op.f("ck_stock_counts_units_nonnegative")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_stock_counts_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["supplement_plans.entry_id"],
            name=op.f("fk_stock_counts_plan_id_supplement_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_stock_counts")),
    )
    op.create_index(op.f("ix_stock_counts_plan_id"), "stock_counts", ["plan_id"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM entries WHERE kind = 'stock'")  # their table goes
    op.drop_index(op.f("ix_stock_counts_plan_id"), table_name="stock_counts")
    op.drop_table("stock_counts")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_entry_kind"), type_="check")
        batch_op.create_check_constraint("entry_kind", _kinds(OLD_KINDS))
