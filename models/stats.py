"""Daily donation totals for the console's statistics (a summary kept by the database itself).

One row per Tehran calendar day and dimension key: ``all`` (key ""), ``campaign`` (the campaign
id, "" for none), ``purpose`` (the donation's purpose, else its campaign's), ``province`` (the
donation's province, else its campaign's; "" for nationwide). Only paid donations count, by the
day they were paid. Triggers on ``donations`` (migration 0180, :mod:`services.donation_days`)
keep it right for every writer — a payment, a refund, a test's or a seed's insert — so a year of
donations is summed from a few thousand rows instead of a million.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DonationDay(Base):
    __tablename__ = "donation_days"

    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    rials: Mapped[int] = mapped_column(BigInteger, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)
