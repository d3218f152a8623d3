"""Students from SIECLE or ONDE: matched by their ids, INE or identity; only what changed is written."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date
from uuid import UUID

from application.imports.context import ImportContext, name_key, outcome, pending
from application.imports.records import StudentEntry
from domain.errors import InvalidValue, RuleViolated
from domain.external_ids import ExternalSystem
from domain.school_class import SchoolClass, parse_class_code
from domain.student import Student
from domain.teaching_group import TeachingGroup
from domain.values import MealPlan, Sex, parse_choice, parse_ine, parse_text, sort_key

LEFT_BY_FILE = "DATE_SORTIE in SIECLE"
LEFT_BY_ABSENCE = "no longer in the SIECLE export"

MEAL_PLANS = {
    "0": MealPlan.EXTERNAL,  # externe libre
    "1": MealPlan.EXTERNAL,  # externe surveillé
    "2": MealPlan.HALF_BOARD,  # demi-pensionnaire dans l'établissement
    "3": MealPlan.HALF_BOARD,  # demi-pensionnaire hors de l'établissement
    "4": MealPlan.BOARDER,  # interne dans l'établissement
    "5": MealPlan.BOARDER,  # interne externé
    "6": MealPlan.BOARDER,  # interne hébergé
}
"""The first digit of a SIECLE ``CODE_REGIME`` → the meal plan; see :func:`meal_plan_of`."""

_REGIME_CODE = re.compile(r"[0-6]|[1-6][0-9]")


def meal_plan_of(code: str) -> MealPlan | None:
    """The meal plan a SIECLE ``CODE_REGIME`` says, or None when the value is not a régime code.

    The national nomenclature (REGIME) has one-digit codes, 0 externe libre, 1 externe surveillé,
    2 demi-pensionnaire dans l'établissement, 3 demi-pensionnaire hors de l'établissement, 4 interne
    dans l'établissement, 5 interne externé, 6 interne hébergé, and two-digit codes that refine one of
    them and begin with its digit (21 … 29 "DP 4 jours / 5 jours…", 38, 41…). The first digit decides:
    0 and 1 → external, 2 and 3 → half-board, 4, 5 and 6 → boarder.

    Why by the first digit: the school only needs to know who eats (and who sleeps) in its care, which
    the canteen registers expect; the refinements (days of a forfait, where the meals are taken) do not
    change that, and académies add two-digit codes over the years, which a list of every code would
    refuse one by one. 3 is half-board too: the student is a demi-pensionnaire whose meals are served
    in another school's canteen, so the canteen register lists them (the school marks where they are).

    Anything else is not guessed: a first digit 7, 8 or 9 (no such family), letters ("X"), three
    digits, or a zero-padded "02" (code 2, or a refinement of 0?) give None, for the import to report.
    """
    if _REGIME_CODE.fullmatch(code) is None:
        return None
    return MEAL_PLANS[code[0]]


def import_students(context: ImportContext, entries: Sequence[StudentEntry]) -> dict[str, UUID]:
    """Import every student entry; returns the SIECLE id (when known) → student id of each one kept."""
    duplicates = _duplicates(entries)
    seen: dict[str, UUID] = {}
    claimed: set[UUID] = set()  # students an earlier entry of the file is: a homonym is not one of them
    for entry in entries:
        problem = duplicates.get(id(entry)) or _missing(entry)
        if problem:
            context.report.reject(entry.origin, problem)
            continue
        student_id = _import_one(context, entry, claimed)
        if student_id is not None:
            claimed.add(student_id)
        if student_id is not None and entry.source_id:
            seen[entry.source_id] = student_id
    return seen


def mark_absent_as_left(context: ImportContext, seen: dict[str, UUID], listed: Collection[str] = ()) -> None:
    """Students imported from SIECLE before and absent from this full export have left the school.

    Only SIECLE's students export is complete: an ONDE extraction may hold one class (never inferred).
    ``listed`` are the ELEVE_IDs of the file, rejected records included: a refused record is not an absence.
    """
    kept = set(seen.values())
    index = context.index
    for (system, external_id), student_id in sorted(index.external.items()):
        is_student = student_id in index.student_class
        if system != ExternalSystem.SIECLE or not is_student or student_id in kept or student_id in index.students_left:
            continue
        if external_id in listed:
            continue
        student = context.unit.find(Student, student_id)
        if student is None or student.left_on is not None:
            continue
        student.leave(on=context.today, reason=LEFT_BY_ABSENCE)
        context.index.students_left.add(student_id)
        context.report.count("left")


def _duplicates(entries: Sequence[StudentEntry]) -> dict[int, str]:
    """Entries that share an INE or a SIECLE id with another one: which is right cannot be told, so none is.

    Entries without either (ONDE) that share a name, birth date and class cannot be told apart either.
    """
    ines = Counter(_ine(e) for e in entries if _ine(e))
    ids = Counter(e.source_id for e in entries if e.source_id)
    identities = Counter(_identity(e) for e in entries if _identity(e))
    problems: dict[int, str] = {}
    for entry in entries:
        ine = _ine(entry)
        identity = _identity(entry)
        if ine and ines[ine] > 1:
            problems[id(entry)] = f"INE {ine} appears in {ines[ine]} records of the file"
        elif entry.source_id and ids[entry.source_id] > 1:
            problems[id(entry)] = f"ELEVE_ID {entry.source_id} appears in {ids[entry.source_id]} records of the file"
        elif identity and identities[identity] > 1:
            problems[id(entry)] = (
                f"{entry.last_name} {entry.first_name}, born {entry.birth_date}, in class {entry.class_code},"
                f" appears in {identities[identity]} records of the file: which one is meant cannot be told"
            )
    return problems


def _identity(entry: StudentEntry) -> tuple[str, date, str | None] | None:
    """What matches an entry without ids: its name, birth date and class."""
    if entry.source_id or _ine(entry) or not entry.last_name or not entry.first_name or not entry.birth_date:
        return None
    return (name_key(entry.last_name, entry.first_name), entry.birth_date, entry.class_code)


def _ine(entry: StudentEntry) -> str | None:
    try:
        return parse_ine(entry.ine) if entry.ine else None
    except InvalidValue:
        return entry.ine


def _missing(entry: StudentEntry) -> str | None:
    for value, name in ((entry.last_name, "last name"), (entry.first_name, "first name")):
        if not value:
            return f"no {name}"
    if entry.birth_date is None:
        return "no birth date, or one that is not a date"
    return None


def _import_one(context: ImportContext, entry: StudentEntry, claimed: set[UUID]) -> UUID | None:
    matched = _match(context, entry, claimed)
    if isinstance(matched, str):
        context.report.reject(entry.origin, matched)
        return None
    if matched is None:
        return _create(context, entry)
    student = context.unit.get(Student, matched, "student")
    before = pending(student)
    left_before = student.left_on
    with context.record(entry.origin, student):
        _update(context, student, entry)
        if left_before is None and student.left_on is not None:
            context.report.count("left")
        else:
            context.report.count(outcome(student, before))
        _report_meal_plan(context, entry)
        return student.id
    return None


def _match(context: ImportContext, entry: StudentEntry, claimed: set[UUID]) -> UUID | str | None:
    """The student this entry is, None for a new one, or why it cannot be told (never a guess).

    Without ids, a student an earlier entry of the file already is (``claimed``) is a homonym, not this one.
    """
    index = context.index
    if entry.source_id and (ExternalSystem.SIECLE.value, entry.source_id) in index.external:
        return index.external[(ExternalSystem.SIECLE.value, entry.source_id)]
    ine = _ine(entry)
    if ine and ine in index.student_by_ine:
        return index.student_by_ine[ine]
    if entry.source_id or ine:
        return None
    assert entry.last_name and entry.first_name and entry.birth_date
    identity = (name_key(entry.last_name, entry.first_name), entry.birth_date)
    candidates = [c for c in index.students_by_identity.get(identity, []) if c not in claimed]
    if len(candidates) > 1:
        candidates = [c for c in candidates if index.student_class.get(c) == entry.class_code]
        if not candidates:
            return "several students have this name and birth date, none in this class: which is meant cannot be told"
    if len(candidates) > 1:
        return "several students have this name, birth date and class: which one is meant cannot be told"
    return candidates[0] if candidates else None


def _create(context: ImportContext, entry: StudentEntry) -> UUID | None:
    assert entry.last_name and entry.first_name and entry.birth_date
    with context.record(entry.origin):
        # The student is validated before its class is opened: a refused student opens no class.
        student = Student.enrol(
            last_name=entry.last_name,
            first_name=entry.first_name,
            birth_date=entry.birth_date,
            sex=entry.sex,
            ine=entry.ine,
            class_code=entry.class_code,
        )
        if student.class_code is not None:
            ensure_class(context, student.class_code, entry.level)
        if entry.source_id:
            student.record_external_id(ExternalSystem.SIECLE, entry.source_id)
        for group in sorted(set(entry.groups)):
            student.join_group(ensure_group(context, group))
        _change_meal_plan(student, entry)
        if entry.left_on is not None and entry.left_on <= context.today:
            student.leave(on=entry.left_on, reason=LEFT_BY_FILE)
        context.unit.create(student, natural_key=f"ine {student.ine!r}" if student.ine else None)
        _remember(context, student, entry)
        context.report.count("left" if student.left_on is not None else "created")
        _report_meal_plan(context, entry)
        return student.id
    return None


def _update(context: ImportContext, student: Student, entry: StudentEntry) -> None:
    assert entry.last_name and entry.first_name and entry.birth_date
    details = (
        parse_text(entry.last_name, "last_name"),
        parse_text(entry.first_name, "first_name"),
        entry.birth_date,
        parse_choice(Sex, entry.sex, "sex").value if entry.sex is not None else student.sex,
    )
    if details != (student.last_name, student.first_name, student.birth_date, student.sex):
        student.correct_details(last_name=details[0], first_name=details[1], birth_date=details[2], sex=details[3])
    ine = _ine(entry)
    if ine and student.ine is None:
        student.record_ine(ine)
    elif ine and student.ine != ine:
        raise RuleViolated(f"the file gives INE {ine}, the student has INE {student.ine}", field="ine")
    if entry.source_id and student.external_id_map.get(ExternalSystem.SIECLE.value) != entry.source_id:
        student.record_external_id(ExternalSystem.SIECLE, entry.source_id)
    if entry.class_code and parse_class_code(entry.class_code) != student.class_code:
        student.move_to_class(ensure_class(context, entry.class_code, entry.level))
    if entry.source_id:  # SIECLE lists every group of the student; ONDE none
        wanted = {parse_class_code(g, "group_code") for g in entry.groups}
        for group in sorted(wanted - student.groups):
            student.join_group(ensure_group(context, group))
        for group in sorted(student.groups - wanted):
            student.leave_group(group)
    _change_meal_plan(student, entry)
    gone = entry.left_on is not None and entry.left_on <= context.today
    if gone and student.left_on is None:
        assert entry.left_on is not None
        student.leave(on=entry.left_on, reason=LEFT_BY_FILE)
    elif not gone and student.left_on is not None:  # in the file, and no DATE_SORTIE passed: back in school
        student.readmit()
    _remember(context, student, entry)


def _change_meal_plan(student: Student, entry: StudentEntry) -> None:
    """The meal plan ``CODE_REGIME`` says, when it says one the student does not have yet.

    No ``CODE_REGIME`` (older files, ONDE) leaves the meal plan alone; so does one that is not a
    code, which :func:`_report_meal_plan` reports once the record is imported.
    """
    plan = meal_plan_of(entry.meal_plan_code) if entry.meal_plan_code is not None else None
    if plan is not None and plan is not student.meal_plan:
        student.change_meal_plan(plan.value)


def _report_meal_plan(context: ImportContext, entry: StudentEntry) -> None:
    """A ``CODE_REGIME`` that is not a régime code refuses that field only: the rest of the record is imported."""
    code = entry.meal_plan_code
    if code is not None and meal_plan_of(code) is None:
        context.report.reject(entry.origin, f"CODE_REGIME {code!r} is not a régime code; meal plan left as it was")


def _remember(context: ImportContext, student: Student, entry: StudentEntry) -> None:
    index = context.index
    if student.ine:
        index.student_by_ine[student.ine] = student.id
    if entry.source_id:
        index.external[(ExternalSystem.SIECLE.value, entry.source_id)] = student.id
    key = sort_key(student.last_name, student.first_name)
    identity = index.students_by_identity.setdefault((key, student.birth_date), [])
    if student.id not in identity:
        identity.append(student.id)
    index.student_class[student.id] = student.class_code
    index.student_sort_key[student.id] = key
    if student.left_on is not None:
        index.students_left.add(student.id)


def ensure_class(context: ImportContext, code: str, level: str | None = None, label: str | None = None) -> str:
    """A class the file names: opened when the school does not have it yet (its label is its code)."""
    class_code = parse_class_code(code)
    if class_code not in context.index.class_codes:
        level_text = level if level and len(level) <= 20 else None
        context.unit.create(SchoolClass.open(code=class_code, label=label or class_code, level=level_text))
        context.index.class_codes.add(class_code)
    return class_code


def ensure_group(context: ImportContext, code: str, class_codes: list[str] | None = None) -> str:
    """A group the file names: opened when missing; STS-WEB also says which classes it draws from."""
    group_code = parse_class_code(code, "group_code")
    if group_code not in context.index.group_codes:
        context.unit.create(TeachingGroup.open(code=group_code, label=None, class_codes=class_codes or []))
        context.index.group_codes.add(group_code)
    return group_code
