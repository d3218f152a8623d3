"""Which reader reads which import's files: the one door the API and the CLI go through."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence

from adapters.national.edt import read_edt
from adapters.national.onde import read_onde
from adapters.national.siecle import read_siecle
from adapters.national.sts import read_sts
from adapters.national.timetable_csv import read_timetable_csv
from application.imports.records import FileRefused, ParsedFile


def read_timetable(name: str, data: bytes) -> ParsedFile:
    """A timetable import takes the emp_sts XML, bare or zipped, or our CSV: the content tells which.

    Only the XML comes zipped, so a zip goes to the XML reader, which names what it holds if that is not one.
    """
    if zipfile.is_zipfile(io.BytesIO(data)) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_edt(name, data)
    return read_timetable_csv(name, data)


READERS: dict[str, Callable[[str, bytes], ParsedFile]] = {
    "siecle": read_siecle,
    "sts": read_sts,
    "onde": read_onde,
    "timetable": read_timetable,
}


def read_files(kind: str, files: Sequence[tuple[str, bytes]]) -> list[ParsedFile]:
    """Read every file of an import, or refuse the lot: nothing is imported from a batch with a bad file."""
    reader = READERS.get(kind)
    if reader is None:
        raise FileRefused(f"unknown import {kind!r}: one of {', '.join(sorted(READERS))}", field="kind")
    if not files:
        raise FileRefused("no file to import", field="file")
    return [reader(name, data) for name, data in files]
