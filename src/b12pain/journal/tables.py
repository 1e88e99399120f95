"""The journal's SQLAlchemy 2 models: one `entries` row per record, one detail row per kind.

Every entry shares `entries` (uid, kind, UTC time, the entry's own UTC offset, note), so comments
can point at any entry with a real foreign key and history is one ordered query. The limits of
`records.py` are repeated as CHECK constraints so a bug elsewhere cannot store nonsense.
Alembic migrations in `migrations/versions/` create exactly these tables (a test compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from b12pain.journal.records import DOSE_FORMS, DOSE_STATUSES, KINDS

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LAB_TESTS = ("total_b12", "active_b12", "mma", "homocysteine", "folate", "haemoglobin", "mcv")
FACTORS = ("sleep", "exercise", "stress", "mood")
#: The one implicit owner of a local, single-person store.
LOCAL_OWNER = "local"


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same."""

    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: sa.JSON, list[Any]: sa.JSON}


def _entry_fk() -> Mapped[int]:
    return mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class EntryRow(Base):
    """What every record shares: identity, kind, time (UTC + the person's offset), note."""

    __tablename__ = "entries"
    __table_args__ = (
        sa.CheckConstraint("utc_offset_minutes BETWEEN -840 AND 840", name="offset_range"),
        sa.CheckConstraint("note IS NULL OR length(note) BETWEEN 1 AND 2000", name="note_length"),
        sa.Index("ix_entries_kind_recorded_at", "kind", "recorded_at"),
        sa.Index("ix_entries_owner_kind_recorded_at", "owner", "kind", "recorded_at"),
        sa.Index("ix_entries_owner_id", "owner", "id"),  # an owner's revision (0009)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: Whose entry this is (migration 0006); a local store's one owner is "local".
    owner: Mapped[str] = mapped_column(sa.String(64), server_default=LOCAL_OWNER)
    kind: Mapped[str] = mapped_column(_enum("entry_kind", KINDS))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(), index=True)
    utc_offset_minutes: Mapped[int] = mapped_column(sa.Integer())
    note: Mapped[str | None] = mapped_column(sa.Text())


class ProfileVersionRow(Base):
    """One version of the profile (CONTRACT.md JSON); the newest is the current one."""

    __tablename__ = "profile_versions"
    __table_args__ = (sa.CheckConstraint("version >= 1", name="version_positive"),)

    entry_id: Mapped[int] = _entry_fk()
    version: Mapped[int] = mapped_column(sa.Integer(), index=True)
    profile: Mapped[dict[str, Any]] = mapped_column()


class LabResultRow(Base):
    """A lab result with the lab's own reference range."""

    __tablename__ = "lab_results"
    __table_args__ = (sa.CheckConstraint("value > 0", name="value_positive"),)

    entry_id: Mapped[int] = _entry_fk()
    test: Mapped[str] = mapped_column(_enum("lab_test", LAB_TESTS))
    value: Mapped[float] = mapped_column(sa.Float())
    unit: Mapped[str] = mapped_column(sa.String(20))
    taken_on: Mapped[dt.date | None] = mapped_column(sa.Date())
    lab: Mapped[str | None] = mapped_column(sa.String(200))
    reference_range: Mapped[str | None] = mapped_column(sa.String(80))


class PainEntryRow(Base):
    """A pain rating with regions, type, descriptors, triggers and what helped (JSON lists)."""

    __tablename__ = "pain_entries"
    __table_args__ = (sa.CheckConstraint("nrs BETWEEN 0 AND 10", name="nrs_range"),)

    entry_id: Mapped[int] = _entry_fk()
    nrs: Mapped[int] = mapped_column(sa.Integer())
    regions: Mapped[list[Any]] = mapped_column()
    pain_type: Mapped[str | None] = mapped_column(sa.String(20))
    descriptors: Mapped[list[Any]] = mapped_column()
    triggers: Mapped[list[Any]] = mapped_column()
    helped: Mapped[list[Any]] = mapped_column()


class SymptomCheckRow(Base):
    """The symptom ids present at a check."""

    __tablename__ = "symptom_checks"

    entry_id: Mapped[int] = _entry_fk()
    symptoms: Mapped[list[Any]] = mapped_column()


class InstrumentResultRow(Base):
    """A questionnaire's answers and score."""

    __tablename__ = "instrument_results"

    entry_id: Mapped[int] = _entry_fk()
    instrument: Mapped[str] = mapped_column(sa.String(60))
    answers: Mapped[dict[str, Any]] = mapped_column()
    score: Mapped[float | None] = mapped_column(sa.Float())
    category: Mapped[str | None] = mapped_column(sa.String(80))


class LifestyleRow(Base):
    """Sleep (hours, quality), exercise (minutes, activity), stress (0–10) or mood (0–4)."""

    __tablename__ = "lifestyle_entries"
    __table_args__ = (
        sa.CheckConstraint(
            "(factor = 'sleep' AND amount BETWEEN 0 AND 24)"
            " OR (factor = 'exercise' AND amount BETWEEN 0 AND 1440)"
            " OR (factor = 'stress' AND amount BETWEEN 0 AND 10)"
            " OR (factor = 'mood' AND amount BETWEEN 0 AND 4)",
            name="amount_range",
        ),
        sa.CheckConstraint("quality IS NULL OR quality BETWEEN 0 AND 4", name="quality_range"),
    )

    entry_id: Mapped[int] = _entry_fk()
    factor: Mapped[str] = mapped_column(_enum("lifestyle_factor", FACTORS))
    amount: Mapped[float] = mapped_column(sa.Float())
    quality: Mapped[int | None] = mapped_column(sa.Integer())
    activity: Mapped[str | None] = mapped_column(sa.String(80))


class SupplementPlanRow(Base):
    """A supplement plan: regimen, form, amount, interval or dated schedule, dates, stock."""

    __tablename__ = "supplement_plans"
    __table_args__ = (
        sa.CheckConstraint("amount_ug > 0", name="amount_positive"),
        sa.CheckConstraint(
            "every_days IS NULL OR every_days BETWEEN 1 AND 366", name="every_days_range"
        ),
        sa.CheckConstraint("stock_units IS NULL OR stock_units >= 0", name="stock_nonnegative"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint(
            "regimen_id IS NOT NULL OR every_days IS NOT NULL", name="regimen_or_interval"
        ),
        sa.CheckConstraint(
            "stopped_on IS NULL OR stopped_on >= starts_on", name="stopped_after_start"
        ),
    )

    entry_id: Mapped[int] = _entry_fk()
    #: The cited regimen followed; empty for a supplement the person bought (migration 0006).
    regimen_id: Mapped[str | None] = mapped_column(sa.String(60))
    #: The product's name as the person gives it ("my supplement"; 0006).
    product: Mapped[str | None] = mapped_column(sa.String(120))
    #: First day without doses of a plan that was stopped or changed (0006).
    stopped_on: Mapped[dt.date | None] = mapped_column(sa.Date())
    form: Mapped[str] = mapped_column(_enum("plan_form", DOSE_FORMS))
    amount_ug: Mapped[float] = mapped_column(sa.Float())
    every_days: Mapped[int | None] = mapped_column(sa.Integer())
    starts_on: Mapped[dt.date] = mapped_column(sa.Date())
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date())
    stock_units: Mapped[int | None] = mapped_column(sa.Integer())
    review_on: Mapped[dt.date | None] = mapped_column(sa.Date())
    #: Dated doses, reviews and tests (migration 0003); JSON list of {date, what, kind}.
    schedule: Mapped[list[Any] | None] = mapped_column()


class DoseEventRow(Base):
    """A dose event, optionally tied to a plan; only injections have a site."""

    __tablename__ = "dose_events"
    __table_args__ = (
        sa.CheckConstraint("amount_ug IS NULL OR amount_ug > 0", name="amount_positive"),
        sa.CheckConstraint("site IS NULL OR form = 'injection'", name="site_only_injection"),
    )

    entry_id: Mapped[int] = _entry_fk()
    plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supplement_plans.entry_id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(_enum("dose_status", DOSE_STATUSES))
    form: Mapped[str] = mapped_column(_enum("dose_form", DOSE_FORMS))
    site: Mapped[str | None] = mapped_column(sa.String(20))
    amount_ug: Mapped[float | None] = mapped_column(sa.Float())


class SavedAssessmentRow(Base):
    """A saved Assessment JSON with the knowledge version that produced it."""

    __tablename__ = "saved_assessments"

    entry_id: Mapped[int] = _entry_fk()
    knowledge_version: Mapped[str] = mapped_column(sa.String(80))
    assessment: Mapped[dict[str, Any]] = mapped_column()


class FoodEntryRow(Base):
    """A food eaten, with grams and B12 as measured by `foods` (migration 0002)."""

    __tablename__ = "food_entries"
    __table_args__ = (
        sa.CheckConstraint("grams > 0", name="grams_positive"),
        sa.CheckConstraint("b12_ug IS NULL OR b12_ug >= 0", name="b12_nonnegative"),
        sa.CheckConstraint(
            "b12_added_ug IS NULL OR b12_added_ug >= 0", name="b12_added_nonnegative"
        ),
    )

    entry_id: Mapped[int] = _entry_fk()
    food_id: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300))
    amount_text: Mapped[str] = mapped_column(sa.String(80))
    grams: Mapped[float] = mapped_column(sa.Float())
    b12_ug: Mapped[float | None] = mapped_column(sa.Float())  # None: no B12 value known
    b12_added_ug: Mapped[float | None] = mapped_column(sa.Float())  # fortification (0004)


class StockCountRow(Base):
    """Units on hand for a plan, counted on the entry's day (migration 0005)."""

    __tablename__ = "stock_counts"
    __table_args__ = (sa.CheckConstraint("units >= 0", name="units_nonnegative"),)

    entry_id: Mapped[int] = _entry_fk()
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplement_plans.entry_id", ondelete="CASCADE"), index=True
    )
    units: Mapped[int] = mapped_column(sa.Integer())


class CommentRow(Base):
    """A comment on any entry, with its author (the person, or later a clinician)."""

    __tablename__ = "comments"
    __table_args__ = (
        sa.CheckConstraint("utc_offset_minutes BETWEEN -840 AND 840", name="offset_range"),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 2000", name="text_length"),
        sa.Index("ix_comments_owner_id", "owner", "id"),  # an owner's revision (0009)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True)
    owner: Mapped[str] = mapped_column(sa.String(64), server_default=LOCAL_OWNER)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    utc_offset_minutes: Mapped[int] = mapped_column(sa.Integer())
    author: Mapped[str] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.Text())


class EntryChangeRow(Base):
    """The entry as it was before an edit or a delete (migration 0007), so the last change of
    an owner can be undone; the newest row of an owner is undone first."""

    __tablename__ = "entry_changes"
    __table_args__ = (
        sa.CheckConstraint("action IN ('edit', 'delete')", name="action_known"),
        sa.Index("ix_entry_changes_owner_id", "owner", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    action: Mapped[str] = mapped_column(sa.String(10))
    entry_uid: Mapped[str] = mapped_column(sa.String(32))
    #: The whole record before the change, as in an export (`b12pain.journal/1`).
    before: Mapped[dict[str, Any]] = mapped_column()


#: Detail table of each record kind.
DETAIL_TABLES: dict[str, type[Base]] = {
    "profile": ProfileVersionRow,
    "lab": LabResultRow,
    "pain": PainEntryRow,
    "symptoms": SymptomCheckRow,
    "instrument": InstrumentResultRow,
    "sleep": LifestyleRow,
    "exercise": LifestyleRow,
    "stress": LifestyleRow,
    "mood": LifestyleRow,
    "plan": SupplementPlanRow,
    "dose": DoseEventRow,
    "food": FoodEntryRow,
    "assessment": SavedAssessmentRow,
    "stock": StockCountRow,
}


# --- Server mode (migration 0008): accounts, sessions, sharing, the audit log, preferences. ---

ROLES = ("person", "clinician", "admin")


class AccountRow(Base):
    """One account of a multi-user server; `username` is the owner of that person's rows."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    role: Mapped[str] = mapped_column(_enum("account_role", ROLES))
    #: An argon2id hash (the PHC string, with its parameters and salt).
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    #: Sessions begun before this time are invalid (logout everywhere, password reset).
    sessions_valid_after: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    #: Set after too many failed logins; cleared by a password reset.
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime())


class SessionRow(Base):
    """A signed-in browser; the cookie holds only a random id, the table holds its hash."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())


class LoginFailureRow(Base):
    """One failed login, kept for rate limiting per account and per address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_username_at", "username", "at"),
        sa.Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime())


class ShareRow(Base):
    """A person's diary shared with a named clinician, until revoked."""

    __tablename__ = "shares"
    __table_args__ = (
        sa.Index("ix_shares_owner_clinician", "owner", "clinician"),
        sa.Index("ix_shares_clinician_revoked_at", "clinician", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(64))
    clinician: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime())


class AuditEventRow(Base):
    """One access to an owner's data by someone else (who, when, what); the owner reads these."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_owner_id", "owner", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime())
    action: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[str] = mapped_column(sa.String(200))


class PreferenceRow(Base):
    """An owner's preferences (units, intake target...) as one JSON object."""

    __tablename__ = "preferences"

    owner: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column()
