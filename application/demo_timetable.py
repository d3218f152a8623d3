"""A weekly timetable for the demo school: every class's subjects by level, taught by its teachers.

Each class gets the hours a French collège or lycée gives its level (a lycée class its tronc commun
and a set of spécialités), 26 or 27 a week, Monday to Friday with Wednesday afternoon free, in the
usual 55-minute slots (8:00, 9:00, 10:10, 11:10, 13:30, 14:30, 15:40, 16:40). EPS comes in two-hour
blocks; the official grids' half hours are A/B fortnights sharing a slot (French in A weeks,
mathematics in B weeks), as timetables do. Each (class, subject) has one teacher of its discipline,
the least loaded, up to :data:`MAX_SERVICE` slots a week; each teacher has a room of their own (a gym
for EPS, a lab for sciences), so that no teacher, class or room is ever in two places at once.
Everything is pure and derived from the arguments: the same school gives the same timetable.

The demo's teachers are drawn at random (:mod:`application.demo_people`), so a discipline may have
too few of them for its hours: :func:`with_contract_teachers` hires contract teachers (contractuels)
for those hours, as schools do, and they teach only what the school's own teachers cannot;
:func:`demo_timetable` leaves hours nobody can take out (a vacant post).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from application.demo_people import BOY_NAMES, GIRL_NAMES, LAST_NAMES, DemoSchool, DemoTeacher, ascii_fold

EVERY_WEEK, WEEK_A, WEEK_B = "H", "A", "B"
ALTERNATION_LABELS = {EVERY_WEEK: "Toutes les semaines", WEEK_A: "Semaines A", WEEK_B: "Semaines B"}
SLOT_STARTS = (
    time(8, 0),
    time(9, 0),
    time(10, 10),
    time(11, 10),
    time(13, 30),
    time(14, 30),
    time(15, 40),
    time(16, 40),
)
LESSON_MINUTES = 55
BLOCK_MINUTES = 2 * LESSON_MINUTES + 5  # two slots and the break between them (EPS)
MAX_SERVICE = 18  # slots a week a teacher is given at most: a certifié's 18 hours
FIRST_STS_ID = 8001
CONTRACT_KEY = "contract-"  # the key of a contract teacher: "contract-0001"…

_DAYS = 5  # Monday (JOUR 1) to Friday
_WEDNESDAY = 3
_PER_DAY = len(SLOT_STARTS)
_SLOT_COST = (0, 0, 0, 0, 1, 1, 2, 4)  # late afternoons are the last to fill
_SAME_SUBJECT_COST = 20  # a subject twice in a day, only when nothing else fits
_ROOM_PREFIXES = {
    "EPS": "GYM",
    "SVT": "LAB",
    "Physique-Chimie": "LAB",
    "Technologie": "TECH",
    "Arts plastiques": "ARTS",
    "Éducation musicale": "MUS",
    "NSI": "INFO",
}
_ROOMS_PER_FLOOR = 20


@dataclass(frozen=True)
class Subject:
    """A subject, its six-digit code (français and the LV1s as in the corpus, the rest in that shape)."""

    code: str
    label: str
    disciplines: tuple[str, ...]  # who may teach it; a contract teacher is hired in the first


# In assignment order: subjects that several disciplines may teach come last, on what is left.
SUBJECTS = {
    "FR": Subject("020700", "FRANÇAIS", ("Français",)),
    "MA": Subject("061300", "MATHÉMATIQUES", ("Mathématiques",)),
    "HG": Subject("040600", "HISTOIRE-GÉOGRAPHIE-EMC", ("Histoire-Géographie",)),
    "ANG": Subject("030201", "ANGLAIS LV1", ("Anglais",)),
    "ESP": Subject("030602", "ESPAGNOL LV2", ("Espagnol",)),
    "ALL": Subject("030102", "ALLEMAND LV2", ("Allemand",)),
    "SVT": Subject("062900", "SCIENCES DE LA VIE ET DE LA TERRE", ("SVT",)),
    "PC": Subject("061800", "PHYSIQUE-CHIMIE", ("Physique-Chimie",)),
    "TEC": Subject("070600", "TECHNOLOGIE", ("Technologie",)),
    "AP": Subject("080100", "ARTS PLASTIQUES", ("Arts plastiques",)),
    "EM": Subject("080900", "ÉDUCATION MUSICALE", ("Éducation musicale",)),
    "EPS": Subject("100100", "ÉDUCATION PHYSIQUE ET SPORTIVE", ("EPS",)),
    "PHI": Subject("011000", "PHILOSOPHIE", ("Philosophie",)),
    "SES": Subject("050700", "SCIENCES ÉCONOMIQUES ET SOCIALES", ("SES",)),
    "NSI": Subject("071200", "NUMÉRIQUE ET SCIENCES INFORMATIQUES", ("NSI",)),
    "HGGSP": Subject("040700", "HISTOIRE-GÉO., GÉOPOLITIQUE, SC. POLITIQUES", ("Histoire-Géographie",)),
    "SNT": Subject("071100", "SCIENCES NUMÉRIQUES ET TECHNOLOGIE", ("NSI", "Mathématiques", "Technologie")),
    "ES": Subject("062100", "ENSEIGNEMENT SCIENTIFIQUE", ("SVT", "Physique-Chimie")),
}


def _slots(text: str) -> tuple[tuple[str, int], ...]:
    """``"FR 4, MA 3"`` → ``(("FR", 4), ("MA", 3))``, so that the grids below read like the official ones."""
    return tuple((subject, int(count)) for subject, count in (part.split() for part in text.split(",")))


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """``"FR/MA"`` → ``(("FR", "MA"),)``: French in A weeks, mathematics in B weeks, on one slot."""
    return tuple((a.strip(), b.strip()) for a, b in (part.split("/") for part in text.split(",")))


@dataclass(frozen=True)
class Curriculum:
    """A level's week: slots every week, A/B pairs sharing a slot, spécialités rotated over its classes.

    ``LV2`` stands for the class's second language (Spanish, or German in one class in three).
    """

    weekly: tuple[tuple[str, int], ...]
    pairs: tuple[tuple[str, str], ...]
    options: tuple[tuple[tuple[str, int], ...], ...] = ((),)


_CYCLE_4 = Curriculum(
    _slots("FR 4, MA 3, HG 3, ANG 3, LV2 2, SVT 1, PC 1, TEC 2, AP 1, EM 1, EPS 3"), _pairs("FR/MA, SVT/PC")
)
CURRICULA = {
    "6E": Curriculum(
        _slots("FR 4, MA 4, HG 3, ANG 4, SVT 1, PC 1, TEC 1, AP 1, EM 1, EPS 4"), _pairs("FR/MA, SVT/TEC")
    ),
    "5E": _CYCLE_4,
    "4E": _CYCLE_4,
    "3E": _CYCLE_4,
    "2NDE": Curriculum(
        _slots("FR 4, MA 4, HG 3, ANG 3, LV2 2, PC 3, SVT 1, SES 1, SNT 1, EPS 2"), _pairs("SVT/SES, SNT/LV2")
    ),
    "1ERE": Curriculum(
        _slots("FR 4, HG 3, ANG 2, LV2 2, ES 1, EPS 2"),
        _pairs("ES/ANG"),
        (_slots("MA 4, PC 4, SVT 4"), _slots("MA 4, SES 4, HGGSP 4"), _slots("MA 4, PC 4, NSI 4")),
    ),
    "TLE": Curriculum(
        _slots("PHI 4, HG 3, ANG 2, LV2 2, ES 1, EPS 2"),
        _pairs("ES/ANG"),
        (_slots("MA 6, PC 6"), _slots("SES 6, HGGSP 6"), _slots("MA 6, NSI 6")),
    ),
}


@dataclass(frozen=True)
class DemoLesson:
    """One weekly lesson as a timetable file states it (``COURS`` under its class or group, service, teacher)."""

    class_code: str | None
    group_code: str | None
    subject_code: str
    teacher_sts_id: str
    weekday: int  # 1 = Monday
    start: time
    duration: int  # minutes
    alternation: str  # H, A or B
    room: str | None


# -- the weeks -------------------------------------------------------------------------------------


def school_weeks(year: int) -> dict[str, list[date]]:
    """H: the Monday of each school week, from the week of 1 September to the end of June; A and B alternate.

    The holidays skipped are zone C's as they usually fall, an approximation (the real dates shift by
    a week from year to year): Toussaint, the week of 1 November and the one before; Noël, the week of
    25 December and the one after; hiver, the third and fourth weeks of February; printemps, the
    second and third weeks of April. For 2026 these are the weeks of the corpus's emp_sts sample.
    """
    week = timedelta(weeks=1)
    toussaint, christmas = _monday_of(date(year, 11, 1)), _monday_of(date(year, 12, 25))
    winter, spring = _nth_monday(year + 1, 2, 3), _nth_monday(year + 1, 4, 2)
    holidays = {toussaint - week, toussaint, christmas, christmas + week, winter, winter + week, spring, spring + week}
    weeks, monday = [], _monday_of(date(year, 9, 1))
    while monday <= date(year + 1, 6, 30):
        if monday not in holidays:
            weeks.append(monday)
        monday += week
    return {EVERY_WEEK: weeks, WEEK_A: weeks[0::2], WEEK_B: weeks[1::2]}


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _nth_monday(year: int, month: int, rank: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7, weeks=rank - 1)


# -- teachers: who teaches what ----------------------------------------------------------------------


def sts_ids(school: DemoSchool) -> dict[str, str]:
    """Each teacher's STS-WEB id (``INDIVIDU@ID``) by teacher key: numbers in teacher order, like "8949"."""
    return {teacher.key: str(FIRST_STS_ID + index) for index, teacher in enumerate(school.teachers)}


def with_contract_teachers(school: DemoSchool) -> DemoSchool:
    """The school and, after its own teachers, the contract teachers it needs for all its classes' hours."""
    return replace(school, teachers=school.teachers + tuple(_assign(school, hire=True).hired))


@dataclass(frozen=True)
class _ClassPlan:
    """A class's subjects: its weekly slots and its A/B pairs, the second language resolved."""

    code: str
    weekly: dict[str, int]
    pairs: tuple[tuple[str, str], ...]

    def slots(self, subject: str) -> int:
        """The slots a week the subject's teacher gives the class (an A/B lesson holds its slot every week)."""
        return self.weekly.get(subject, 0) + sum(subject in pair for pair in self.pairs)


def _plans(school: DemoSchool) -> list[_ClassPlan]:
    german = any(teacher.discipline == "Allemand" for teacher in school.teachers)
    rank: Counter[str] = Counter()
    plans = []
    for school_class in school.classes:
        curriculum = CURRICULA.get(school_class.level)
        if curriculum is None:
            continue
        index = rank[school_class.level]
        rank[school_class.level] += 1
        language = "ALL" if german and index % 3 == 2 else "ESP"
        weekly: Counter[str] = Counter()
        for subject, count in curriculum.weekly + curriculum.options[index % len(curriculum.options)]:
            weekly[language if subject == "LV2" else subject] += count
        pairs = tuple((language if a == "LV2" else a, language if b == "LV2" else b) for a, b in curriculum.pairs)
        plans.append(_ClassPlan(school_class.code, dict(weekly), pairs))
    return plans


@dataclass
class _Staffing:
    """(class, subject) → its teacher; each teacher's weekly slots; the contract teachers hired."""

    teachers: dict[tuple[str, str], DemoTeacher] = field(default_factory=dict)
    load: Counter[str] = field(default_factory=Counter)
    hired: list[DemoTeacher] = field(default_factory=list)


def _assign(school: DemoSchool, *, hire: bool) -> _Staffing:
    """Give each (class, subject) the least loaded of the school's teachers of its discipline with room in
    their service, else the first contract teacher with room, else (with ``hire``) a new one.

    Contract teachers come last and fill in hiring order, so that a school they complete is given them
    exactly as when they were hired: with or without them, the same teacher takes the same class.
    """
    by_discipline: dict[str, list[DemoTeacher]] = {}
    for teacher in school.teachers:
        by_discipline.setdefault(teacher.discipline, []).append(teacher)
    staffing, hiring, plans = _Staffing(), _Hiring(school), _plans(school)
    for key, subject in SUBJECTS.items():
        for plan in (plan for plan in plans if plan.slots(key)):
            slots = plan.slots(key)
            free = [
                teacher
                for discipline in subject.disciplines
                for teacher in by_discipline.get(discipline, [])
                if staffing.load[teacher.key] + slots <= MAX_SERVICE
            ]
            own = [teacher for teacher in free if not is_contract(teacher)]
            chosen = min(own, key=lambda teacher: staffing.load[teacher.key]) if own else next(iter(free), None)
            if chosen is None and hire:
                chosen = hiring.hire(subject.disciplines[0])
                by_discipline.setdefault(chosen.discipline, []).append(chosen)
            if chosen is not None:
                staffing.load[chosen.key] += slots
                staffing.teachers[(plan.code, key)] = chosen
    staffing.hired = hiring.hired
    return staffing


def is_contract(teacher: DemoTeacher) -> bool:
    """Whether the teacher is a contract teacher :func:`with_contract_teachers` hired."""
    return teacher.key.startswith(CONTRACT_KEY)


class _Hiring:
    """Contract teachers with made-up names, numbered after the school's teachers, e-mails kept unique."""

    def __init__(self, school: DemoSchool) -> None:
        self.rng = random.Random(f"{school.uai}-{school.year}-contractuels")
        self.first_number = sum(is_contract(teacher) for teacher in school.teachers) + 1
        self.emails = {t.email for t in school.teachers} | {s.email for s in school.staff}
        self.emails |= {guardian.email for guardian in school.guardians}
        self.hired: list[DemoTeacher] = []

    def hire(self, discipline: str) -> DemoTeacher:
        female = self.rng.random() < 0.5
        first, last = self.rng.choice(GIRL_NAMES if female else BOY_NAMES), self.rng.choice(LAST_NAMES)
        local, number = f"{ascii_fold(first)}.{ascii_fold(last)}", 1
        email = f"{local}@example.fr"
        while email in self.emails:
            number += 1
            email = f"{local}{number}@example.fr"
        self.emails.add(email)
        key = f"{CONTRACT_KEY}{self.first_number + len(self.hired):04d}"
        civility = "Mme" if female else "M."
        self.hired.append(DemoTeacher(key, last, first, civility, email, discipline))
        return self.hired[-1]


def _rooms(school: DemoSchool, teaching: Iterable[DemoTeacher]) -> dict[str, str]:
    """Each teaching teacher's own room, in teacher order: S101… mostly, GYM1… for EPS, LAB1… for sciences."""
    keys = {teacher.key for teacher in teaching}
    counts: Counter[str] = Counter()
    rooms = {}
    for teacher in (t for t in school.teachers if t.key in keys):
        prefix = _ROOM_PREFIXES.get(teacher.discipline, "S")
        floor, place = divmod(counts[prefix], _ROOMS_PER_FLOOR)
        counts[prefix] += 1
        rooms[teacher.key] = f"S{floor + 1}{place + 1:02d}" if prefix == "S" else f"{prefix}{counts[prefix]}"
    return rooms


# -- the week: placing every lesson ------------------------------------------------------------------


def demo_timetable(school: DemoSchool, year: int) -> tuple[dict[str, list[date]], list[DemoLesson]]:
    """The school's alternations and weekly lessons: no teacher, class or room in two places at once.

    Lessons go, hardest first (EPS blocks, A/B pairs, then the busiest teachers' hours), to the free
    place that costs least: a full day, a subject already taught that day, a late afternoon cost more.
    """
    staffing = _assign(school, hire=False)
    rooms, ids, grid = _rooms(school, staffing.teachers.values()), sts_ids(school), _Grid()
    lessons: list[DemoLesson] = []
    for unit in _units(_plans(school), staffing):
        placed = grid.place(unit)
        if placed is None:
            continue  # no place where the class and its teachers are all free: the hour stays vacant
        day, slot = placed
        duration = BLOCK_MINUTES if unit.width == 2 else LESSON_MINUTES
        for subject, teacher, weeks in unit.parts:
            code, sts_id, start = SUBJECTS[subject].code, ids[teacher.key], SLOT_STARTS[slot]
            lessons.append(
                DemoLesson(unit.class_code, None, code, sts_id, day, start, duration, weeks, rooms[teacher.key])
            )
    order = {school_class.code: index for index, school_class in enumerate(school.classes)}
    lessons.sort(key=lambda lesson: (order[lesson.class_code or ""], lesson.weekday, lesson.start, lesson.alternation))
    return school_weeks(year), lessons


@dataclass(frozen=True)
class _Unit:
    """What takes one place in a class's week: a lesson, an EPS block (two slots) or an A/B pair."""

    class_code: str
    parts: tuple[tuple[str, DemoTeacher, str], ...]  # (subject, teacher, alternation)
    width: int = 1


def _units(plans: list[_ClassPlan], staffing: _Staffing) -> list[_Unit]:
    """Every class's lessons, hardest to place first; hours without a teacher are left out."""
    blocks: list[_Unit] = []
    pairs: list[_Unit] = []
    singles: list[tuple[tuple[int, int, int], _Unit]] = []
    for index, plan in enumerate(plans):
        for first, second in plan.pairs:
            weeks = ((first, WEEK_A), (second, WEEK_B))
            parts = tuple(
                (s, staffing.teachers[(plan.code, s)], w) for s, w in weeks if (plan.code, s) in staffing.teachers
            )
            if parts:
                pairs.append(_Unit(plan.code, parts))
        for subject, count in plan.weekly.items():
            teacher = staffing.teachers.get((plan.code, subject))
            if teacher is None:
                continue
            part = ((subject, teacher, EVERY_WEEK),)
            two_hours = count // 2 if subject == "EPS" else 0
            blocks.extend(_Unit(plan.code, part, width=2) for _ in range(two_hours))
            for rank in range(count - 2 * two_hours):
                singles.append(((-staffing.load[teacher.key], rank, index), _Unit(plan.code, part)))
    singles.sort(key=lambda item: item[0])
    return [*blocks, *pairs, *(unit for _, unit in singles)]


def _places(width: int) -> list[tuple[int, int, int]]:
    """(weekday, slot, bits) of each place ``width`` slots long: Wednesday mornings only, blocks in a half-day."""
    places: list[tuple[int, int, int]] = []
    for day in range(1, _DAYS + 1):
        last = _PER_DAY // 2 if day == _WEDNESDAY else _PER_DAY
        places.extend(
            (day, slot, ((1 << width) - 1) << ((day - 1) * _PER_DAY + slot)) for slot in range(0, last, width)
        )
    return places


_PLACES = {1: _places(1), 2: _places(2)}
_DAY_BITS = {day: ((1 << _PER_DAY) - 1) << ((day - 1) * _PER_DAY) for day in range(1, _DAYS + 1)}


@dataclass
class _Grid:
    """Who is busy when, one bit per slot of the week; which subjects each class has each day."""

    busy: Counter[str] = field(default_factory=Counter)  # "class 6A" / "teacher teacher-0001" → bits
    subjects: dict[tuple[str, int], set[str]] = field(default_factory=dict)

    def place(self, unit: _Unit) -> tuple[int, int] | None:
        """Put the unit at its cheapest free place; None when its class and teachers share no free one."""
        keys = [f"class {unit.class_code}", *(f"teacher {teacher.key}" for _, teacher, _ in unit.parts)]
        taken = 0
        for key in keys:
            taken |= self.busy[key]
        free = [(day, slot, bits) for day, slot, bits in _PLACES[unit.width] if not taken & bits]
        best = min(((self._cost(unit, keys, day, slot), day, slot, bits) for day, slot, bits in free), default=None)
        if best is None:
            return None
        _, day, slot, bits = best
        for key in keys:
            self.busy[key] |= bits
        self.subjects.setdefault((unit.class_code, day), set()).update(subject for subject, _, _ in unit.parts)
        return day, slot

    def _cost(self, unit: _Unit, keys: list[str], day: int, slot: int) -> int:
        bits = _DAY_BITS[day]
        class_day = (self.busy[keys[0]] & bits).bit_count()
        teachers_day = sum((self.busy[key] & bits).bit_count() for key in keys[1:])
        taught = self.subjects.get((unit.class_code, day), set())
        repeated = sum(subject in taught for subject, _, _ in unit.parts)
        return 3 * class_day + teachers_day + _SLOT_COST[slot + unit.width - 1] + _SAME_SUBJECT_COST * repeated
