"""People who talk to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class User(Base):
    """One person on one platform. Only what the bot needs: no names, no phone numbers."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Barred by staff from donating (fraud, chargebacks): checked before every payment.
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
