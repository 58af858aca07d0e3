"""Best-in-class workshops, registrations, materials and improvement actions (DOMAIN §8)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Club, Firm
from .user import User


class HostStatus(str, enum.Enum):
    PENDING = "pending"
    AGREED = "agreed"
    DECLINED = "declined"


class WorkshopStatus(str, enum.Enum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class RegistrationStatus(str, enum.Enum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ActionStatus(str, enum.Enum):
    OPEN = "open"
    DONE = "done"


class Workshop(db.Model):
    """A best-in-class workshop on one KPI, held at the host firm's plant."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    host_firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("firms.id"), default=None)
    host_status: Mapped[HostStatus] = mapped_column(
        sa.Enum(HostStatus, native_enum=False, length=16), default=HostStatus.PENDING
    )
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column(default=20)
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[WorkshopStatus] = mapped_column(
        sa.Enum(WorkshopStatus, native_enum=False, length=16), default=WorkshopStatus.PLANNED
    )
    suggested_from_month: Mapped[str | None] = mapped_column(sa.String(7), default=None)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    club: Mapped[Club] = relationship()
    host_firm: Mapped[Firm | None] = relationship()
    invitations: Mapped[list[WorkshopInvitation]] = relationship(back_populates="workshop", cascade="all, delete-orphan")
    registrations: Mapped[list[WorkshopRegistration]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="WorkshopRegistration.registered_at"
    )
    materials: Mapped[list[WorkshopMaterial]] = relationship(back_populates="workshop", cascade="all, delete-orphan")
    actions: Mapped[list[ImprovementAction]] = relationship(back_populates="workshop")


class WorkshopInvitation(db.Model):
    __tablename__ = "workshop_invitations"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="invitations")
    firm: Mapped[Firm] = relationship()


class WorkshopRegistration(db.Model):
    """A firm's place at a workshop (or on its waiting list), and whether it attended."""

    __tablename__ = "workshop_registrations"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    status: Mapped[RegistrationStatus] = mapped_column(
        sa.Enum(RegistrationStatus, native_enum=False, length=16), default=RegistrationStatus.REGISTERED
    )
    attended: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="registrations")
    firm: Mapped[Firm] = relationship()
    user: Mapped[User | None] = relationship()


class WorkshopMaterial(db.Model):
    """An uploaded file; stored under a random name, served only to the club."""

    __tablename__ = "workshop_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="materials")


class ImprovementAction(db.Model):
    """Something a firm commits to improve, usually after a workshop."""

    __tablename__ = "improvement_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), default=None, index=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(120), default="")
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ActionStatus] = mapped_column(
        sa.Enum(ActionStatus, native_enum=False, length=8), default=ActionStatus.OPEN
    )
    completed_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop | None] = relationship(back_populates="actions")
    firm: Mapped[Firm] = relationship()
