"""What the readers of national files hand to the import use cases: one typed record per entry.

Values stay as the file gives them (trimmed strings, parsed dates): the domain validates them when
the record is imported, and a record it refuses is reported with its reason, one by one. A file
that cannot be read at all is refused as a whole with :class:`FileRefused` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from domain.errors import DomainError


class FileRefused(DomainError):
    """A file that is not what it claims, or not for this base: nothing of it is imported."""

    code = "file-refused"


@dataclass(frozen=True)
class Origin:
    """Where a record comes from, for the report: the file, and the line or the record's id."""

    file: str
    line: int | None = None
    label: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where} {self.label}".strip()


@dataclass(frozen=True)
class FileHeader:
    """What a file says about itself: which school and year it is for (None when it does not say)."""

    kind: str
    uai: str | None
    year: int | None
    sha256: str
    name: str


@dataclass(frozen=True)
class StudentEntry:
    """A student as SIECLE (``ELEVE`` + its ``STRUCTURES_ELEVE``) or ONDE describes them."""

    origin: Origin
    source_id: str | None  # SIECLE ELEVE_ID; None in ONDE, whose students have no id
    ine: str | None
    last_name: str | None
    first_name: str | None
    birth_date: date | None  # None: missing or unreadable in the file (the import rejects the record)
    sex: str | None  # "F" or "M", as read; None when missing or unreadable
    class_code: str | None  # the division (SIECLE TYPE_STRUCTURE D, ONDE "Classe")
    groups: tuple[str, ...] = ()  # SIECLE TYPE_STRUCTURE G
    left_on: date | None = None  # SIECLE DATE_SORTIE
    level: str | None = None  # ONDE "Niveau" (CP, CE1…), SIECLE CODE_MEF
    meal_plan_code: str | None = None  # SIECLE CODE_REGIME as the file gives it; None when absent


@dataclass(frozen=True)
class GuardianEntry:
    """A guardian (SIECLE ``PERSONNE``, an ONDE responsables row)."""

    origin: Origin
    source_id: str | None  # SIECLE PERSONNE_ID; None in ONDE
    civility: str | None  # "M." or "Mme", normalised by the reader
    last_name: str | None
    first_name: str | None
    email: str | None = None
    phone: str | None = None  # the first of mobile, personal, work that is given
    address: str | None = None  # one line: "12 rue X, 75005 Paris"


@dataclass(frozen=True)
class ChildRef:
    """How a link names its child: by SIECLE ``ELEVE_ID``, or in ONDE by name and class."""

    source_id: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    class_code: str | None = None


@dataclass(frozen=True)
class LinkEntry:
    """A guardian's link to a child (SIECLE ``RESPONSABLE_ELEVE``, the child columns of ONDE)."""

    origin: Origin
    guardian: GuardianEntry
    child: ChildRef
    relationship: str  # a domain.values.Relationship value
    legal: bool
    priority: bool = False  # SIECLE A_CONTACTER_EN_PRIORITE


@dataclass(frozen=True)
class TeacherEntry:
    """A member of staff from STS-WEB (``INDIVIDU``) or an ONDE teachers row."""

    origin: Origin
    source_id: str | None  # STS INDIVIDU@ID
    civility: str | None
    last_name: str | None
    first_name: str | None
    function: str | None  # STS FONCTION (ENS = teacher); None in ONDE (all teach)
    birth_date: date | None = None
    email: str | None = None
    disciplines: tuple[str, ...] = ()  # labels (STS DISCIPLINE/LIBELLE_COURT)
    principal_of: tuple[str, ...] = ()  # division codes (STS PROFS_PRINC)
    classes: tuple[str, ...] = ()  # ONDE "Classe"


@dataclass(frozen=True)
class DivisionEntry:
    """A class as STS-WEB describes it (``DIVISION``)."""

    origin: Origin
    code: str
    label: str | None = None
    mefs: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupEntry:
    """A teaching group (STS ``GROUPE``): part of one class, or drawn from several."""

    origin: Origin
    code: str
    label: str | None
    divisions: tuple[str, ...]


@dataclass(frozen=True)
class ServiceEntry:
    """A service: one subject taught to one class or group by its teachers (STS ``SERVICE``)."""

    origin: Origin
    subject_code: str
    subject_label: str | None
    class_code: str | None  # set for a division's service
    group_code: str | None  # set for a group's service
    teachers: tuple[str, ...]  # INDIVIDU@ID of each ENSEIGNANT
    course_mode: str = "CG"


@dataclass(frozen=True)
class SubjectEntry:
    """A subject of the nomenclature (SIECLE or STS ``MATIERE``)."""

    code: str
    short_label: str | None
    long_label: str | None


@dataclass(frozen=True)
class AlternationEntry:
    """A week alternation of a timetable file (EDT_STS ``ALTERNANCE``): its code and the weeks it holds."""

    origin: Origin
    code: str
    label: str | None
    weeks: tuple[date, ...]  # the Monday of each week (DATE_DEBUT_SEMAINE)


@dataclass(frozen=True)
class LessonEntry:
    """One weekly lesson (EDT_STS ``COURS`` under its service and teacher, a row of our timetable CSV).

    ``None`` marks a value missing or unreadable in the file: the import rejects the record and says why.
    """

    origin: Origin
    subject_code: str | None
    subject_label: str | None
    class_code: str | None  # the division's lesson
    group_code: str | None  # the group's lesson
    teachers: tuple[str, ...]  # STS INDIVIDU@ID; in the CSV also a teacher's id or "NOM Prénom"
    weekday: int | None  # 1 = Monday … 6 = Saturday
    start: time | None
    duration: int | None  # minutes
    alternation: str | None = None  # H (every week), A, B or another code of the file's alternations
    week_dates: tuple[date, ...] = ()  # an explicit list of weeks (their Mondays) instead of an alternation
    room: str | None = None
    kind: str = "lesson"  # lesson | permanence | cdi (study hall, documentation centre)
    course_mode: str = "CG"


@dataclass
class ParsedFile:
    """Everything one file holds; readers fill the lists that their format has."""

    header: FileHeader
    students: list[StudentEntry] = field(default_factory=list)
    guardians: list[GuardianEntry] = field(default_factory=list)
    links: list[LinkEntry] = field(default_factory=list)
    teachers: list[TeacherEntry] = field(default_factory=list)
    divisions: list[DivisionEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    services: list[ServiceEntry] = field(default_factory=list)
    subjects: list[SubjectEntry] = field(default_factory=list)
    alternations: list[AlternationEntry] = field(default_factory=list)
    lessons: list[LessonEntry] = field(default_factory=list)
    # Entries the reader could not even turn into a record (a row with too few fields…): (origin, reason).
    unreadable: list[tuple[Origin, str]] = field(default_factory=list)
