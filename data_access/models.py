"""The data model: one table per object of DOMAIN.md, in SQLAlchemy 2 typed ORM.

Status, kind and role columns hold short ASCII codes (``"sent"``, ``"town"``,
``"office"``); their Chinese and English labels live in :mod:`rules.lifecycle`, so the
database never depends on the display language.

Every table that a form edits carries ``version``: a command compares it with the version
the form was shown and refuses a stale save (see ``data_access.commands``).

Referrals store their computed deadlines (``send_due_on``, ``ack_due_on``) and the working
days taken to acknowledge (``ack_workdays``). Dashboards then filter and aggregate on
indexed columns instead of recomputing the calendar for every row; when the office changes
the calendar, ``commands.calendar.recompute_deadlines`` rewrites the affected rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Versioned:
    """Optimistic locking: the ORM bumps ``version`` on every UPDATE and refuses one whose
    row changed underneath it; commands also compare it with the version a form showed."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Agency(Versioned, Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # department / town / judicial / coordinator
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(40))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    # Town outline as [[lon, lat], ...] so the map needs no internet tiles.
    outline: Mapped[list | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class User(Versioned, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # office / chair / head / clerk / observer
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Login cookies issued before this moment are refused: set at logout, password reset
    # and deactivation, so "log out" holds even though the cookie is deleted by the browser.
    logged_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    agency: Mapped[Agency | None] = relationship()


class Referral(Versioned, Base):
    __tablename__ = "referrals"
    __table_args__ = (
        # Backlog and overdue board: open items per receiving agency by deadline.
        Index("ix_referrals_to_status_due", "to_agency_id", "status", "ack_due_on"),
        Index("ix_referrals_status_due", "status", "ack_due_on"),
        # Period metrics and trend: referrals sent in a date range, per agency.
        Index("ix_referrals_sent_on", "sent_on"),
        Index("ix_referrals_from_sent", "from_agency_id", "sent_on"),
        Index("ix_referrals_to_sent", "to_agency_id", "sent_on"),
        # Dashboards "as of" a day: not yet acknowledged (ack_on NULL or later) and accepted
        # without a result (result_on NULL or later) are small sets found through these.
        Index("ix_referrals_ack_on", "ack_on"),
        Index("ix_referrals_outcome_result", "ack_outcome", "result_on"),
        # Results reported in a period, per agency (the period's metrics).
        Index("ix_referrals_result_on", "result_on"),
        # An agency's page: what it awaits or owes as of a day, not its whole history.
        Index("ix_referrals_to_ack", "to_agency_id", "ack_on", "sent_on"),
        Index("ix_referrals_from_ack", "from_agency_id", "ack_on", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(20))
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    discovered_on: Mapped[date | None] = mapped_column(Date)
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    extension_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    criminal: Mapped[bool] = mapped_column(Boolean, default=False)
    materials: Mapped[list | None] = mapped_column(JSON)
    approved_by: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    send_due_on: Mapped[date | None] = mapped_column(Date)
    # The moment an urgent referral had to be sent by (discovery time + 24 h), where the time
    # of discovery is known; the sending is then judged in hours (migration 0007).
    send_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    ack_due_on: Mapped[date | None] = mapped_column(Date)
    ack_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_on: Mapped[date | None] = mapped_column(Date)
    ack_outcome: Mapped[str | None] = mapped_column(String(12))  # accepted / declined / returned
    ack_reason: Mapped[str | None] = mapped_column(Text)
    ack_workdays: Mapped[int | None] = mapped_column(Integer)
    # Which sending this row holds (1 = the first): a re-send after 退回 moves the earlier
    # round, unchanged, to ``referral_rounds`` and counts up (DOMAIN.md, Rounds).
    round_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    result_on: Mapped[date | None] = mapped_column(Date)
    result_summary: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, onupdate=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(50))
    # The matter (事项) of the responsibility list the referral is about, where the clerk
    # picked one, and why it went elsewhere than the list says (migration 0004).
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("responsibilities.id"), index=True)
    routing_reason: Mapped[str | None] = mapped_column(Text)

    from_agency: Mapped[Agency] = relationship(foreign_keys=[from_agency_id])
    to_agency: Mapped[Agency] = relationship(foreign_keys=[to_agency_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )


class ReferralRound(Base):
    """An earlier, closed round of a referral (DOMAIN.md, Rounds): a sending that was
    returned (退回), kept exactly as it was when the referral was sent again. Never updated.

    The referral row holds the current round (``Referral.round_no``); the metrics and the
    overdue report read acknowledgement items as these rows plus the referrals' own.
    ``send_due_on``/``send_due_at`` are set on round 1 only: the sending is judged on the first
    sending alone."""

    __tablename__ = "referral_rounds"
    __table_args__ = (
        UniqueConstraint("referral_id", "round_no", name="uq_referral_rounds_round"),
        Index("ix_referral_rounds_sent_on", "sent_on"),
        Index("ix_referral_rounds_to_sent", "to_agency_id", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    round_no: Mapped[int] = mapped_column(Integer)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    send_due_on: Mapped[date | None] = mapped_column(Date)
    send_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    criminal: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by: Mapped[str | None] = mapped_column(String(50))
    ack_due_on: Mapped[date | None] = mapped_column(Date)
    ack_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_on: Mapped[date | None] = mapped_column(Date)
    ack_outcome: Mapped[str | None] = mapped_column(String(12))
    ack_reason: Mapped[str | None] = mapped_column(Text)
    ack_workdays: Mapped[int | None] = mapped_column(Integer)
    archived_at: Mapped[datetime] = mapped_column(DateTime)
    archived_by: Mapped[str | None] = mapped_column(String(50))


class ReferralEvent(Base):
    """One lifecycle step of a referral: who moved it, when, from which status to which."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str | None] = mapped_column(String(50))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="events")


class AssistanceRequest(Versioned, Base):
    __tablename__ = "assistance_requests"
    __table_args__ = (
        Index("ix_assist_to_status", "to_agency_id", "status", "due_on"),
        Index("ix_assist_requested_on", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # determination / appraisal / testing / opinion / onsite
    subject: Mapped[str] = mapped_column(String(200))
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    from_agency: Mapped[Agency] = relationship(foreign_keys=[from_agency_id])
    to_agency: Mapped[Agency] = relationship(foreign_keys=[to_agency_id])


class Dispute(Versioned, Base):
    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_stage", "stage", "stage_since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(10))  # 越位 (overreach) / 缺位 (gap)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    interim_handler_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    stage: Mapped[str] = mapped_column(String(20), default="joint_handling")
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    stage_since: Mapped[date] = mapped_column(Date)
    needs_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    responsible_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    parties: Mapped[list[DisputeParty]] = relationship(back_populates="dispute")
    stages: Mapped[list[DisputeStage]] = relationship(
        back_populates="dispute", order_by="DisputeStage.id"
    )
    interim_handler: Mapped[Agency | None] = relationship(foreign_keys=[interim_handler_id])


class DisputeParty(Base):
    __tablename__ = "dispute_parties"
    __table_args__ = (Index("ix_dispute_parties_agency", "agency_id"),)

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    position: Mapped[str | None] = mapped_column(Text)

    dispute: Mapped[Dispute] = relationship(back_populates="parties")
    agency: Mapped[Agency] = relationship()


class DisputeStage(Base):
    """The stage history: one row each time a dispute enters a stage."""

    __tablename__ = "dispute_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    entered_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(50))

    dispute: Mapped[Dispute] = relationship(back_populates="stages")


class Meeting(Versioned, Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="regular")  # regular / ad_hoc
    held_on: Mapped[date] = mapped_column(Date, index=True)  # the day it is scheduled for
    # The day it was actually opened (migration 0005), when that was not the scheduled day
    # or once it is started; see ``date_held``.
    started_on: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[str | None] = mapped_column(String(5))  # "14:30"
    place: Mapped[str | None] = mapped_column(String(100))
    chair_name: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    # Projector mode follows these two columns, written by the operator's window.
    current_item_id: Mapped[int | None] = mapped_column(Integer)
    item_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position"
    )

    @hybrid_property
    def date_held(self) -> date:
        """The day the meeting was held (once started), else the day it is scheduled for:
        what minutes, decisions and agency pages date it by."""
        return self.started_on or self.held_on

    @date_held.inplace.expression
    @classmethod
    def _date_held_expression(cls):
        return func.coalesce(cls.started_on, cls.held_on)


class MeetingInvitee(Base):
    """An agency invited to a meeting (attendance is recorded separately)."""

    __tablename__ = "meeting_invitees"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class MeetingObserver(Base):
    """Invited observers (人大代表、政协委员、社会监督员): people, not member agencies."""

    __tablename__ = "meeting_observers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    capacity: Mapped[str | None] = mapped_column(String(50))
    attended: Mapped[bool | None] = mapped_column(Boolean)


class Attendance(Base):
    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))  # present / absent / deputised
    delegate: Mapped[str | None] = mapped_column(String(50))


class AgendaItem(Versioned, Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    submitting_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    submitted_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    presenter: Mapped[str | None] = mapped_column(String(50))
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    position: Mapped[int] = mapped_column(Integer, default=0)
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    links: Mapped[list[AgendaItemLink]] = relationship(back_populates="item")
    submitting_agency: Mapped[Agency | None] = relationship()


class AgendaItemLink(Base):
    """What an agenda item is about: a referral, a dispute or an earlier decision."""

    __tablename__ = "agenda_item_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))

    item: Mapped[AgendaItem] = relationship(back_populates="links")


class Decision(Versioned, Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    text: Mapped[str] = mapped_column(Text)
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    lead_agency: Mapped[Agency] = relationship()
    co_agencies: Mapped[list[DecisionAgency]] = relationship()
    notes: Mapped[list[ProgressNote]] = relationship(order_by="ProgressNote.id")


class DecisionAgency(Base):
    __tablename__ = "decision_agencies"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class ProgressNote(Base):
    __tablename__ = "progress_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    username: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(Text)


class JointOperation(Versioned, Base):
    __tablename__ = "joint_operations"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    mechanism: Mapped[str] = mapped_column(String(12))  # routine / special / emergency
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    applied_on: Mapped[date | None] = mapped_column(Date)
    decision_due_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="applied")
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class JointOperationAgency(Base):
    __tablename__ = "joint_operation_agencies"

    operation_id: Mapped[int] = mapped_column(ForeignKey("joint_operations.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    notified_on: Mapped[date | None] = mapped_column(Date)
    dispatched_on: Mapped[date | None] = mapped_column(Date)


class CalendarOverride(Base):
    """A date the office declares a rest day (working=False) or make-up working day (True)."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(100))
    entered_by: Mapped[str | None] = mapped_column(String(50))
    entered_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class CalendarYear(Base):
    """A year whose official arrangement the office has entered: no longer provisional."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(50))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class RuleSetting(Base):
    """An office override of one field of ``rules.settings.RuleSettings``."""

    __tablename__ = "rule_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str | None] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class AuditEntry(Base):
    """Append-only trace of every write (全过程留痕): who, when, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_object", "object_type", "object_id"),
        Index("ix_audit_user_at", "username", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(50))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class NotifyChannel(Versioned, Base):
    """Where an agency's reminders go: one Apprise URL (mailto://, dingtalk://, wecombot://,
    feishu://…). The URL holds secrets (robot tokens, SMTP passwords): screens, the audit
    trail and exports show only :func:`data_access.notify.mask_url` of it."""

    __tablename__ = "notify_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Notification(Base):
    """One message to one channel: what was sent, when, and whether it arrived. A failed one
    stays ``failed`` and is sent again, as written, by the next run until it arrives."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("notify_channels.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # lights / digest / agenda_call / agenda
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationKey(Base):
    """The reminders a notification carries (``referral:12:2026-11-20:red`` …): a key once
    recorded for a channel is never sent on it again."""

    __tablename__ = "notification_keys"
    __table_args__ = (Index("ix_notification_keys_key", "key", "channel_id"),)

    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("notify_channels.id"))


class NoticeRead(Base):
    """When a user last looked at their notice list (the sidebar counts what is newer)."""

    __tablename__ = "notice_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_on: Mapped[date] = mapped_column(Date)


class PublishedReport(Base):
    """A published 通报: what it said, frozen. Written once by ``publish_report`` and never
    changed; a later back-dated entry that changes its period shows as a correction (更正)
    on the next report, not here."""

    __tablename__ = "published_reports"
    __table_args__ = (
        UniqueConstraint("year", "serial", name="uq_published_reports_number"),
        UniqueConstraint("period_start", "period_end", name="uq_published_reports_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    """The document number 〔year〕serial号: serials run from 1 within the year of issue."""
    period_code: Mapped[str] = mapped_column(String(10))  # 2026-11 / 2026-Q4 / 2026
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    figures: Mapped[dict] = mapped_column(JSON)
    """Everything the report said (``data_access.queries.bulletin.bulletin_figures``)."""
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str] = mapped_column(String(50))


class DataGeneration(Base):
    """One counter per area of data, moved by every write to that area in its transaction:
    the key of the cached reads (``data_access.generations``)."""

    __tablename__ = "data_generations"

    area: Mapped[str] = mapped_column(String(30), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Responsibility(Versioned, Base):
    """One entry of the responsibility list (权责清单): which agency holds a matter (事项).

    The key is ``code`` (事项编码) where the list gives one, else (``matter``, agency). An
    entry a government ruling settled names that dispute and the day (``settled_*``). Edits
    are audited with the entry's state before and after; that trail is its history.
    """

    __tablename__ = "responsibilities"
    __table_args__ = (
        Index("ix_resp_matter_agency", "matter", "agency_id"),
        Index("ix_resp_agency", "agency_id"),
        Index("ix_resp_domain", "domain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    matter: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    domain: Mapped[str | None] = mapped_column(String(20))
    from_department: Mapped[str | None] = mapped_column(String(100))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    # use_alter: disputes → referrals → responsibilities → disputes is a cycle of keys.
    settled_by_dispute_id: Mapped[int | None] = mapped_column(
        ForeignKey("disputes.id", use_alter=True, name="fk_resp_settled_dispute")
    )
    settled_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(50))

    agency: Mapped[Agency] = relationship()


class DisputeMatter(Base):
    """A matter of the responsibility list that a dispute is about."""

    __tablename__ = "dispute_matters"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), primary_key=True)
    responsibility_id: Mapped[int] = mapped_column(
        ForeignKey("responsibilities.id"), primary_key=True, index=True
    )


class Attachment(Base):
    """A file attached to a referral, an assistance request or a dispute.

    The content lives in the database itself so that one backup (SQLite file copy or
    pg_dump) holds the records and their papers together. Listing queries select the
    metadata columns only; ``content`` is read for a download.
    """

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(12))  # referral / assistance / dispute
    owner_id: Mapped[int] = mapped_column(Integer)
    material: Mapped[str] = mapped_column(String(20))  # 移送函, 现场检查记录 …
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(50))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
