"""Which reader reads which import's files: the one door the API and the CLI go through."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from adapters.national.onde import read_onde
from adapters.national.siecle import read_siecle
from adapters.national.sts import read_sts
from application.imports.records import FileRefused, ParsedFile

READERS: dict[str, Callable[[str, bytes], ParsedFile]] = {
    "siecle": read_siecle,
    "sts": read_sts,
    "onde": read_onde,
}


def read_files(kind: str, files: Sequence[tuple[str, bytes]]) -> list[ParsedFile]:
    """Read every file of an import, or refuse the lot: nothing is imported from a batch with a bad file."""
    reader = READERS.get(kind)
    if reader is None:
        raise FileRefused(f"unknown import {kind!r}: one of {', '.join(sorted(READERS))}", field="kind")
    if not files:
        raise FileRefused("no file to import", field="file")
    return [reader(name, data) for name, data in files]
