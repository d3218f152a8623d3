"""An import of national files, recorded with its report, so anyone can tell what came from which file."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event


class ImportRun(Aggregate):
    """One import that changed something (an import that changes nothing records nothing)."""

    class Recorded(Aggregate.Created):
        kind: str
        files: list[dict[str, str]]  # {"name", "sha256"}
        forced_uai: str | None  # the UAI the file stated, when the operator overrode it
        report: dict[str, Any]

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @event(Recorded)
    def __init__(
        self, *, kind: str, files: list[dict[str, str]], forced_uai: str | None, report: dict[str, Any]
    ) -> None:
        self.kind = kind
        self.files = files
        self.forced_uai = forced_uai
        self.report = report
