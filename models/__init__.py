"""SQLAlchemy models. Import every model module here so `Base.metadata` (and Alembic) see them."""

from models.applications import Application, StatusLookupFailure, StatusNotification, StatusSubscription
from models.base import Base
from models.donation import Campaign, CampaignStatus, Donation, DonationStatus, Purpose, RegionScope
from models.eligibility import EligibilityProgress
from models.faq import FaqQuery
from models.fsm import FsmRecord
from models.staff import AuditEntry, StaffRole
from models.tickets import Ticket, TicketLink, TicketMessage, TicketSequence
from models.user import User
from models.volunteers import Volunteer, VolunteerArea

__all__ = [
    "Application",
    "AuditEntry",
    "Base",
    "Campaign",
    "CampaignStatus",
    "Donation",
    "DonationStatus",
    "EligibilityProgress",
    "FaqQuery",
    "FsmRecord",
    "Purpose",
    "RegionScope",
    "StaffRole",
    "StatusLookupFailure",
    "StatusNotification",
    "StatusSubscription",
    "Ticket",
    "TicketLink",
    "TicketMessage",
    "TicketSequence",
    "User",
    "Volunteer",
    "VolunteerArea",
]
