"""SIECLE imports through the base: students and guardians matched by their ids, only real changes written.

The main idempotence and change rules run on both backends; the others on SQLite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.base import SchoolYearBase
from application.imports.records import FileRefused, GuardianEntry, LinkEntry, ParsedFile, StudentEntry
from application.imports.students import LEFT_BY_ABSENCE, LEFT_BY_FILE
from application.permissions import Principal
from application.registry import Bases
from domain.student import Student
from tests.application.imports_support import (
    RECORDED,
    YEAR,
    guardian,
    head,
    link,
    run_import,
    siecle_guardians,
    siecle_students,
    sqlite_only,
    sts_file,
    student,
)

TODAY = date(2026, 11, 24)

ZOE = student("1001", "Dupont", "Zoé", ine="1234567890A", class_code="3A", groups=("LATIN",))
LEO = student("1002", "Martin", "Léo", sex="M", class_code="3B", birth_date=date(2011, 12, 1))
ANA = student("1003", "Bernard", "Ana", class_code="4A", birth_date=date(2013, 2, 9))

ADDRESS = "12 rue des Écoles, 75005 Paris"
CLAIRE = guardian("9001", "Dupont", "Claire", email="claire.dupont@example.fr", phone="06 12 34 56 78", address=ADDRESS)
MARC = guardian("9002", "Dupont", "Marc", civility="M.", phone="06 98 76 54 32", address=ADDRESS)
SOPHIE = guardian("9003", "Martin", "Sophie", email="sophie.martin@example.fr")

LINKS = (
    link(CLAIRE, "1001", "MERE", priority=True),
    link(MARC, "1001", "PERE"),
    link(SOPHIE, "1002", "MERE"),
    link(SOPHIE, "1003", "TUTEUR", legal=False),
)


def students_file(uai: str, *entries: StudentEntry) -> ParsedFile:
    return siecle_students(uai, *(entries or (ZOE, LEO, ANA)))


def guardians_file(uai: str, *links: LinkEntry, persons: tuple[GuardianEntry, ...] | None = None) -> ParsedFile:
    given_links = links or LINKS
    return siecle_guardians(
        uai, given_links, persons if persons is not None else tuple(x.guardian for x in given_links)
    )


def import_school(base: SchoolYearBase) -> None:
    """The first import of the school: three students, three guardians, four links."""
    result = run_import(base, "siecle", students_file(base.uai), guardians_file(base.uai))
    assert result.report.rejected == []


def by_name(base: SchoolYearBase, principal: Principal) -> dict[str, Any]:
    return {f"{s.last_name} {s.first_name}": s for s in base.list_students(principal)}


# --- the first import ------------------------------------------------------------------------------------------------


def test_a_first_import_creates_classes_groups_students_guardians_and_links(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "siecle", students_file(base.uai), guardians_file(base.uai))

    assert result.kinds == Counter(
        {
            "SchoolClass.Created": 3,
            "TeachingGroup.Created": 1,
            "Student.Enrolled": 3,
            "Student.ExternalIdRecorded": 3,
            "Student.JoinedGroup": 1,
            "Guardian.Registered": 3,
            "Guardian.ExternalIdRecorded": 3,
            "Guardian.ChildLinked": 4,
            "Guardian.ContactPriorityChanged": 1,
            RECORDED: 1,
        }
    )
    assert result.counts() == {"created": 3 + 3 + 4, "updated": 0, "unchanged": 0, "left": 0, "rejected": 0}
    assert sorted(c.code for c in base.list_classes(principal)) == ["3A", "3B", "4A"]
    students = by_name(base, principal)
    assert {name: (s.class_code, s.ine) for name, s in students.items()} == {
        "Dupont Zoé": ("3A", "1234567890A"),
        "Martin Léo": ("3B", None),
        "Bernard Ana": ("4A", None),
    }
    zoe = base.get_student(principal, students["Dupont Zoé"].id)
    assert zoe.groups == ["LATIN"]
    assert sorted((g.first_name, g.relationship, g.legal, g.contact_priority) for g in zoe.guardians) == [
        ("Claire", "MERE", True, True),
        ("Marc", "PERE", True, False),
    ]


def test_guardians_keep_their_shared_address_and_several_children(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    guardians = {g.first_name: g for g in base.list_guardians(principal)}

    assert guardians["Claire"].address == guardians["Marc"].address == ADDRESS
    assert guardians["Claire"].phone == "06 12 34 56 78"
    assert sorted((c.first_name, c.relationship, c.legal) for c in guardians["Sophie"].children) == [
        ("Ana", "TUTEUR", False),
        ("Léo", "MERE", True),
    ]


def test_an_import_is_recorded_by_one_event_with_its_report_and_the_files_sha256(base: SchoolYearBase) -> None:
    students, guardians = students_file(base.uai), guardians_file(base.uai)

    result = run_import(base, "siecle", students, guardians)

    run = result.run
    assert run.kind == "siecle"
    assert run.forced_uai is None
    assert run.files == [
        {"name": "ElevesSansAdresses.xml", "sha256": students.header.sha256},
        {"name": "ResponsablesAvecAdresses.xml", "sha256": guardians.header.sha256},
    ]
    assert run.report["file_sha256"] == students.header.sha256
    assert run.report["created"] == result.report.created == 10
    assert run.report["rejected"] == []
    assert result.report.events == len(result.events)


# --- idempotence and changes (both backends) -------------------------------------------------------------------------


def test_reimporting_the_same_files_writes_no_event_and_reports_everything_unchanged(base: SchoolYearBase) -> None:
    import_school(base)
    before = head(base)

    again = run_import(base, "siecle", students_file(base.uai), guardians_file(base.uai))

    assert again.events == []
    assert head(base) == before
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3 + 3 + 4, "left": 0, "rejected": 0}
    assert again.report.events == 0


def test_a_class_change_emits_only_student_moved_to_class(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, replace(ZOE, class_code="3B"), LEO, ANA))

    assert result.changes == Counter({"Student.MovedToClass": 1})
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 2, "left": 0, "rejected": 0}
    zoe = base.get_student(principal, by_name(base, principal)["Dupont Zoé"].id)
    assert [move.class_code for move in zoe.class_history] == ["3A", "3B"]


def test_a_move_to_a_class_not_yet_known_opens_it_too(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, replace(ZOE, class_code="3C"), LEO, ANA))

    assert result.changes == Counter({"SchoolClass.Created": 1, "Student.MovedToClass": 1})


def test_a_new_phone_number_emits_only_contact_details_changed(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)
    claire = replace(CLAIRE, phone="07 00 11 22 33")

    result = run_import(
        base, "siecle", guardians_file(base.uai, link(claire, "1001", "MERE", priority=True), *LINKS[1:])
    )

    assert result.changes == Counter({"Guardian.ContactDetailsChanged": 1})
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 2 + 4, "left": 0, "rejected": 0}
    assert {g.first_name: g.phone for g in base.list_guardians(principal)}["Claire"] == "07 00 11 22 33"


def test_a_new_guardian_emits_only_their_registration_id_and_link(base: SchoolYearBase) -> None:
    import_school(base)
    paul = guardian("9004", "Martin", "Paul", civility="M.")

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS, link(paul, "1002", "PERE")))

    assert result.changes == Counter(
        {"Guardian.Registered": 1, "Guardian.ExternalIdRecorded": 1, "Guardian.ChildLinked": 1}
    )
    assert result.report.created == 2


def test_a_new_link_of_a_known_guardian_emits_only_child_linked(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS, link(MARC, "1003", "AUTRE", legal=False)))

    assert result.changes == Counter({"Guardian.ChildLinked": 1})
    assert result.counts() == {"created": 1, "updated": 0, "unchanged": 3 + 4, "left": 0, "rejected": 0}


@pytest.mark.parametrize(
    ("relationship", "legal"), [("FAMILLE", False), ("TUTEUR", True)], ids=["relationship", "legal"]
)
def test_a_changed_relationship_or_legal_status_emits_only_link_changed(
    base: SchoolYearBase, principal: Principal, relationship: str, legal: bool
) -> None:
    import_school(base)
    changed = link(SOPHIE, "1003", relationship, legal=legal)

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS[:3], changed))

    assert result.changes == Counter({"Guardian.LinkChanged": 1})
    sophie = {g.first_name: g for g in base.list_guardians(principal)}["Sophie"]
    assert {c.first_name: (c.relationship, c.legal) for c in sophie.children}["Ana"] == (relationship, legal)


def test_a_name_correction_emits_only_student_details_corrected(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, first_name="Léon"), ANA))

    assert result.changes == Counter({"Student.DetailsCorrected": 1})
    assert "Martin Léon" in by_name(base, principal)


def test_a_guardian_name_correction_emits_only_guardian_details_corrected(base: SchoolYearBase) -> None:
    import_school(base)
    sophie = replace(SOPHIE, last_name="Martin-Roux")

    result = run_import(
        base, "siecle", guardians_file(base.uai, *LINKS[:2], *(replace(x, guardian=sophie) for x in LINKS[2:]))
    )

    assert result.changes == Counter({"Guardian.DetailsCorrected": 1})


def test_an_ine_given_later_emits_only_ine_recorded(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, ine="2222222222B"), ANA))

    assert result.changes == Counter({"Student.IneRecorded": 1})
    assert by_name(base, principal)["Martin Léo"].ine == "2222222222B"


def test_a_new_group_emits_the_group_and_the_student_joining_it(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, groups=("ESP-LV2",)), ANA))

    assert result.changes == Counter({"TeachingGroup.Created": 1, "Student.JoinedGroup": 1})
    assert base.get_student(principal, by_name(base, principal)["Martin Léo"].id).groups == ["ESP-LV2"]


def test_leaving_a_group_emits_only_left_group(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, replace(ZOE, groups=()), LEO, ANA))

    assert result.changes == Counter({"Student.LeftGroup": 1})
    assert base.get_student(principal, by_name(base, principal)["Dupont Zoé"].id).groups == []


# --- leaving and coming back -----------------------------------------------------------------------------------------


@sqlite_only
def test_a_date_sortie_in_the_past_makes_the_student_leave_and_counts_left(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, left_on=date(2026, 11, 2)), ANA))

    assert result.changes == Counter({"Student.Left": 1})
    (left,) = [e for e in result.events if isinstance(e, Student.Left)]
    assert (left.on, left.reason) == (date(2026, 11, 2), LEFT_BY_FILE)
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 2, "left": 1, "rejected": 0}
    assert by_name(base, principal)["Martin Léo"].left_on == date(2026, 11, 2)


@sqlite_only
def test_a_date_sortie_in_the_future_changes_nothing_yet(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, left_on=date(2027, 2, 1)), ANA))

    assert result.events == []
    assert result.report.left == 0


@sqlite_only
def test_a_date_sortie_of_today_has_passed(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, left_on=TODAY), ANA))

    assert result.changes == Counter({"Student.Left": 1})


@sqlite_only
def test_a_new_student_whose_date_sortie_passed_is_enrolled_as_left(base: SchoolYearBase, principal: Principal) -> None:
    result = run_import(base, "siecle", students_file(base.uai, replace(ANA, left_on=date(2026, 9, 30))))

    assert result.changes["Student.Left"] == 1
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 0, "left": 1, "rejected": 0}
    assert by_name(base, principal)["Bernard Ana"].left_on == date(2026, 9, 30)


@sqlite_only
def test_a_student_absent_from_a_later_siecle_export_has_left(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, ANA))

    assert result.changes == Counter({"Student.Left": 1})
    (left,) = [e for e in result.events if isinstance(e, Student.Left)]
    assert (left.on, left.reason) == (TODAY, LEFT_BY_ABSENCE)
    assert left.reason == "no longer in the SIECLE export"
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 2, "left": 1, "rejected": 0}
    assert by_name(base, principal)["Martin Léo"].left_on == TODAY


@sqlite_only
def test_a_student_who_left_is_counted_once_and_not_left_again(base: SchoolYearBase) -> None:
    import_school(base)
    run_import(base, "siecle", students_file(base.uai, ZOE, ANA))

    again = run_import(base, "siecle", students_file(base.uai, ZOE, ANA))

    assert again.events == []
    assert again.report.left == 0


@sqlite_only
def test_a_guardians_file_alone_never_makes_students_leave(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", guardians_file(base.uai, LINKS[0], persons=(CLAIRE,)))

    assert result.events == []


@sqlite_only
def test_a_student_who_had_left_is_readmitted_when_back_in_the_export(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_school(base)
    run_import(base, "siecle", students_file(base.uai, ZOE, ANA))

    result = run_import(base, "siecle", students_file(base.uai))

    assert result.changes == Counter({"Student.Readmitted": 1})
    assert result.report.updated == 1
    assert by_name(base, principal)["Martin Léo"].left_on is None


@sqlite_only
def test_a_student_whose_date_sortie_is_cleared_is_readmitted(base: SchoolYearBase) -> None:
    import_school(base)
    run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, left_on=date(2026, 11, 2)), ANA))

    result = run_import(base, "siecle", students_file(base.uai))

    assert result.changes == Counter({"Student.Readmitted": 1})


@sqlite_only
def test_a_student_who_had_left_and_is_back_with_a_future_date_sortie_is_readmitted(base: SchoolYearBase) -> None:
    import_school(base)
    run_import(base, "siecle", students_file(base.uai, ZOE, ANA))

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, left_on=date(2027, 2, 1)), ANA))

    assert result.changes == Counter({"Student.Readmitted": 1})


@sqlite_only
def test_a_known_student_whose_record_is_rejected_has_not_left(base: SchoolYearBase) -> None:
    """A record refused for a missing birth date is still in the export: its student did not leave."""
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, birth_date=None), ANA))

    assert result.events == []
    assert result.report.left == 0
    assert len(result.report.rejected) == 1


@sqlite_only
def test_a_personne_id_equal_to_an_eleve_id_names_another_person(base: SchoolYearBase, principal: Principal) -> None:
    """SIECLE numbers persons and students apart: PERSONNE_ID 1002 is not ELEVE_ID 1002."""
    claire = guardian("1002", "Dupont", "Claire")
    files = (students_file(base.uai, ZOE, LEO), siecle_guardians(base.uai, [link(claire, "1002", "MERE")]))

    first = run_import(base, "siecle", *files)
    again = run_import(base, "siecle", *files)

    assert first.report.rejected == []
    assert first.changes["Guardian.Registered"] == 1
    assert again.events == []
    student_id = by_name(base, principal)["Martin Léo"].id
    assert [g.first_name for g in base.get_student(principal, student_id).guardians] == ["Claire"]


# --- records rejected one by one -------------------------------------------------------------------------------------


@sqlite_only
def test_a_duplicate_ine_rejects_both_records_naming_the_ine_and_imports_the_others(
    base: SchoolYearBase, principal: Principal
) -> None:
    twin = student("1004", "Dupont", "Zoey", ine="1234567890A", class_code="3A")

    result = run_import(base, "siecle", students_file(base.uai, ZOE, LEO, twin, ANA))

    assert len(result.report.rejected) == 2
    assert all("1234567890A" in reason for reason in result.reasons)
    assert {r.record for r in result.report.rejected} == {str(ZOE.origin), str(twin.origin)}
    assert sorted(by_name(base, principal)) == ["Bernard Ana", "Martin Léo"]
    assert result.report.created == 2


@sqlite_only
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"birth_date": None}, "no birth date"),
        ({"last_name": None}, "no last name"),
        ({"first_name": ""}, "no first name"),
    ],
    ids=["birth-date", "last-name", "first-name"],
)
def test_a_record_missing_an_identity_field_is_rejected_and_the_others_imported(
    base: SchoolYearBase, principal: Principal, change: dict[str, Any], reason: str
) -> None:
    broken = replace(LEO, **change)

    result = run_import(base, "siecle", students_file(base.uai, ZOE, broken, ANA))

    assert [(r.record, r.reason.startswith(reason)) for r in result.report.rejected] == [(str(LEO.origin), True)]
    assert sorted(by_name(base, principal)) == ["Bernard Ana", "Dupont Zoé"]
    assert result.report.created == 2


@sqlite_only
def test_a_student_whose_sex_the_file_does_not_state_is_imported_with_it_unknown(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, sex=None), ANA))

    assert result.report.rejected == []
    assert by_name(base, principal)["Martin Léo"].sex is None


@sqlite_only
def test_a_record_the_domain_refuses_is_rejected_with_the_domains_reason(base: SchoolYearBase) -> None:
    result = run_import(base, "siecle", students_file(base.uai, ZOE, replace(LEO, sex="X"), ANA))

    assert [r.record for r in result.report.rejected] == [str(LEO.origin)]
    assert "sex" in result.reasons[0]
    assert result.report.created == 2


@sqlite_only
def test_an_ine_contradicting_the_known_one_is_rejected(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", students_file(base.uai, replace(ZOE, ine="9999999999Z"), LEO, ANA))

    assert result.events == []
    assert result.reasons == ["the file gives INE 9999999999Z, the student has INE 1234567890A"]


@sqlite_only
def test_a_link_to_an_unknown_eleve_id_is_rejected_and_the_others_imported(base: SchoolYearBase) -> None:
    import_school(base)

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS, link(CLAIRE, "4242", "MERE")))

    assert result.reasons == ["ELEVE_ID 4242 is not a student of this school"]
    assert result.events == []
    assert result.report.unchanged == 3 + 4


@sqlite_only
def test_a_person_without_any_valid_child_is_rejected(base: SchoolYearBase, principal: Principal) -> None:
    import_school(base)
    stranger = guardian("9009", "Inconnu", "Jean", civility="M.")

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS, link(stranger, "4242", "PERE")))

    assert result.reasons == [
        "ELEVE_ID 4242 is not a student of this school",
        "none of this person's children is a student of this school",
    ]
    assert result.report.rejected[1].record == str(stranger.origin)
    assert result.events == []
    assert "Jean" not in {g.first_name for g in base.list_guardians(principal)}


@sqlite_only
def test_a_guardian_without_a_name_is_rejected(base: SchoolYearBase) -> None:
    import_school(base)
    nameless = guardian("9010", None, "Jean", civility="M.")

    result = run_import(base, "siecle", guardians_file(base.uai, *LINKS, link(nameless, "1001", "AUTRE")))

    assert result.reasons == ["no last name or no first name"]
    assert result.events == []


@sqlite_only
def test_a_link_with_an_unknown_relationship_is_rejected_and_its_guardian_still_registered(
    base: SchoolYearBase,
) -> None:
    import_school(base)
    paul = guardian("9004", "Martin", "Paul", civility="M.")

    result = run_import(
        base, "siecle", guardians_file(base.uai, *LINKS, link(paul, "1002", "PERE"), link(paul, "1003", "ONCLE"))
    )

    assert len(result.reasons) == 1
    assert "relationship" in result.reasons[0]
    assert result.changes == Counter(
        {"Guardian.Registered": 1, "Guardian.ExternalIdRecorded": 1, "Guardian.ChildLinked": 1}
    )


@sqlite_only
def test_an_unreadable_entry_is_reported_as_rejected(base: SchoolYearBase) -> None:
    students = students_file(base.uai)
    students.unreadable.append((ZOE.origin, "an ELEVE without ELEVE_ID"))

    result = run_import(base, "siecle", students)

    assert result.reasons == ["an ELEVE without ELEVE_ID"]
    assert result.report.created == 3


@sqlite_only
def test_an_import_that_only_rejects_writes_nothing(base: SchoolYearBase) -> None:
    result = run_import(base, "siecle", students_file(base.uai, replace(ZOE, birth_date=None)))

    assert result.events == []
    assert len(result.report.rejected) == 1


# --- dry run ---------------------------------------------------------------------------------------------------------


def test_a_dry_run_reports_what_the_real_run_reports_and_writes_nothing(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    dry_base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège A")
    real_base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège B")
    files = (
        students_file(dry_base.uai, ZOE, LEO, replace(ANA, birth_date=None)),
        guardians_file(dry_base.uai),
    )
    before = head(dry_base)

    dry = run_import(dry_base, "siecle", *files, dry_run=True)
    real = run_import(real_base, "siecle", *files, force_uai=True)

    assert dry.events == []
    assert head(dry_base) == before
    assert dry.counts() == real.counts()
    assert dry.report.rejected == real.report.rejected
    assert (dry.report.dry_run, dry.report.events) == (True, 0)
    assert real.report.events > 0


@sqlite_only
def test_a_dry_run_of_a_change_reports_it_and_leaves_the_base_as_it_was(base: SchoolYearBase) -> None:
    import_school(base)
    before = head(base)
    changed = students_file(base.uai, replace(ZOE, class_code="3B"), LEO)

    dry = run_import(base, "siecle", changed, dry_run=True)
    real = run_import(base, "siecle", changed)

    assert dry.events == []
    assert dry.counts() == real.counts() == {"created": 0, "updated": 1, "unchanged": 1, "left": 1, "rejected": 0}
    assert head(base) == before + len(real.events)
    assert real.changes == Counter({"Student.MovedToClass": 1, "Student.Left": 1})


# --- files refused as a whole ----------------------------------------------------------------------------------------


@sqlite_only
def test_a_file_for_another_school_is_refused_and_nothing_written(
    base: SchoolYearBase, uai_factory: Callable[[], str]
) -> None:
    before = head(base)

    with pytest.raises(FileRefused, match="is for school"):
        base.import_files("siecle", [students_file(uai_factory())])

    assert head(base) == before


@sqlite_only
def test_a_file_for_another_school_is_imported_with_force_uai_which_the_import_records(
    base: SchoolYearBase, uai_factory: Callable[[], str], principal: Principal
) -> None:
    other = uai_factory()

    result = run_import(base, "siecle", students_file(other), force_uai=True)

    assert result.run.forced_uai == other
    assert len(base.list_students(principal)) == 3


@sqlite_only
def test_a_placeholder_uaj_needs_force_uai(base: SchoolYearBase) -> None:
    before = head(base)
    with pytest.raises(FileRefused):
        base.import_files("siecle", [students_file("123ABC")])
    assert head(base) == before

    result = run_import(base, "siecle", students_file("123ABC"), force_uai=True)

    assert result.run.forced_uai == "123ABC"


@sqlite_only
def test_the_uai_is_compared_whatever_its_case(base: SchoolYearBase) -> None:
    result = run_import(base, "siecle", students_file(base.uai.lower()))

    assert result.run.forced_uai is None


@sqlite_only
def test_a_file_that_names_no_school_is_taken_for_this_one(base: SchoolYearBase) -> None:
    result = run_import(base, "siecle", siecle_students(None, ZOE))

    assert result.run.forced_uai is None
    assert result.report.created == 1


@sqlite_only
def test_a_file_for_another_year_is_refused_and_nothing_written(base: SchoolYearBase) -> None:
    before = head(base)

    with pytest.raises(FileRefused, match="school year 2025-2026"):
        base.import_files("siecle", [siecle_students(base.uai, ZOE, year=YEAR - 1)], force_uai=True)

    assert head(base) == before


@sqlite_only
def test_a_file_of_another_kind_is_refused(base: SchoolYearBase) -> None:
    before = head(base)

    with pytest.raises(FileRefused, match="is a sts file, not one for a siecle import"):
        base.import_files("siecle", [sts_file(base.uai)])

    assert head(base) == before


@sqlite_only
def test_one_refused_file_refuses_the_whole_import(base: SchoolYearBase, uai_factory: Callable[[], str]) -> None:
    before = head(base)

    with pytest.raises(FileRefused):
        base.import_files("siecle", [students_file(base.uai), guardians_file(uai_factory())])

    assert head(base) == before


@sqlite_only
@pytest.mark.parametrize("kind", ["pronote", ""])
def test_an_unknown_import_is_refused(base: SchoolYearBase, kind: str) -> None:
    with pytest.raises(FileRefused, match="unknown import"):
        base.import_files(kind, [students_file(base.uai)])


@sqlite_only
def test_an_import_without_files_is_refused(base: SchoolYearBase) -> None:
    with pytest.raises(FileRefused, match="no file"):
        base.import_files("siecle", [])


# --- atomicity -------------------------------------------------------------------------------------------------------


@sqlite_only
def test_an_import_whose_commit_fails_writes_nothing(base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import_school(base)
    before = head(base)
    save = base.save
    failures = [RuntimeError("the disk is full")]

    def failing_save(*objects: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return save(*objects, **kwargs)

    monkeypatch.setattr(base, "save", failing_save)
    changed = (students_file(base.uai, replace(ZOE, class_code="3B"), LEO), guardians_file(base.uai, *LINKS[:3]))

    with pytest.raises(RuntimeError, match="disk is full"):
        base.import_files("siecle", list(changed))

    assert head(base) == before
    retried = run_import(base, "siecle", *changed)
    assert retried.changes == Counter({"Student.MovedToClass": 1, "Student.Left": 1})


# --- properties ------------------------------------------------------------------------------------------------------

CLASSES = ("6A", "6B", "5A")
FIRST_NAMES = ("Zoé", "Léo", "Ana", "Noé", "Inès")
RELATIONSHIPS = ("MERE", "PERE", "TUTEUR", "AUTRE")


@st.composite
def school_records(draw: st.DrawFn) -> tuple[list[StudentEntry], list[LinkEntry]]:
    """A few students with distinct ELEVE_IDs and INEs, and guardians linked to some of them."""
    count = draw(st.integers(min_value=1, max_value=5))
    students = [
        student(
            f"{1000 + n}",
            draw(st.sampled_from(("Dupont", "Martin", "Élie"))),
            draw(st.sampled_from(FIRST_NAMES)),
            ine=draw(st.none() | st.just(f"{n:010d}A")),
            class_code=draw(st.sampled_from(CLASSES)),
            groups=tuple(draw(st.sets(st.sampled_from(("LATIN", "ESP", "ALL")), max_size=2))),
            sex=draw(st.sampled_from("FM")),
            birth_date=date(2013, 1, 1 + n),
        )
        for n in range(count)
    ]
    links = []
    for n in range(draw(st.integers(min_value=0, max_value=4))):
        person = guardian(
            f"{9000 + n}",
            draw(st.sampled_from(("Dupont", "Martin"))),
            draw(st.sampled_from(("Claire", "Marc"))),
            phone=draw(st.none() | st.sampled_from(("0612345678", "0698765432"))),
        )
        children = draw(st.sets(st.integers(min_value=0, max_value=count - 1), min_size=1, max_size=2))
        links += [link(person, f"{1000 + c}", draw(st.sampled_from(RELATIONSHIPS))) for c in sorted(children)]
    return students, links


# What each kind of modification may write: the event classes of that change, and nothing else.
MODIFICATIONS: dict[str, set[str]] = {
    "move": {"Student.MovedToClass", "SchoolClass.Created"},
    "rename": {"Student.DetailsCorrected"},
    "groups": {"Student.JoinedGroup", "Student.LeftGroup", "TeachingGroup.Created"},
    "drop": {"Student.Left"},
    "phone": {"Guardian.ContactDetailsChanged"},
    "relationship": {"Guardian.LinkChanged"},
}


def modify(
    what: str, index: int, students: list[StudentEntry], links: list[LinkEntry]
) -> tuple[list[StudentEntry], list[LinkEntry]]:
    students, links = list(students), list(links)
    i = index % len(students)
    if what == "move":
        students[i] = replace(students[i], class_code="4Z")
    elif what == "rename":
        students[i] = replace(students[i], first_name=f"{students[i].first_name}-Marie")
    elif what == "groups":
        students[i] = replace(students[i], groups=("THEATRE",) if students[i].groups else ("LATIN", "THEATRE"))
    elif what == "drop" and len(students) > 1:
        del students[i]
        links = [x for x in links if x.child.source_id != students_id(i)]
    elif what == "phone" and links:
        j = index % len(links)
        person = replace(links[j].guardian, phone="0700000000")
        links = [replace(x, guardian=person) if x.guardian.source_id == person.source_id else x for x in links]
    elif what == "relationship" and links:
        j = index % len(links)
        links[j] = replace(links[j], relationship="FAMILLE" if links[j].relationship != "FAMILLE" else "MERE")
    return students, links


def students_id(i: int) -> str:
    return f"{1000 + i}"


def import_records(base: SchoolYearBase, students: list[StudentEntry], links: list[LinkEntry]) -> Any:
    persons = list({x.guardian.source_id: x.guardian for x in links}.values())
    files = [siecle_students(base.uai, *students), siecle_guardians(base.uai, links, persons)]
    return run_import(base, "siecle", *files)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=school_records())
def test_any_school_imported_twice_writes_nothing_the_second_time(
    sqlite_bases: Bases, uai_factory: Callable[[], str], records: tuple[list[StudentEntry], list[LinkEntry]]
) -> None:
    base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège")
    students, links = records
    first = import_records(base, students, links)
    assert first.report.rejected == []

    second = import_records(base, students, links)

    assert second.events == []
    assert second.report.created == second.report.updated == second.report.left == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=school_records(),
    what=st.sampled_from(sorted(MODIFICATIONS)),
    index=st.integers(min_value=0, max_value=10),
)
def test_a_modified_export_writes_only_the_events_of_its_modification(
    sqlite_bases: Bases,
    uai_factory: Callable[[], str],
    records: tuple[list[StudentEntry], list[LinkEntry]],
    what: str,
    index: int,
) -> None:
    base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège")
    students, links = records
    import_records(base, students, links)

    result = import_records(base, *modify(what, index, students, links))

    assert result.report.rejected == []
    assert set(result.changes) <= MODIFICATIONS[what]
    if (what not in {"phone", "relationship"} or links) and (what != "drop" or len(students) > 1):
        assert result.changes, "a real modification writes its events"
        assert result.kinds[RECORDED] == 1
