"""Our own timetable CSV (docs/timetable-csv.md): one weekly lesson, study hall or CDI slot per row.

For schools whose timetable software writes no ``emp_sts`` file, and for timetables kept in a spreadsheet.
The file is UTF-8 (a BOM is tolerated) or, when it is not valid UTF-8, Windows-1252 (what a spreadsheet
saves on a French Windows); ``;`` or ``,`` separates the fields, as the header line shows. Column names
are matched without case, accents, spaces or punctuation, in English or in French (``Durée``,
``subject_code``, ``Code matière``); unknown columns are ignored. The file states no school and no year.

Values follow edt.py: a day, a start or a duration missing or unreadable is None in its
:class:`LessonEntry`, and the import rejects that lesson naming the value. The weeks and the kind have no
such "unreadable" value (no weeks would read as no alternation, an unknown kind as a lesson), so a row
whose weeks or kind cannot be read goes to ``unreadable`` with the reason. Alternations are not defined
here: a code (A, B…) refers to the calendar the base already has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

from adapters.national.files import csv_rows, sha256
from adapters.national.onde import normalise
from application.imports.records import FileHeader, FileRefused, LessonEntry, Origin, ParsedFile

EVERY_WEEK = "H"

# Each field and the names its column may have, normalised (see :func:`normalise`).
_ALIASES: Mapping[str, tuple[str, ...]] = {
    "weekday": ("weekday", "day", "jour"),
    "start": ("start", "debut", "heuredebut", "heure"),
    "duration": ("duration", "duree"),
    "subject_code": ("subjectcode", "codematiere"),
    "subject": ("subject", "matiere"),
    "class": ("class", "classe", "division"),
    "group": ("group", "groupe"),
    "teachers": ("teachers", "teacher", "enseignants", "enseignant"),
    "room": ("room", "salle"),
    "weeks": ("weeks", "semaines"),
    "kind": ("kind", "type"),
}
_REQUIRED = ("weekday", "start", "duration")
_PLACES = ("class", "group", "kind")  # a row says who the slot is for, or that it is a study hall or the CDI

_DAYS = {
    name: number
    for names in (
        ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"),
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"),
    )
    for number, name in enumerate(names, start=1)
}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_KINDS = {"lesson": "lesson", "cours": "lesson", "permanence": "permanence", "cdi": "cdi"}
_CLOCK = re.compile(r"(?P<hours>[0-9]{1,2})(?::(?P<minutes>[0-9]{2})|[hH](?P<h_minutes>[0-9]{2})?)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"\w+")


class _RowRefused(Exception):
    """A row that cannot become a lesson record: its reason goes to ``unreadable``."""


@dataclass(frozen=True)
class _Row:
    """One data row, read by field name; a cell missing from a short row is empty."""

    values: list[str]
    columns: dict[str, int]

    def get(self, field: str) -> str | None:
        index = self.columns.get(field)
        if index is None or index >= len(self.values):
            return None
        return self.values[index].strip() or None

    def label(self) -> str:
        """What the row is for, for the report: ``"6E1 030101"``, ``"permanence"``."""
        parts = (self.get("class"), self.get("group"), self.get("subject_code") or self.get("subject"))
        return " ".join(part for part in parts if part) or (self.get("kind") or "")


def read_timetable_csv(name: str, data: bytes) -> ParsedFile:
    """Every lesson of a timetable CSV; refuse it whole when it is not text or lacks a required column."""
    rows = _rows(name, _decode(name, data))
    if not rows:
        raise FileRefused(f"{name}: the file is empty", field="file")
    (_, header), body = rows[0], rows[1:]
    columns = _columns(name, header)
    parsed = ParsedFile(header=FileHeader(kind="timetable-csv", uai=None, year=None, sha256=sha256(data), name=name))
    for line, values in body:
        row = _Row(values, columns)
        origin = Origin(name, line, row.label())
        try:
            parsed.lessons.append(_lesson(origin, row))
        except _RowRefused as refused:
            parsed.unreadable.append((origin, str(refused)))
    return parsed


def _decode(name: str, data: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252; bytes that are neither refuse the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        message = f"{name}: neither UTF-8 nor Windows-1252 text (byte {data[error.start]:#04x} at offset {error.start})"
        raise FileRefused(message, field="file") from None


def _rows(name: str, content: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows, separated by whichever of ``;`` and ``,`` the header line has more of."""
    header_line = next((line for line in content.splitlines() if line.strip()), "")
    return csv_rows(name, content, "," if header_line.count(",") > header_line.count(";") else ";")


def _columns(name: str, header: list[str]) -> dict[str, int]:
    """Where each known field is (its first column); refuse a header without the required ones."""
    first_index: dict[str, int] = {}
    for index, column in enumerate(header):
        first_index.setdefault(normalise(column), index)
    columns = {
        field: next(first_index[alias] for alias in aliases if alias in first_index)
        for field, aliases in _ALIASES.items()
        if any(alias in first_index for alias in aliases)
    }
    missing = [field for field in _REQUIRED if field not in columns]
    if not any(field in columns for field in _PLACES):
        missing.append(" or ".join(_PLACES))
    if missing:
        found = ", ".join(repr(column.strip()) for column in header if column.strip()) or "none"
        message = f"{name}: not a timetable CSV, missing column {', '.join(missing)} (columns found: {found})"
        raise FileRefused(message, field="file")
    return columns


def _lesson(origin: Origin, row: _Row) -> LessonEntry:
    alternation, week_dates = _weeks(row.get("weeks"))
    teachers = row.get("teachers") or ""
    return LessonEntry(
        origin=origin,
        subject_code=row.get("subject_code"),
        subject_label=row.get("subject"),
        class_code=row.get("class"),
        group_code=row.get("group"),
        teachers=tuple(teacher.strip() for teacher in teachers.split("|") if teacher.strip()),
        weekday=_weekday(row.get("weekday")),
        start=_start(row.get("start")),
        duration=_duration(row.get("duration")),
        alternation=alternation,
        week_dates=week_dates,
        room=row.get("room"),
        kind=_kind(row.get("kind")),
    )


def _weekday(value: str | None) -> int | None:
    """1 (Monday) to 6 (Saturday), or the day's name in French or English; None for anything else."""
    day = normalise(value or "")
    if day.isdigit():
        return int(day) if 1 <= int(day) <= 6 else None
    return _DAYS.get(day)


def _clock(value: str | None) -> tuple[int, int] | None:
    """``"8:05"``, ``"08h05"``, ``"8h"`` → (8, 5), (8, 5), (8, 0); None for anything else."""
    found = _CLOCK.fullmatch(value.replace(" ", "")) if value is not None else None
    if found is None:
        return None
    minutes = int(found["minutes"] or found["h_minutes"] or 0)
    return (int(found["hours"]), minutes) if minutes < 60 else None


def _start(value: str | None) -> time | None:
    parts = _clock(value)
    return time(*parts) if parts is not None and parts[0] < 24 else None


def _duration(value: str | None) -> int | None:
    """Minutes (``"55"``) or hours and minutes (``"1:30"``, ``"1h30"``, ``"2h"``); None when unreadable or zero."""
    if value is not None and value.isdigit():
        return int(value) or None
    parts = _clock(value)
    if parts is None:
        return None
    return parts[0] * 60 + parts[1] or None


def _weeks(value: str | None) -> tuple[str | None, tuple[date, ...]]:
    """(alternation, ()) for an alternation code, empty meaning every week; (None, Mondays) for a list of weeks."""
    items = [item.strip() for item in (value or "").split("|") if item.strip()]
    if not items:
        return EVERY_WEEK, ()
    if all(_ISO_DATE.fullmatch(item) for item in items):
        return None, tuple(sorted({_monday(item) for item in items}))
    if len(items) == 1 and _CODE.fullmatch(items[0]):
        return items[0].upper(), ()
    raise _RowRefused(
        f"weeks {value!r} is neither an alternation code (H, A, B…) nor a list of Mondays (2026-09-07|2026-09-21)"
    )


def _monday(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _RowRefused(f"weeks: {value} is not a date") from None
    if day.weekday() != 0:
        raise _RowRefused(f"weeks: {value} is a {_DAY_NAMES[day.weekday()]}, not the Monday of a week")
    return day


def _kind(value: str | None) -> str:
    if value is None:
        return "lesson"
    kind = _KINDS.get(normalise(value))
    if kind is None:
        raise _RowRefused(f"kind {value!r} is not one of lesson, permanence, cdi")
    return kind
