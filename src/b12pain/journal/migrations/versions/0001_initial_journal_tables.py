"""Initial journal tables: entries and every kind of record except food and comments.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
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
                name="entry_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "note IS NULL OR length(note) BETWEEN 1 AND 2000", name=op.f("ck_entries_note_length")
        ),
        sa.CheckConstraint(
            "utc_offset_minutes BETWEEN -840 AND 840", name=op.f("ck_entries_offset_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint("uid", name=op.f("uq_entries_uid")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_kind_recorded_at", ["kind", "recorded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_entries_recorded_at"), ["recorded_at"], unique=False)

    op.create_table(
        "instrument_results",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instrument", sa.String(length=60), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_instrument_results_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_instrument_results")),
    )
    op.create_table(
        "lab_results",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "test",
            sa.Enum(
                "total_b12",
                "active_b12",
                "mma",
                "homocysteine",
                "folate",
                "haemoglobin",
                "mcv",
                name="lab_test",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("lab", sa.String(length=200), nullable=True),
        sa.Column("reference_range", sa.String(length=80), nullable=True),
        sa.CheckConstraint("value > 0", name=op.f("ck_lab_results_value_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_lab_results_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_lab_results")),
    )
    op.create_table(
        "lifestyle_entries",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "factor",
            sa.Enum(
                "sleep",
                "exercise",
                "stress",
                "mood",
                name="lifestyle_factor",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("activity", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "(factor = 'sleep' AND amount BETWEEN 0 AND 24) OR (factor = 'exercise' AND amount BETWEEN 0 AND 1440) OR (factor = 'stress' AND amount BETWEEN 0 AND 10) OR (factor = 'mood' AND amount BETWEEN 0 AND 4)",
            name=op.f("ck_lifestyle_entries_amount_range"),
        ),
        sa.CheckConstraint(
            "quality IS NULL OR quality BETWEEN 0 AND 4",
            name=op.f("ck_lifestyle_entries_quality_range"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_lifestyle_entries_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_lifestyle_entries")),
    )
    op.create_table(
        "pain_entries",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nrs", sa.Integer(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("pain_type", sa.String(length=20), nullable=True),
        sa.Column("descriptors", sa.JSON(), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("helped", sa.JSON(), nullable=False),
        sa.CheckConstraint("nrs BETWEEN 0 AND 10", name=op.f("ck_pain_entries_nrs_range")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_pain_entries_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_pain_entries")),
    )
    op.create_table(
        "profile_versions",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_profile_versions_version_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_profile_versions_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_profile_versions")),
    )
    op.create_table(
        "saved_assessments",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("knowledge_version", sa.String(length=80), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_saved_assessments_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_saved_assessments")),
    )
    op.create_table(
        "supplement_plans",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("regimen_id", sa.String(length=60), nullable=False),
        sa.Column(
            "form",
            sa.Enum(
                "oral",
                "sublingual",
                "injection",
                name="plan_form",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("amount_ug", sa.Float(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("stock_units", sa.Integer(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_ug > 0", name=op.f("ck_supplement_plans_amount_positive")),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_supplement_plans_dates_ordered"),
        ),
        sa.CheckConstraint(
            "every_days BETWEEN 1 AND 366", name=op.f("ck_supplement_plans_every_days_range")
        ),
        sa.CheckConstraint(
            "stock_units IS NULL OR stock_units >= 0",
            name=op.f("ck_supplement_plans_stock_nonnegative"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_supplement_plans_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_supplement_plans")),
    )
    op.create_table(
        "symptom_checks",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_symptom_checks_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_symptom_checks")),
    )
    op.create_table(
        "dose_events",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "taken",
                "skipped",
                "late",
                name="dose_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "form",
            sa.Enum(
                "oral",
                "sublingual",
                "injection",
                name="dose_form",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("site", sa.String(length=20), nullable=True),
        sa.Column("amount_ug", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "site IS NULL OR form = 'injection'", name=op.f("ck_dose_events_site_only_injection")
        ),
        sa.CheckConstraint(
            "amount_ug IS NULL OR amount_ug > 0", name=op.f("ck_dose_events_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_dose_events_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["supplement_plans.entry_id"],
            name=op.f("fk_dose_events_plan_id_supplement_plans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_dose_events")),
    )
    with op.batch_alter_table("dose_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dose_events_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dose_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_events_plan_id"))

    op.drop_table("dose_events")
    op.drop_table("symptom_checks")
    op.drop_table("supplement_plans")
    op.drop_table("saved_assessments")
    op.drop_table("profile_versions")
    op.drop_table("pain_entries")
    op.drop_table("lifestyle_entries")
    op.drop_table("lab_results")
    op.drop_table("instrument_results")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_recorded_at"))
        batch_op.drop_index("ix_entries_kind_recorded_at")

    op.drop_table("entries")
