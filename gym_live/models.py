"""Database tables. All timestamps are stored as UTC and read back timezone-aware."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from gym_live.domain.api_keys import IDEMPOTENCY_KEY_LENGTH
from gym_live.domain.api_keys import NAME_LENGTH as API_KEY_NAME_LENGTH
from gym_live.domain.audit import DETAIL_LENGTH, SUBJECT_LENGTH, AuditKind
from gym_live.domain.checkin import CheckoutReason, Source
from gym_live.domain.member_status import FREEZE_REASON_LENGTH
from gym_live.domain.members import (
    MAX_CODE_LENGTH,
    NAME_LENGTH,
    SEARCH_KEY_LENGTH,
    SEARCH_TEXT_LENGTH,
    STORED_CODE_LENGTH,
    MemberStatus,
    Plan,
    search_key,
    search_text,
)
from gym_live.domain.overrides import OVERRIDE_REASON_LENGTH
from gym_live.domain.staff import DISPLAY_NAME_LENGTH, USERNAME_LENGTHS, Role, SignInOutcome
from gym_live.domain.webhooks import ERROR_LENGTH
from gym_live.domain.webhooks import URL_LENGTH as WEBHOOK_URL_LENGTH

OPEN_VISIT = sa.text("checked_out_at IS NULL")
OVERRIDDEN = sa.text("override_reason IS NOT NULL")
PENDING_DELIVERY = sa.text("delivered_at IS NULL AND given_up_at IS NULL")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A datetime column that refuses naive values and always returns aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_column(*, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(UTCDateTime(), nullable=nullable)


def _choices(column: str, enum: type) -> sa.CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=f"ck_{column}")


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, unique=True))
    capacity: int
    timezone: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    # The most people inside at once since `peak_since`, the local midnight it counts from:
    # kept by every check-in (services.peaks). None: counted again from the visits.
    peak_since: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    peak_inside: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0")
    )

    __table_args__ = (sa.CheckConstraint("capacity > 0", name="ck_location_capacity"),)

    @property
    def zone_info(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Member(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    member_code: str = Field(
        sa_column=sa.Column(sa.String(MAX_CODE_LENGTH), nullable=False, unique=True)
    )
    full_name: str = Field(sa_column=sa.Column(sa.String(NAME_LENGTH), nullable=False))
    email: str | None = Field(default=None, sa_column=sa.Column(sa.String(254)))
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))
    status: str = Field(
        default=MemberStatus.ACTIVE.value,
        sa_column=sa.Column(sa.String(16), nullable=False),
    )
    valid_until: date | None = None
    # While frozen: why, and the freeze's last day (None: until someone unfreezes it).
    freeze_reason: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(FREEZE_REASON_LENGTH))
    )
    frozen_until: date | None = None
    # What check-ins run on (domain.members.Plan), and the visit pass, if any: the visits
    # left on it and its last day (None: no expiry).
    plan: str = Field(
        default=Plan.TIME.value,
        sa_column=sa.Column(sa.String(8), nullable=False, server_default=Plan.TIME.value),
    )
    visits_left: int | None = None
    pass_until: date | None = None
    # The photo's stored name (adapters.photos.PhotoStore), if there is one.
    photo: str | None = Field(default=None, sa_column=sa.Column(sa.String(32)))
    pin_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(255)))
    created_at: datetime = Field(sa_column=_utc_column())
    # What the members list finds and sorts a name by (see domain.members.search_key),
    # kept in step with the name on every insert and update by _keep_search_columns.
    search_key: str = Field(
        default="",
        sa_column=sa.Column(sa.String(SEARCH_KEY_LENGTH), nullable=False, server_default=""),
    )
    # Everything the member is found by (see domain.members.search_text), kept in step the
    # same way; adapters.member_search indexes it.
    search_text: str = Field(
        default="",
        sa_column=sa.Column(sa.String(SEARCH_TEXT_LENGTH), nullable=False, server_default=""),
    )
    # When the member's latest visit began, written by the check-in (the list sorts by it).
    last_visit_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))

    __table_args__ = (
        _choices("status", MemberStatus),
        _choices("plan", Plan),
        sa.CheckConstraint("visits_left >= 0", name="ck_member_visits_left"),
        sa.Index("ix_member_search_key", "search_key"),
        sa.Index("ix_member_status_name", "status", "search_key"),  # a status, by name
        sa.Index("ix_member_valid_until", "valid_until"),
        sa.Index("ix_member_last_visit", "last_visit_at"),
    )


@sa.event.listens_for(Member, "before_insert")
@sa.event.listens_for(Member, "before_update")
def _keep_search_columns(_mapper: object, _connection: object, member: Member) -> None:
    attrs = sa.inspect(member).attrs
    if member.search_text and not any(
        getattr(attrs, name).history.has_changes() for name in _FOUND_BY
    ):
        return  # a check-in or a status change: nothing to find the member by changed
    member.search_key = search_key(member.full_name)
    member.search_text = search_text(
        member.full_name, member.member_code, member.email, member.phone
    )


_FOUND_BY = ("full_name", "member_code", "email", "phone")


class Visit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", nullable=False)
    location_id: int = Field(foreign_key="location.id", nullable=False)
    checked_in_at: datetime = Field(sa_column=_utc_column())
    checked_out_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    checkout_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(16)))
    source: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    # The staff accounts that checked the member in and out at the desk (None: a kiosk,
    # the command line, the sweep).
    checked_in_by: int | None = Field(default=None, foreign_key="staff.id")
    checked_out_by: int | None = Field(default=None, foreign_key="staff.id")
    # Why the desk let the member in although the door had refused them ("admit anyway").
    override_reason: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(OVERRIDE_REASON_LENGTH))
    )

    __table_args__ = (
        # The database, not a read-then-write check, guarantees one open visit per member.
        sa.Index(
            "uq_visit_open_member",
            "member_id",
            unique=True,
            sqlite_where=OPEN_VISIT,
            postgresql_where=OPEN_VISIT,
        ),
        sa.Index(
            "ix_visit_open_location",
            "location_id",
            "checked_in_at",
            sqlite_where=OPEN_VISIT,
            postgresql_where=OPEN_VISIT,
        ),
        sa.Index("ix_visit_in", "checked_in_at", "id"),  # every visit of a period, in order
        # The reports read a period's arrivals (by source), stays and overrides from these
        # alone, never from the rows.
        sa.Index("ix_visit_location_in", "location_id", "checked_in_at", "source"),
        sa.Index(
            "ix_visit_location_out",
            "location_id",
            "checked_out_at",
            "checkout_reason",
            "checked_in_at",
        ),
        sa.Index(
            "ix_visit_overridden",
            "location_id",
            "checked_in_at",
            "checked_in_by",
            sqlite_where=OVERRIDDEN,
            postgresql_where=OVERRIDDEN,
        ),
        sa.Index("ix_visit_member_out", "member_id", "checked_out_at"),
        sa.Index("ix_visit_member_in", "member_id", "checked_in_at"),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR checked_out_at >= checked_in_at",
            name="ck_visit_order",
        ),
        sa.CheckConstraint(
            "(checked_out_at IS NULL) = (checkout_reason IS NULL)",
            name="ck_visit_reason_set",
        ),
        _choices("checkout_reason", CheckoutReason),
        _choices("source", Source),
    )


class DeniedAttempt(SQLModel, table=True):
    __tablename__ = "denied_attempt"

    id: int | None = Field(default=None, primary_key=True)
    code_tried: str = Field(sa_column=sa.Column(sa.String(STORED_CODE_LENGTH), nullable=False))
    location_id: int = Field(foreign_key="location.id", nullable=False)
    member_id: uuid.UUID | None = Field(default=None, foreign_key="member.id")
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    reason: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    at: datetime = Field(sa_column=_utc_column())
    # The visit the desk admitted the member with anyway, if it did (at most once).
    admitted_visit_id: int | None = Field(default=None, foreign_key="visit.id")

    __table_args__ = (
        sa.Index("ix_denied_location_at", "location_id", "at"),
        sa.Index("ix_denied_kiosk_at", "kiosk_id", "at"),
    )


class ReportDay(SQLModel, table=True):
    """A settled day's report figures at a location (domain.reports.DayCounts as JSON),
    counted once from its visits so a year's report reads 365 rows, not 400,000 visits.
    Derived data: deleting rows is always safe, they are counted again when next asked for.
    Kept per time zone, as the location's days were when counted."""

    __tablename__ = "report_day"

    location_id: int = Field(foreign_key="location.id", primary_key=True)
    timezone: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    day: date = Field(primary_key=True)
    counts: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    counted_at: datetime = Field(sa_column=_utc_column())


class Kiosk(SQLModel, table=True):
    """An enrolled door tablet. Only hashes of its pairing code and device token are kept."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    location_id: int = Field(foreign_key="location.id", nullable=False)
    pairing_code_hash: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(64), index=True)
    )
    pairing_expires_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    token_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), unique=True))
    created_at: datetime = Field(sa_column=_utc_column())
    paired_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # When its page last talked to the server, to the minute (see kiosks.mark_seen).
    last_seen_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class ApiKey(SQLModel, table=True):
    """A key an integration calls the REST API with. Only the hash of its secret is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(API_KEY_NAME_LENGTH), nullable=False))
    key_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    scopes: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    created_at: datetime = Field(sa_column=_utc_column())
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    last_used_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # Where its integration hears of check-ins (None: it does not), and the secret the calls
    # are signed with: kept as it is, since signing needs it (the receiver has a copy).
    webhook_url: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(WEBHOOK_URL_LENGTH))
    )
    webhook_secret: str | None = Field(default=None, sa_column=sa.Column(sa.String(64)))


class WebhookDelivery(SQLModel, table=True):
    """An event to send to an integration's webhook: written in the transaction of the
    change it reports (nothing committed goes unsent), kept as the delivery log."""

    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", nullable=False)
    event_id: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    payload: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(sa_column=_utc_column())
    # When it is next due (or, while a sender holds it, when its claim runs out).
    next_attempt_at: datetime = Field(sa_column=_utc_column())
    attempts: int = 0
    delivered_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    given_up_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.String(ERROR_LENGTH)))

    __table_args__ = (
        sa.UniqueConstraint("api_key_id", "event_id", name="uq_webhook_delivery_event"),
        sa.Index(
            "ix_webhook_delivery_due",
            "next_attempt_at",
            sqlite_where=PENDING_DELIVERY,
            postgresql_where=PENDING_DELIVERY,
        ),
        sa.Index("ix_webhook_delivery_key", "api_key_id", "id"),
    )


class ApiKeyLocation(SQLModel, table=True):
    """A location a key may scan at; a key with none may scan everywhere."""

    __tablename__ = "api_key_location"

    api_key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True)


class ApiRequest(SQLModel, table=True):
    """A scan sent with an Idempotency-Key, and the answer given: a retry gets it again."""

    __tablename__ = "api_request"

    api_key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    idempotency_key: str = Field(
        sa_column=sa.Column(sa.String(IDEMPOTENCY_KEY_LENGTH), primary_key=True)
    )
    created_at: datetime = Field(sa_column=_utc_column())
    answer: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))


class Staff(SQLModel, table=True):
    """A staff account. The username is stored lower-case (unique regardless of case)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(
        sa_column=sa.Column(sa.String(USERNAME_LENGTHS.stop - 1), nullable=False, unique=True)
    )
    display_name: str = Field(sa_column=sa.Column(sa.String(DISPLAY_NAME_LENGTH), nullable=False))
    role: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    active: bool = True
    password_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    # Set when an admin hands the password over: its owner must choose their own first.
    must_change_password: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    created_at: datetime = Field(sa_column=_utc_column())
    last_sign_in_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))

    __table_args__ = (_choices("role", Role),)


class StaffSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of its token is kept; `expires_at` slides."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", nullable=False, index=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class SignInAttempt(SQLModel, table=True):
    """Every sign-in attempt, by the username typed (known or not): lockout and the audit."""

    __tablename__ = "sign_in_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=sa.Column(sa.String(USERNAME_LENGTHS.stop - 1), nullable=False))
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    outcome: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    at: datetime = Field(sa_column=_utc_column())

    __table_args__ = (
        sa.Index("ix_sign_in_username_at", "username", "at"),
        _choices("outcome", SignInOutcome),
    )


class AuditEvent(SQLModel, table=True):
    """An admin's action (`domain.audit.RECORDED`), written in the action's transaction."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc_column())
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(SUBJECT_LENGTH), nullable=False))
    detail: str = Field(default="", sa_column=sa.Column(sa.String(DETAIL_LENGTH), nullable=False))

    __table_args__ = (
        sa.Index("ix_audit_at", "at"),
        sa.Index("ix_audit_actor_at", "actor_id", "at"),
        _choices("kind", AuditKind),
    )
