"""When a ticket was first answered, kept on the ticket by the database (`tickets.first_answer_at`):
the working group's first message to the donor, or the «answered» status set without one
(answered by phone), whichever came first — the definition of /stats
(`services.tickets.first_answer`). Triggers keep it for every writer, so the console's
dashboard reads a year of tickets from one index instead of looking up each ticket's messages.
"""

from __future__ import annotations

SQLITE_TRIGGERS = (
    "CREATE TRIGGER ticket_first_answer_message AFTER INSERT ON ticket_messages "
    "WHEN NEW.direction = 'staff' BEGIN "
    "UPDATE tickets SET first_answer_at = NEW.created_at WHERE id = NEW.ticket_id "
    "AND (first_answer_at IS NULL OR first_answer_at > NEW.created_at); END",
    "CREATE TRIGGER ticket_first_answer_status AFTER UPDATE OF answered_at ON tickets "
    "WHEN NEW.answered_at IS NOT NULL AND (NEW.first_answer_at IS NULL OR NEW.first_answer_at > NEW.answered_at) "
    "BEGIN UPDATE tickets SET first_answer_at = NEW.answered_at WHERE id = NEW.id; END",
    "CREATE TRIGGER ticket_first_answer_insert AFTER INSERT ON tickets "
    "WHEN NEW.answered_at IS NOT NULL AND (NEW.first_answer_at IS NULL OR NEW.first_answer_at > NEW.answered_at) "
    "BEGIN UPDATE tickets SET first_answer_at = NEW.answered_at WHERE id = NEW.id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS ticket_first_answer_message",
    "DROP TRIGGER IF EXISTS ticket_first_answer_status",
    "DROP TRIGGER IF EXISTS ticket_first_answer_insert",
)

POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION ticket_first_answer_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET first_answer_at = NEW.created_at WHERE id = NEW.ticket_id
        AND (first_answer_at IS NULL OR first_answer_at > NEW.created_at);
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE FUNCTION ticket_first_answer_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.answered_at IS NOT NULL AND (NEW.first_answer_at IS NULL OR NEW.first_answer_at > NEW.answered_at) THEN
        NEW.first_answer_at := NEW.answered_at;
    END IF;
    RETURN NEW;
END $$""",
    "CREATE TRIGGER ticket_first_answer_message AFTER INSERT ON ticket_messages FOR EACH ROW "
    "WHEN (NEW.direction = 'staff') EXECUTE FUNCTION ticket_first_answer_message()",
    "CREATE TRIGGER ticket_first_answer_status BEFORE INSERT OR UPDATE OF answered_at ON tickets FOR EACH ROW "
    "EXECUTE FUNCTION ticket_first_answer_status()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS ticket_first_answer_message ON ticket_messages",
    "DROP TRIGGER IF EXISTS ticket_first_answer_status ON tickets",
    "DROP FUNCTION IF EXISTS ticket_first_answer_message()",
    "DROP FUNCTION IF EXISTS ticket_first_answer_status()",
)

#: Fill `first_answer_at` from the tickets and messages already kept.
BACKFILL = (
    "UPDATE tickets SET first_answer_at = (SELECT MIN(m.created_at) FROM ticket_messages m "
    "WHERE m.ticket_id = tickets.id AND m.direction = 'staff')",
    "UPDATE tickets SET first_answer_at = answered_at WHERE answered_at IS NOT NULL "
    "AND (first_answer_at IS NULL OR answered_at < first_answer_at)",
)


def trigger_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def drop_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_DROP if dialect == "postgresql" else SQLITE_DROP
