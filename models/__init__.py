"""SQLAlchemy models. Import every model module here so `Base.metadata` (and Alembic) see them."""

from models.base import Base
from models.broadcasts import Broadcast, CampaignNotice, OutboxItem, Subscription
from models.donation import (
    Campaign,
    CampaignStatus,
    Donation,
    DonationStatus,
    Purpose,
    ReceiptSequence,
    RegionScope,
)
from models.fsm import FsmRecord
from models.staff import AuditEntry, StaffRole
from models.tickets import Ticket, TicketLink, TicketMessage, TicketSequence
from models.updates import InboxStatus, InboxUpdate
from models.user import User
from models.volunteers import Volunteer, VolunteerArea

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
    "InboxStatus",
    "InboxUpdate",
    "OutboxItem",
    "Purpose",
    "ReceiptSequence",
    "RegionScope",
    "StaffRole",
    "Subscription",
    "Ticket",
    "TicketLink",
    "TicketMessage",
    "TicketSequence",
    "User",
    "Volunteer",
    "VolunteerArea",
]
