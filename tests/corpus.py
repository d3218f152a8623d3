"""Where the shared corpus of national files is (``../shared`` beside the repository), and what a report holds."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

REPORT_KEYS = {
    "kind",
    "file_sha256",
    "files",
    "created",
    "updated",
    "unchanged",
    "left",
    "rejected",
    "events",
    "dry_run",
}
