"""How long a ticket waited for its first answer, kept on the ticket by the database
(`tickets.first_answer_seconds`): until the working group's first message to the donor, or the
«answered» status set without one (answered by phone), whichever came first — the definition of
/stats (`services.tickets.first_answer`). Triggers keep it for every writer, so the console's
dashboard sums a year of tickets as integers from one index instead of looking up each ticket's
messages and subtracting timestamps.
"""

from __future__ import annotations

_SQLITE_WAIT = "MAX(0, CAST(ROUND((julianday({at}) - julianday({created})) * 86400) AS INTEGER))"
_PG_WAIT = "CAST(GREATEST(0, ROUND(EXTRACT(EPOCH FROM {at} - {created}))) AS INTEGER)"


def _sqlite_set(at: str, where: str) -> str:
    wait = _SQLITE_WAIT.format(at=at, created="created_at")
    return (
        f"UPDATE tickets SET first_answer_seconds = {wait} WHERE {where} "
        f"AND (first_answer_seconds IS NULL OR first_answer_seconds > {wait});"
    )


SQLITE_TRIGGERS = (
    "CREATE TRIGGER ticket_first_answer_message AFTER INSERT ON ticket_messages "
    f"WHEN NEW.direction = 'staff' BEGIN {_sqlite_set('NEW.created_at', 'id = NEW.ticket_id')} END",
    "CREATE TRIGGER ticket_first_answer_status AFTER UPDATE OF answered_at ON tickets "
    f"WHEN NEW.answered_at IS NOT NULL BEGIN {_sqlite_set('NEW.answered_at', 'id = NEW.id')} END",
    "CREATE TRIGGER ticket_first_answer_insert AFTER INSERT ON tickets "
    f"WHEN NEW.answered_at IS NOT NULL BEGIN {_sqlite_set('NEW.answered_at', 'id = NEW.id')} END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS ticket_first_answer_message",
    "DROP TRIGGER IF EXISTS ticket_first_answer_status",
    "DROP TRIGGER IF EXISTS ticket_first_answer_insert",
)

_PG_MESSAGE_WAIT = _PG_WAIT.format(at="NEW.created_at", created="created_at")
_PG_STATUS_WAIT = _PG_WAIT.format(at="NEW.answered_at", created="NEW.created_at")
POSTGRES_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION ticket_first_answer_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET first_answer_seconds = {_PG_MESSAGE_WAIT} WHERE id = NEW.ticket_id
        AND (first_answer_seconds IS NULL OR first_answer_seconds > {_PG_MESSAGE_WAIT});
    RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION ticket_first_answer_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.answered_at IS NOT NULL AND (NEW.first_answer_seconds IS NULL OR NEW.first_answer_seconds > {_PG_STATUS_WAIT}) THEN
        NEW.first_answer_seconds := {_PG_STATUS_WAIT};
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


def backfill(dialect: str) -> tuple[str, ...]:
    """Fill `first_answer_seconds` from the tickets and messages already kept."""
    wait = _PG_WAIT if dialect == "postgresql" else _SQLITE_WAIT
    first_message = "(SELECT MIN(m.created_at) FROM ticket_messages m WHERE m.ticket_id = tickets.id AND m.direction = 'staff')"
    by_message = wait.format(at=first_message, created="tickets.created_at")
    by_status = wait.format(at="answered_at", created="created_at")
    return (
        f"UPDATE tickets SET first_answer_seconds = {by_message}",
        f"UPDATE tickets SET first_answer_seconds = {by_status} WHERE answered_at IS NOT NULL "
        f"AND (first_answer_seconds IS NULL OR first_answer_seconds > {by_status})",
    )


def trigger_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def drop_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_DROP if dialect == "postgresql" else SQLITE_DROP
