"""The report of an import: what each record became, and why a record was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from application.imports.records import Origin


@dataclass(frozen=True)
class Rejection:
    record: str
    reason: str


@dataclass
class ImportReport:
    """Counts of records created, updated, unchanged, left and rejected; ``events`` written (0 on a dry run)."""

    kind: str
    files: list[dict[str, str]]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    events: int = 0
    dry_run: bool = False

    @property
    def file_sha256(self) -> str:
        """The SHA-256 of the main file (the first given); ``files`` lists every file's."""
        return self.files[0]["sha256"] if self.files else ""

    def reject(self, origin: Origin | str, reason: str) -> None:
        self.rejected.append(Rejection(record=str(origin), reason=reason))

    def count(self, outcome: str) -> None:
        """Count one record as ``created``, ``updated``, ``unchanged`` or ``left``."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file_sha256": self.file_sha256,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "left": self.left,
            "rejected": [{"record": r.record, "reason": r.reason} for r in self.rejected],
            "events": self.events,
            "dry_run": self.dry_run,
        }
