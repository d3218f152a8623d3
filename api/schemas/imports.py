"""Import reports."""

from __future__ import annotations

from pydantic import Field

from api.schemas.base import Out


class ImportFileOut(Out):
    name: str
    sha256: str


class RejectionOut(Out):
    record: str = Field(description="The record: file and line, and its id or name.")
    reason: str


class ImportReportOut(Out):
    kind: str
    file_sha256: str = Field(description="SHA-256 of the first file; `files` lists every file's.")
    files: list[ImportFileOut]
    created: int
    updated: int
    unchanged: int
    left: int
    rejected: list[RejectionOut]
    events: int = Field(description="Events written: 0 for a dry run or a file imported before.")
    dry_run: bool
