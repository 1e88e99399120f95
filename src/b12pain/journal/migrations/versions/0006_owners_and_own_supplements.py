"""Owners on every row; supplements people buy (no regimen), stopped plans; owner-first indexes.

- `entries.owner` and `comments.owner`: whose row it is (the local store's one implicit owner is
  "local", so existing rows get it). Detail rows belong to their entry.
- `supplement_plans.regimen_id` may be empty for "my supplement" (then `every_days` is required),
  with the product's name in `product`; `stopped_on` is the first day without doses of a plan
  that was stopped or changed.
- Indexes that keep reads proportional to what is asked: entries by (owner, kind, time) and
  profile versions by version.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sa.String(length=64), server_default="local", nullable=False)
        )
        batch_op.create_index(
            "ix_entries_owner_kind_recorded_at", ["owner", "kind", "recorded_at"], unique=False
        )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sa.String(length=64), server_default="local", nullable=False)
        )
    with op.batch_alter_table("supplement_plans", schema=None) as batch_op:
        batch_op.alter_column("regimen_id", existing_type=sa.String(length=60), nullable=True)
        batch_op.add_column(sa.Column("product", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("stopped_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            "regimen_or_interval", "regimen_id IS NOT NULL OR every_days IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "stopped_after_start", "stopped_on IS NULL OR stopped_on >= starts_on"
        )
    with op.batch_alter_table("profile_versions", schema=None) as batch_op:
        batch_op.create_index("ix_profile_versions_version", ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("profile_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_versions_version")
    # Plans without a regimen cannot exist before 0006: they (and their doses' link) go.
    # Foreign keys are off while migrating, so each dependent row is dealt with here.
    own = "(SELECT entry_id FROM supplement_plans WHERE regimen_id IS NULL)"
    stock = f"(SELECT entry_id FROM stock_counts WHERE plan_id IN {own})"
    op.execute(f"UPDATE dose_events SET plan_id = NULL WHERE plan_id IN {own}")
    op.execute(f"DELETE FROM comments WHERE entry_id IN {stock} OR entry_id IN {own}")
    op.execute(f"DELETE FROM entries WHERE id IN {stock}")
    op.execute(f"DELETE FROM stock_counts WHERE plan_id IN {own}")
    op.execute(f"DELETE FROM entries WHERE id IN {own}")
    op.execute("DELETE FROM supplement_plans WHERE regimen_id IS NULL")
    with op.batch_alter_table("supplement_plans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_supplement_plans_stopped_after_start"), type_="check")
        batch_op.drop_constraint(op.f("ck_supplement_plans_regimen_or_interval"), type_="check")
        batch_op.drop_column("stopped_on")
        batch_op.drop_column("product")
        batch_op.alter_column("regimen_id", existing_type=sa.String(length=60), nullable=False)
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("owner")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_owner_kind_recorded_at")
        batch_op.drop_column("owner")
