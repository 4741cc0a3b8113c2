"""SQLAlchemy models. Import every model module here so `Base.metadata` (and Alembic) see them."""

from models.base import Base
from models.broadcasts import Broadcast, CampaignNotice, OutboxItem, Subscription
from models.donation import Campaign, CampaignStatus, Donation, DonationStatus, Purpose, RegionScope
from models.fsm import FsmRecord
from models.staff import AuditEntry, StaffRole
from models.user import User

__all__ = [
    "AuditEntry",
    "Base",
    "Broadcast",
    "Campaign",
    "CampaignNotice",
    "CampaignStatus",
    "Donation",
    "DonationStatus",
    "FsmRecord",
    "OutboxItem",
    "Purpose",
    "RegionScope",
    "StaffRole",
    "Subscription",
    "User",
]
