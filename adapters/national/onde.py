"""Reading ONDE / BE1D CSV extractions (primary schools): students, responsables or teachers.

No specification of these files is public and their headers vary between versions (BE1D, ONDE 2017,
ONDE 2), so the file's kind is told from its header alone, after normalising each column name
(case, accents, spaces and punctuation removed) and looking it up in the aliases that Open ENT NG's
importer knows (FORMATS.md §5). Unknown columns are ignored. The files state no UAI and no year, and
give no stable id: students are named, and a responsable's children are named by name and class.

A row that cannot become a record (no last or first name) is listed in ``unreadable`` with its line;
everything else is handed over as read, for the import to validate record by record.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.national.files import csv_rows, parse_date, sha256, unzip_if_needed
from application.imports.records import (
    ChildRef,
    FileHeader,
    FileRefused,
    GuardianEntry,
    LinkEntry,
    Origin,
    ParsedFile,
    StudentEntry,
    TeacherEntry,
)
from domain.values import Relationship

Columns = dict[str, int]


def normalise(text: str) -> str:
    """``"Nom d'usage Elève"`` → ``"nomdusageeleve"``: what survives the variations between versions."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


@dataclass(frozen=True)
class _Layout:
    """One kind of extraction: the aliases of each field, and the fields its header must have."""

    kind: str
    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    expected: str  # the required columns, as a person would write them (for the refusal message)


STUDENTS = _Layout(
    kind="onde-students",
    aliases={
        "last_name": ("nomeleve", "nomdefamilleeleve", "nom"),
        "usage_name": ("nomdusageeleve", "nomusageeleve"),
        "first_name": ("prenomeleve", "prenom"),
        "birth_date": ("datenaissance", "datedenaissance", "neele", "nele"),
        "sex": ("sexe",),
        "ine": ("ine",),
        "class_code": ("classe", "libelleclasse", "classeouregroupement"),
        "level": ("niveau",),
    },
    required=("last_name", "first_name", "birth_date"),
    expected="Nom Elève (or Nom), Prénom Elève (or Prénom), Date naissance (or Né(e) le)",
)
GUARDIANS = _Layout(
    kind="onde-guardians",
    aliases={
        "civility": ("civiliteresponsable", "civilite"),
        "last_name": ("nomresponsable", "nomdefamilleresponsable"),
        "usage_name": ("nomusageresponsable", "nomdusageresponsable"),
        "first_name": ("prenomresponsable",),
        "street": ("adresseresponsable",),
        "postcode": ("cpresponsable", "codepostalresponsable"),
        "town": ("communeresponsable",),
        "country": ("pays", "paysresponsable"),
        "email": ("courriel", "courrielresponsable"),
        "mobile": ("telephoneportable",),
        "home": ("telephonedomicile",),
        "work": ("telephonetravail",),
        "relationship": ("liendeparente", "lienparente", "lien"),
    },
    required=("last_name", "first_name"),
    expected="Nom responsable, Prénom responsable",
)
TEACHERS = _Layout(
    kind="onde-teachers",
    aliases={
        "civility": ("civilite",),
        "last_name": ("nom",),
        "usage_name": ("nomusage", "nomdusage"),
        "first_name": ("prenom",),
        "email": ("courriel",),
        "director": ("directeur",),
        "class_code": ("classe",),
    },
    required=("civility", "last_name", "first_name"),
    expected="Civilité, Nom, Prénom",
)
LAYOUTS = (GUARDIANS, STUDENTS, TEACHERS)  # guardians first: their child columns look like a student's

# The child block that a responsables row repeats (three times in BE1D, possibly more elsewhere).
CHILD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "usage_name": ("nomdusageenfant", "nomusageenfant"),
    "last_name": ("nomdefamilleenfant", "nomfamilleenfant", "nomdefamilleeleve", "nomdeleleve"),
    "first_name": ("prenomenfant", "prenomeleve", "prenomdeleleve"),
    "class_code": ("classesenfants", "classeenfant", "classeseleves", "classesdeleleve"),
}
_CHILD_FIELDS = {alias: field for field, aliases in CHILD_ALIASES.items() for alias in aliases}

_CIVILITIES = {"m": "M.", "mr": "M.", "monsieur": "M.", "mme": "Mme", "madame": "Mme", "mlle": "Mme"}
# BE1D writes "H" for boys; the domain knows F and M only.
_SEXES = {"f": "F", "feminin": "F", "fille": "F", "m": "M", "h": "M", "masculin": "M", "garcon": "M"}
_RELATIONSHIPS = {normalise(item.value): item.value for item in Relationship} | {"tutrice": Relationship.TUTOR.value}
_YES = frozenset({"oui", "o", "yes", "1", "vrai", "true", "x"})


@dataclass(frozen=True)
class _Row:
    """One data row, read by field name whatever its length (ragged rows: a missing cell is empty)."""

    file: str
    line: int
    values: list[str]
    columns: Columns
    blocks: tuple[Columns, ...] = ()

    def get(self, field: str, columns: Columns | None = None) -> str | None:
        index = (self.columns if columns is None else columns).get(field)
        if index is None or index >= len(self.values):
            return None
        return self.values[index].strip() or None

    def name(self, columns: Columns | None = None) -> tuple[str | None, str | None]:
        """(last name, first name): the usage name wins over the family name when it is given."""
        return self.get("usage_name", columns) or self.get("last_name", columns), self.get("first_name", columns)

    def origin(self, label: str) -> Origin:
        return Origin(self.file, self.line, label)


def read_onde(name: str, data: bytes) -> ParsedFile:
    """Every record of an ONDE / BE1D extraction (a bare CSV, or a zip holding one)."""
    text = _decode(unzip_if_needed(name, data, ".csv"))
    rows = csv_rows(name, text, _delimiter(text))
    if not rows:
        raise FileRefused(f"{name}: the file is empty", field="file")
    (_, header), body = rows[0], rows[1:]
    layout, columns = _detect(name, header)
    blocks = _child_blocks(header) if layout is GUARDIANS else ()
    parsed = ParsedFile(header=FileHeader(kind=layout.kind, uai=None, year=None, sha256=sha256(data), name=name))
    read_row = {STUDENTS.kind: _read_student, GUARDIANS.kind: _read_guardian, TEACHERS.kind: _read_teacher}
    for line, values in body:
        read_row[layout.kind](parsed, _Row(name, line, values, columns, blocks))
    return parsed


def _decode(data: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (a BOM dropped), else ISO-8859-15 as BE1D writes (it has ``œ`` and ``€``)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.removeprefix(b"\xef\xbb\xbf").decode("iso-8859-15")  # a BOM before a Latin-9 body


def _delimiter(text: str) -> str:
    """``;`` as ONDE writes, unless the header line plainly uses tabs or commas instead."""
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    return max((";", "\t", ","), key=header_line.count)  # ties go to ";"


def _detect(name: str, header: list[str]) -> tuple[_Layout, Columns]:
    """The layout whose required columns the header has, with where each known field is."""
    normalised = [normalise(column) for column in header]
    for layout in LAYOUTS:
        columns = _locate(normalised, layout.aliases)
        if all(field in columns for field in layout.required):
            return layout, columns
    found = ", ".join(repr(column.strip()) for column in header if column.strip()) or "none"
    expected = "; ".join(f"{layout.kind}: {layout.expected}" for layout in LAYOUTS)
    message = (
        f"{name}: not an ONDE students, responsables or teachers file (columns found: {found}; expected {expected})"
    )
    raise FileRefused(message, field="file")


def _locate(normalised: list[str], aliases: Mapping[str, tuple[str, ...]]) -> Columns:
    """Each field's column: the first column named by its first alias that the header has."""
    first_index: dict[str, int] = {}
    for index, column in enumerate(normalised):
        first_index.setdefault(column, index)
    columns: Columns = {}
    for field, names in aliases.items():
        found = next((first_index[alias] for alias in names if alias in first_index), None)
        if found is not None:
            columns[field] = found
    return columns


def _child_blocks(header: list[str]) -> tuple[Columns, ...]:
    """The repeated child columns, grouped: a field already seen in the current block opens the next one."""
    blocks: list[Columns] = []
    for index, column in enumerate(header):
        field = _CHILD_FIELDS.get(normalise(column))
        if field is None:
            continue
        if not blocks or field in blocks[-1]:
            blocks.append({})
        blocks[-1][field] = index
    return tuple(blocks)


def _label(last_name: str | None, first_name: str | None) -> str:
    return " ".join(part for part in (last_name, first_name) if part)


def _lacks_name(parsed: ParsedFile, origin: Origin, last_name: str | None, first_name: str | None, what: str) -> bool:
    """Record a nameless row as unreadable: nothing could ever match or identify it."""
    missing = [label for label, value in (("last name", last_name), ("first name", first_name)) if not value]
    if missing:
        parsed.unreadable.append((origin, f"{what} has no {' and no '.join(missing)}"))
    return bool(missing)


def _code(table: Mapping[str, str], value: str | None) -> str | None:
    """The normalised code for a free-form value (``"MME"`` → ``"Mme"``), None when it means nothing known."""
    return table.get(normalise(value)) if value else None


def _read_student(parsed: ParsedFile, row: _Row) -> None:
    last_name, first_name = row.name()
    origin = row.origin(_label(last_name, first_name))
    if _lacks_name(parsed, origin, last_name, first_name, "the student"):
        return
    parsed.students.append(
        StudentEntry(
            origin=origin,
            source_id=None,
            ine=row.get("ine"),
            last_name=last_name,
            first_name=first_name,
            birth_date=parse_date(row.get("birth_date")),
            sex=_code(_SEXES, row.get("sex")),
            class_code=row.get("class_code"),
            level=row.get("level"),
        )
    )


def _read_guardian(parsed: ParsedFile, row: _Row) -> None:
    """One guardian per row, even when the same person has another row: the import deduplicates."""
    last_name, first_name = row.name()
    label = _label(last_name, first_name)
    origin = row.origin(label)
    if _lacks_name(parsed, origin, last_name, first_name, "the responsable"):
        return
    guardian = GuardianEntry(
        origin=origin,
        source_id=None,
        civility=_code(_CIVILITIES, row.get("civility")),
        last_name=last_name,
        first_name=first_name,
        email=row.get("email"),
        phone=row.get("mobile") or row.get("home") or row.get("work"),
        address=_address(row),
    )
    parsed.guardians.append(guardian)
    # BE1D has no relationship column; a "Lien" column, when a version has one, applies to the row's children.
    relationship = _code(_RELATIONSHIPS, row.get("relationship")) or Relationship.OTHER.value
    for number, block in enumerate(row.blocks, start=1):
        if not any(row.get(field, block) for field in block):
            continue
        child_last, child_first = row.name(block)
        link_origin = row.origin(f"{label} → {_label(child_last, child_first)}".strip())
        if _lacks_name(parsed, link_origin, child_last, child_first, f"child {number}"):
            continue
        child = ChildRef(last_name=child_last, first_name=child_first, class_code=row.get("class_code", block))
        link = LinkEntry(origin=link_origin, guardian=guardian, child=child, relationship=relationship, legal=True)
        parsed.links.append(link)


def _address(row: _Row) -> str | None:
    """``"12 rue X, 75005 Paris"``, with the country only when it is not France."""
    town = " ".join(part for part in (row.get("postcode"), row.get("town")) if part)
    country = row.get("country")
    if country and normalise(country) == "france":
        country = None
    return ", ".join(part for part in (row.get("street"), town, country) if part) or None


def _read_teacher(parsed: ParsedFile, row: _Row) -> None:
    last_name, first_name = row.name()
    origin = row.origin(_label(last_name, first_name))
    if _lacks_name(parsed, origin, last_name, first_name, "the teacher"):
        return
    class_code = row.get("class_code")
    parsed.teachers.append(
        TeacherEntry(
            origin=origin,
            source_id=None,
            civility=_code(_CIVILITIES, row.get("civility")),
            last_name=last_name,
            first_name=first_name,
            function="DIR" if normalise(row.get("director") or "") in _YES else None,
            email=row.get("email"),
            classes=(class_code,) if class_code else (),
        )
    )
