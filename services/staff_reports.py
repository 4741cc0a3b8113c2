"""What each feature adds to the staff tools, declared on its `Feature` (bot.ui) rather than
registered by importing a module: its exports (/export, `python -m bot admin export`), its
sections of /stats and its backlogs on /health. The app factory merges the features' declarations
into one `StaffReports` (`app.reports`); the chat, the command line and the console read it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.exports import Exporter
from services.health import BacklogProbe
from services.stats import StatsSection


@dataclass(frozen=True, slots=True)
class StaffReports:
    exporters: tuple[Exporter, ...] = ()
    sections: tuple[StatsSection, ...] = ()
    backlogs: tuple[BacklogProbe, ...] = ()

    def __add__(self, other: StaffReports) -> StaffReports:
        for mine, theirs, kind in (
            (self.exporters, other.exporters, "exporter"),
            (self.sections, other.sections, "stats section"),
            (self.backlogs, other.backlogs, "backlog"),
        ):
            clash = {item.name for item in mine} & {item.name for item in theirs}
            if clash:
                raise ValueError(f"{kind} declared twice: {', '.join(sorted(clash))}")
        return StaffReports(
            self.exporters + other.exporters, self.sections + other.sections, self.backlogs + other.backlogs
        )

    def exporters_for(self, roles: Iterable[str] | None = None, *, national: bool = True) -> list[Exporter]:
        """The exporters any of `roles` may run (all, when None), in declaration order; for a
        province office (not `national`), only those that keep to its provinces."""
        held = None if roles is None else {str(r) for r in roles}
        return [e for e in self.exporters if (held is None or e.roles & held) and (national or e.provinces)]

    def exporter(self, name: str) -> Exporter | None:
        return next((e for e in self.exporters if e.name == name), None)

    def ordered_sections(self) -> list[StatsSection]:
        return sorted(self.sections, key=lambda s: (s.order, s.name))
