"""STS-WEB imports: teachers and staff by INDIVIDU id, divisions, groups, services, principal teachers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from application.base import SchoolYearBase
from application.imports.records import FileRefused, ParsedFile, TeacherEntry
from application.permissions import Principal
from domain.service import Service
from domain.teaching_group import TeachingGroup
from tests.application.imports_support import (
    RECORDED,
    all_events,
    division,
    group,
    head,
    run_import,
    service,
    siecle_students,
    sqlite_only,
    sts_file,
    student,
    teacher,
)

DIVISIONS = (
    division("3A", "3e A", mefs=("10310019110",)),
    division("3B", "3e B", mefs=("10310019110",)),
    division("4A", "4e A"),
)
GROUPS = (group("3A-LATIN", "3A", label="Latin 3A"), group("3AB-ESP", "3A", "3B", label="Espagnol LV2"))
CURIE = teacher("T1", "Curie", "Marie", disciplines=("PHYSIQUE-CHIMIE",), principal_of=("3A",))
HUGO = teacher("T2", "Hugo", "Victor", civility="M.", disciplines=("LETTRES MODERNES", "LATIN"))
DURAND = teacher("S1", "Durand", "Léa", function="DIR")
LEFEVRE = teacher("S2", "Lefèvre", "Paul", function="EDU", civility="M.")
PEOPLE = (CURIE, HUGO, DURAND, LEFEVRE)
SERVICES = (
    service("030201", "T1", class_code="3A", subject_label="PHYSIQUE-CHIMIE"),
    service("020300", "T2", group_code="3A-LATIN", subject_label="LATIN"),
    service("030602", "T1", "T2", group_code="3AB-ESP", subject_label="ESPAGNOL LV2"),
)


def emp(
    uai: str,
    *,
    teachers: tuple[TeacherEntry, ...] = PEOPLE,
    groups: tuple[object, ...] | None = None,
    services: tuple[object, ...] | None = None,
) -> ParsedFile:
    """The school's STS file, with some of its parts replaced."""
    return sts_file(
        uai,
        teachers=teachers,
        divisions=DIVISIONS,
        groups=GROUPS if groups is None else groups,  # type: ignore[arg-type]
        services=SERVICES if services is None else services,  # type: ignore[arg-type]
    )


def import_emp(base: SchoolYearBase) -> None:
    result = run_import(base, "sts", emp(base.uai))
    assert result.report.rejected == []


def teacher_ids(base: SchoolYearBase, principal: Principal) -> dict[str, object]:
    return {t.last_name: t.id for t in base.list_teachers(principal)}


# --- both backends ---------------------------------------------------------------------------------------------------


def test_a_first_sts_import_creates_classes_groups_teachers_staff_and_services(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "sts", emp(base.uai))

    assert result.kinds == Counter(
        {
            "SchoolClass.Created": 3,
            "TeachingGroup.Created": 2,
            "Teacher.Registered": 2,
            "Teacher.ExternalIdRecorded": 2,
            "Teacher.PrincipalClassesChanged": 1,
            "StaffMember.Registered": 2,
            "StaffMember.ExternalIdRecorded": 2,
            "Service.Created": 3,
            RECORDED: 1,
        }
    )
    assert result.counts() == {"created": 3 + 2 + 4 + 3, "updated": 0, "unchanged": 0, "left": 0, "rejected": 0}
    assert sorted((c.code, c.label, c.level) for c in base.list_classes(principal)) == [
        ("3A", "3e A", "10310019110"),
        ("3B", "3e B", "10310019110"),
        ("4A", "4e A", None),
    ]


def test_reimporting_the_same_sts_file_writes_nothing_and_reports_everything_unchanged(base: SchoolYearBase) -> None:
    import_emp(base)
    before = head(base)

    again = run_import(base, "sts", emp(base.uai))

    assert again.events == []
    assert head(base) == before
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3 + 2 + 4 + 3, "left": 0, "rejected": 0}


def test_a_new_discipline_emits_only_disciplines_changed(base: SchoolYearBase, principal: Principal) -> None:
    import_emp(base)
    curie = replace(CURIE, disciplines=("PHYSIQUE-CHIMIE", "SVT"))

    result = run_import(base, "sts", emp(base.uai, teachers=(curie, HUGO, DURAND, LEFEVRE)))

    assert result.changes == Counter({"Teacher.DisciplinesChanged": 1})
    assert {t.last_name: t.disciplines for t in base.list_teachers(principal)}["Curie"] == ["PHYSIQUE-CHIMIE", "SVT"]


def test_a_new_principal_class_emits_only_principal_classes_changed(base: SchoolYearBase, principal: Principal) -> None:
    import_emp(base)
    hugo = replace(HUGO, principal_of=("3B",))

    result = run_import(base, "sts", emp(base.uai, teachers=(CURIE, hugo, DURAND, LEFEVRE)))

    assert result.changes == Counter({"Teacher.PrincipalClassesChanged": 1})
    assert {t.last_name: t.principal_of for t in base.list_teachers(principal)} == {"Curie": ["3A"], "Hugo": ["3B"]}


def test_a_group_drawing_from_another_class_emits_only_classes_changed(base: SchoolYearBase) -> None:
    import_emp(base)
    wider = (GROUPS[0], group("3AB-ESP", "3A", "3B", "4A", label="Espagnol LV2"))

    result = run_import(base, "sts", emp(base.uai, groups=wider))

    assert result.changes == Counter({"TeachingGroup.ClassesChanged": 1})
    (changed,) = [e for e in result.events if isinstance(e, TeachingGroup.ClassesChanged)]
    assert changed.class_codes == ["3A", "3B", "4A"]


def test_a_service_given_to_other_teachers_emits_only_teachers_changed(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_emp(base)
    services = (replace(SERVICES[0], teachers=("T1", "T2")), *SERVICES[1:])

    result = run_import(base, "sts", emp(base.uai, services=services))

    assert result.changes == Counter({"Service.TeachersChanged": 1})
    (changed,) = [e for e in result.events if isinstance(e, Service.TeachersChanged)]
    ids = teacher_ids(base, principal)
    assert changed.teacher_ids == [ids["Curie"], ids["Hugo"]]


# --- people ----------------------------------------------------------------------------------------------------------


@sqlite_only
def test_individus_with_fonction_ens_are_teachers_with_disciplines_and_principal_classes(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_emp(base)

    teachers = {t.last_name: t for t in base.list_teachers(principal)}

    assert sorted(teachers) == ["Curie", "Hugo"]
    assert (teachers["Curie"].civility, teachers["Curie"].disciplines, teachers["Curie"].principal_of) == (
        "Mme",
        ["PHYSIQUE-CHIMIE"],
        ["3A"],
    )
    assert (teachers["Hugo"].civility, teachers["Hugo"].disciplines, teachers["Hugo"].principal_of) == (
        "M.",
        ["LETTRES MODERNES", "LATIN"],
        [],
    )


@sqlite_only
@pytest.mark.parametrize(
    ("code", "function"),
    [
        ("DIR", "Direction"),
        ("EDU", "CPE"),
        ("DOC", "Documentaliste"),
        ("SUR", "Surveillant"),
        ("ADF", "Secrétaire"),
        ("MDS", "Infirmier"),
        ("LAB", "Autre"),
    ],
)
def test_individus_of_other_fonctions_are_staff_with_their_function(
    base: SchoolYearBase, principal: Principal, code: str, function: str
) -> None:
    run_import(base, "sts", sts_file(base.uai, teachers=(teacher("S9", "Blanc", "Éric", function=code),)))

    assert [(s.last_name, s.function) for s in base.list_staff(principal)] == [("Blanc", function)]
    assert base.list_teachers(principal) == []


@sqlite_only
def test_a_changed_staff_function_emits_only_details_corrected(base: SchoolYearBase, principal: Principal) -> None:
    import_emp(base)

    result = run_import(base, "sts", emp(base.uai, teachers=(CURIE, HUGO, DURAND, replace(LEFEVRE, function="DIR"))))

    assert result.changes == Counter({"StaffMember.DetailsCorrected": 1})
    assert {s.last_name: s.function for s in base.list_staff(principal)}["Lefèvre"] == "Direction"


@sqlite_only
def test_a_teacher_name_correction_emits_only_details_corrected(base: SchoolYearBase) -> None:
    import_emp(base)

    result = run_import(
        base, "sts", emp(base.uai, teachers=(replace(CURIE, last_name="Curie-Skłodowska"), *PEOPLE[1:]))
    )

    assert result.changes == Counter({"Teacher.DetailsCorrected": 1})


@sqlite_only
def test_a_teacher_who_becomes_staff_is_rejected_and_the_others_imported(base: SchoolYearBase) -> None:
    """A teacher record cannot turn into a staff record: the file is refused one record, not whole."""
    import_emp(base)
    newcomer = teacher("T3", "Sand", "George")

    result = run_import(base, "sts", emp(base.uai, teachers=(replace(CURIE, function="DIR"), HUGO, newcomer)))

    assert [r.record for r in result.report.rejected] == [str(CURIE.origin)]
    assert result.reasons == ["INDIVIDU T1 is a teacher here, not a member of staff"]
    assert result.changes["Teacher.Registered"] == 1


@sqlite_only
def test_a_member_of_staff_who_becomes_a_teacher_is_rejected(base: SchoolYearBase) -> None:
    import_emp(base)

    result = run_import(base, "sts", emp(base.uai, teachers=(CURIE, HUGO, replace(DURAND, function="ENS"), LEFEVRE)))

    assert result.reasons == ["INDIVIDU S1 is a member of staff here, not a teacher"]
    assert result.events == []


@sqlite_only
def test_an_individu_without_a_name_is_rejected(base: SchoolYearBase, principal: Principal) -> None:
    result = run_import(base, "sts", sts_file(base.uai, teachers=(CURIE, replace(HUGO, last_name=None))))

    assert result.reasons == ["no last name or no first name"]
    assert [t.last_name for t in base.list_teachers(principal)] == ["Curie"]


@sqlite_only
def test_an_sts_teacher_is_the_teacher_already_known_by_name_without_an_id(
    base: SchoolYearBase, principal: Principal
) -> None:
    onde_like = replace(CURIE, source_id=None)
    run_import(base, "sts", sts_file(base.uai, teachers=(onde_like,)))

    result = run_import(base, "sts", sts_file(base.uai, teachers=(replace(onde_like, disciplines=("SVT",)),)))

    assert result.changes == Counter({"Teacher.DisciplinesChanged": 1})
    assert len(base.list_teachers(principal)) == 1


# --- structure and services ------------------------------------------------------------------------------------------


@sqlite_only
def test_a_group_of_one_division_is_part_of_that_class_and_of_two_draws_from_both(base: SchoolYearBase) -> None:
    result = run_import(base, "sts", emp(base.uai))

    created = {e.code: e.class_codes for e in result.events if isinstance(e, TeachingGroup.Created)}
    assert created == {"3A-LATIN": ["3A"], "3AB-ESP": ["3A", "3B"]}


@sqlite_only
def test_a_group_naming_a_division_not_in_the_file_opens_that_class(base: SchoolYearBase, principal: Principal) -> None:
    run_import(base, "sts", sts_file(base.uai, groups=(group("5AB-ALL", "5A", "5B"),)))

    assert sorted(c.code for c in base.list_classes(principal)) == ["5A", "5B"]


@sqlite_only
def test_a_group_already_opened_by_siecle_gets_its_classes_from_sts(base: SchoolYearBase) -> None:
    run_import(base, "siecle", siecle_students(base.uai, student("1001", groups=("3AB-ESP",))))

    result = run_import(base, "sts", sts_file(base.uai, divisions=DIVISIONS, groups=(GROUPS[1],)))

    assert result.changes == Counter({"SchoolClass.Created": 2, "TeachingGroup.ClassesChanged": 1})


@sqlite_only
def test_services_are_taught_by_the_teachers_they_name(base: SchoolYearBase, principal: Principal) -> None:
    result = run_import(base, "sts", emp(base.uai))

    ids = teacher_ids(base, principal)
    created = {
        (e.subject_code, e.class_code, e.group_code): e.teacher_ids
        for e in result.events
        if isinstance(e, Service.Created)
    }
    assert created == {
        ("030201", "3A", None): [ids["Curie"]],
        ("020300", None, "3A-LATIN"): [ids["Hugo"]],
        ("030602", None, "3AB-ESP"): [ids["Curie"], ids["Hugo"]],
    }


@sqlite_only
def test_a_service_naming_an_unknown_teacher_id_is_rejected_and_the_others_imported(base: SchoolYearBase) -> None:
    stray = service("080100", "T1", "T404", class_code="3B", subject_label="ALLEMAND")

    result = run_import(base, "sts", emp(base.uai, services=(*SERVICES, stray)))

    assert result.reasons == ["teachers T404 are not in the file"]
    assert result.report.rejected[0].record == str(stray.origin)
    assert result.changes["Service.Created"] == 3


@sqlite_only
def test_a_service_of_a_teacher_imported_earlier_finds_them(base: SchoolYearBase) -> None:
    import_emp(base)

    result = run_import(base, "sts", sts_file(base.uai, services=(service("080100", "T2", class_code="3B"),)))

    assert result.changes == Counter({"Service.Created": 1})
    assert result.report.rejected == []


@sqlite_only
def test_an_sts_reimport_with_one_new_service_writes_only_that_service(base: SchoolYearBase) -> None:
    import_emp(base)
    extra = service("080100", "T2", class_code="4A")

    result = run_import(base, "sts", emp(base.uai, services=(*SERVICES, extra)))

    assert result.changes == Counter({"Service.Created": 1})
    assert result.counts()["created"] == 1


@sqlite_only
def test_an_sts_import_records_its_file_and_report(base: SchoolYearBase) -> None:
    file = emp(base.uai)

    result = run_import(base, "sts", file)

    assert result.run.kind == "sts"
    assert result.run.files == [{"name": "sts_emp.xml", "sha256": file.header.sha256}]
    assert result.run.report["created"] == 12
    assert all_events(base)[-1] == result.run


@sqlite_only
def test_a_siecle_file_given_to_an_sts_import_is_refused(base: SchoolYearBase) -> None:
    before = head(base)

    with pytest.raises(FileRefused, match="not one for a sts import"):
        base.import_files("sts", [siecle_students(base.uai, student("1001"))])

    assert head(base) == before
