"""Reading national export files: zips as SIECLE delivers them, XML in its declared encoding.

Everything here refuses a file as a whole (:class:`FileRefused`, naming the problem and, for XML,
the line) rather than guessing; what a reader makes of a readable file is its own business.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from lxml import etree

from application.imports.records import FileRefused

MAX_XML_BYTES = 512 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unzip_if_needed(name: str, data: bytes, extension: str = ".xml") -> bytes:
    """The file itself, or the one ``extension`` file of a zip (``__MACOSX`` and hidden entries ignored)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(extension)
                and not any(part.startswith(".") or part == "__MACOSX" for part in info.filename.split("/"))
            ]
            if len(entries) != 1:
                found = ", ".join(info.filename for info in entries) or "none"
                message = f"{name}: a zip must hold exactly one {extension} file (found: {found})"
                raise FileRefused(message, field="file")
            if entries[0].file_size > MAX_XML_BYTES:
                raise FileRefused(f"{name}: {entries[0].filename} is larger than {MAX_XML_BYTES} bytes", field="file")
            return archive.read(entries[0])
    except zipfile.BadZipFile as error:
        raise FileRefused(f"{name}: the zip is damaged ({error})", field="file") from None


def root_tag(name: str, data: bytes) -> str:
    """The root element's name, read without parsing the rest (the file's type)."""
    try:
        for _, element in etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False, no_network=True):
            return str(element.tag)
    except etree.XMLSyntaxError as error:
        raise FileRefused(f"{name}: not well-formed XML ({error})", field="file") from None
    raise FileRefused(f"{name}: the file is empty", field="file")


def iter_elements(name: str, data: bytes, tags: tuple[str, ...]) -> Iterator[Any]:
    """Each complete element named in ``tags``, streamed, then freed (memory stays flat).

    A syntax error anywhere refuses the whole file: callers collect records first and write nothing
    until the file has been read to its end.
    """
    try:
        context = etree.iterparse(
            io.BytesIO(data), events=("end",), tag=tags, resolve_entities=False, no_network=True, huge_tree=True
        )
        for _, element in context:
            yield element
            element.clear(keep_tail=True)
            # Drop the cleared siblings too: their empty shells would still pile up under the parent.
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise FileRefused(f"{name}: not well-formed XML ({error})", field="file") from None
    except LookupError as error:  # an encoding libxml2 does not know
        raise FileRefused(f"{name}: unsupported encoding ({error})", field="file") from None


def records_under(name: str, data: bytes, parents: Mapping[str, str]) -> Iterator[Any]:
    """Each element of ``parents`` (tag → the tag of the parent it is a record under), streamed.

    The same tag elsewhere (a ``MEF`` inside a division rather than in the nomenclature) is skipped.
    """
    for element in iter_elements(name, data, tuple(parents)):
        parent = element.getparent()
        if parent is not None and parent.tag == parents[element.tag]:
            yield element


def csv_rows(name: str, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV text with the physical line each starts on, for the report.

    A quoted value may span lines, so the line is the reader's, not a count of rows; a row the
    ``csv`` module cannot read refuses the whole file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    consumed = 0
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((consumed + 1, values))
            consumed = reader.line_num
    except csv.Error as error:
        raise FileRefused(f"{name}: unreadable CSV at line {reader.line_num} ({error})", field="file") from None
    return rows


def text(element: Any, path: str) -> str | None:
    """The trimmed text of a child (a path like ``"PARAMETRES/UAJ"``), None when absent or empty."""
    found = element.find(path)
    if found is None or found.text is None:
        return None
    value = " ".join(found.text.split())
    return value or None


def parse_date(value: str | None) -> date | None:
    """A date as national files write it: ``dd/mm/yyyy`` (SIECLE, ONDE) or ``yyyy-mm-dd`` (STS, BE1D).

    None when absent or unreadable: the import then rejects the record that needed it, with a reason.
    """
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None
