"""The volunteer network (شبکه داوطلبان): one sign-up per person, the areas they serve in.

Only what the sign-up asks is stored: areas, profession, skills, province and county, when the
person can help, a contact mobile (needed to call them) and when they consented to which
consent text. No names. Withdrawing deletes the row and its areas (not a flag).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Volunteer(Base):
    __tablename__ = "volunteers"
    __table_args__ = (
        Index("ix_volunteers_province_county", "province_id", "county_id"),
        Index("ix_volunteers_profession", "profession"),
        Index("ix_volunteers_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # users.id: one sign-up per person and platform.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # A key of services.volunteers.PROFESSIONS ("other" when typed and not in the list).
    profession: Mapped[str] = mapped_column(String(32))
    profession_text: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[str | None] = mapped_column(String(400))
    province_id: Mapped[str] = mapped_column(String(4))
    county_id: Mapped[str] = mapped_column(String(8))
    available_weekdays: Mapped[bool] = mapped_column(Boolean, default=False)
    available_evenings: Mapped[bool] = mapped_column(Boolean, default=False)
    available_weekends: Mapped[bool] = mapped_column(Boolean, default=False)
    available_emergencies: Mapped[bool] = mapped_column(Boolean, default=False)
    # 09XXXXXXXXX. `mobile_shared` is true when it came from the person's own contact
    # (the platform vouches for it), false when typed.
    mobile: Mapped[str] = mapped_column(String(11))
    mobile_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_version: Mapped[str] = mapped_column(String(16))
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Staff review (services.volunteers.review): pending, accepted or declined, by whom and when.
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default=text("'pending'"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)

    areas: Mapped[list[VolunteerArea]] = relationship(
        back_populates="volunteer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="VolunteerArea.area",
    )

    @property
    def area_keys(self) -> list[str]:
        return [a.area for a in self.areas]


class VolunteerArea(Base):
    """One of the five areas a volunteer serves in; the primary key (area, volunteer_id) is
    also the index staff searches and broadcast segments use."""

    __tablename__ = "volunteer_areas"

    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    volunteer: Mapped[Volunteer] = relationship(back_populates="areas")
