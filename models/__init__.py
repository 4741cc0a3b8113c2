"""SQLAlchemy models. Import every model module here so `Base.metadata` (and Alembic) see them."""

from models.applications import Application, StatusLookupFailure, StatusNotification, StatusSubscription
from models.base import Base
from models.broadcasts import Broadcast, CampaignNotice, OutboxItem, Subscription
from models.console import ConsoleSession, ConsoleSignIn, TicketNote
from models.donation import (
    Campaign,
    CampaignStatus,
    Donation,
    DonationStatus,
    Purpose,
    ReceiptSequence,
    RegionScope,
)
from models.eligibility import EligibilityProgress, EligibilityResult, EligibilityRulebook
from models.faq import FaqCatalog, FaqEntry, FaqQuery, FaqRevision, FaqTopic
from models.fsm import FsmRecord
from models.imports import ConsoleImport
from models.jobs import JobLease
from models.staff import AuditEntry, BlockedUser, StaffRole
from models.stats import DonationDay
from models.tickets import Ticket, TicketLink, TicketMessage, TicketSequence
from models.updates import ButtonPress, InboxStatus, InboxUpdate
from models.user import User
from models.volunteers import Volunteer, VolunteerArea

__all__ = [
    "Application",
    "AuditEntry",
    "Base",
    "BlockedUser",
    "Broadcast",
    "ButtonPress",
    "Campaign",
    "CampaignNotice",
    "CampaignStatus",
    "ConsoleImport",
    "ConsoleSession",
    "ConsoleSignIn",
    "Donation",
    "DonationDay",
    "DonationStatus",
    "EligibilityProgress",
    "EligibilityResult",
    "EligibilityRulebook",
    "FaqCatalog",
    "FaqEntry",
    "FaqQuery",
    "FaqRevision",
    "FaqTopic",
    "FsmRecord",
    "InboxStatus",
    "InboxUpdate",
    "JobLease",
    "OutboxItem",
    "Purpose",
    "ReceiptSequence",
    "RegionScope",
    "StaffRole",
    "StatusLookupFailure",
    "StatusNotification",
    "StatusSubscription",
    "Subscription",
    "Ticket",
    "TicketLink",
    "TicketMessage",
    "TicketNote",
    "TicketSequence",
    "User",
    "Volunteer",
    "VolunteerArea",
]
