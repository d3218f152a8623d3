from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.espaces import FAMILY_ESPACES, Espace, Rubric
from domain.permissions import Permission
from domain.school import DEFAULT_ADMIN_SEATS, DEFAULT_FAMILY_RUBRICS, EspaceOptions, PublicPage, School
from tests.domain.support import replay


def test_registering_a_school_records_its_uai_name_and_year() -> None:
    school = School.register(uai="0750655e", name="  Lycée  Charlemagne ", year=2026)
    assert (school.uai, school.name, school.year) == ("0750655E", "Lycée Charlemagne", 2026)
    [registered] = school.collect_events()
    assert isinstance(registered, School.Registered)


def test_school_id_is_derived_from_its_uai() -> None:
    school = School.register(uai="0750655E", name="Charlemagne", year=2026)
    assert school.id == School.create_id("0750655E")
    assert School.create_id("0750655E") != School.create_id("0750656F")


def test_school_with_a_bad_uai_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655F", name="Charlemagne", year=2026)
    assert raised.value.field == "uai"


def test_school_for_a_year_outside_2000_to_2100_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655E", name="Charlemagne", year=1999)
    assert raised.value.field == "year"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_school_name_must_be_one_to_200_characters(name: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655E", name=name, year=2026)
    assert raised.value.field == "name"


# -- Espaces, licences and the public page ------------------------------------------------------------


def new_school() -> School:
    school = School.register(uai="0750655E", name="Collège Jean Moulin", year=2026)
    school.collect_events()
    return school


def test_a_new_school_opens_its_staff_espaces_and_keeps_family_ones_stopped() -> None:
    school = new_school()
    assert {e for e, s in school.espaces.items() if s.published} == {
        Espace.MANAGEMENT,
        Espace.SCHOOL_LIFE,
        Espace.TEACHERS,
    }
    assert all(school.espaces[e].rubrics == DEFAULT_FAMILY_RUBRICS for e in FAMILY_ESPACES)
    assert all(s.options == EspaceOptions(False, False, None, 20) for s in school.espaces.values())
    assert (school.admin_seats, school.teacher_seats) == (DEFAULT_ADMIN_SEATS, None)
    assert school.public_page == PublicPage()


def test_publishing_a_stopped_espace_records_it() -> None:
    school = new_school()
    school.publish(Espace.PARENTS)
    assert school.espaces[Espace.PARENTS].published
    [published] = school.collect_events()
    assert isinstance(published, School.EspacePublished)
    assert published.espace == "parents"


def test_publishing_a_published_espace_is_refused() -> None:
    school = new_school()
    school.publish(Espace.PARENTS)
    with pytest.raises(RuleViolated, match="parents Espace is already published"):
        school.publish(Espace.PARENTS)
    assert len(school.pending_events) == 1


def test_stopping_an_espace_records_it_and_stopping_it_twice_is_refused() -> None:
    school = new_school()
    school.stop(Espace.TEACHERS)
    assert not school.espaces[Espace.TEACHERS].published
    [stopped] = school.collect_events()
    assert isinstance(stopped, School.EspaceStopped)
    with pytest.raises(RuleViolated, match="already stopped"):
        school.stop(Espace.TEACHERS)


def test_choosing_rubrics_of_a_family_espace_records_them_sorted() -> None:
    school = new_school()
    school.choose_rubrics(Espace.STUDENTS, frozenset({Rubric.TIMETABLE, Rubric.GRADES}))
    assert school.espaces[Espace.STUDENTS].rubrics == {Rubric.TIMETABLE, Rubric.GRADES}
    [changed] = school.collect_events()
    assert isinstance(changed, School.EspaceRubricsChanged)
    assert changed.rubrics == ["grades", "timetable"]


@pytest.mark.parametrize("espace", [Espace.MANAGEMENT, Espace.SCHOOL_LIFE, Espace.TEACHERS])
def test_staff_espaces_have_no_rubrics(espace: Espace) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().choose_rubrics(espace, frozenset({Rubric.GRADES}))
    assert raised.value.field == "espace"


def test_choosing_the_same_rubrics_is_refused() -> None:
    with pytest.raises(RuleViolated, match="unchanged"):
        new_school().choose_rubrics(Espace.PARENTS, DEFAULT_FAMILY_RUBRICS)


def options(**changes: Any) -> EspaceOptions:
    chosen = {
        "password_recovery": False,
        "online_justification": False,
        "bulletin_publication_date": None,
        "inactivity_minutes": 20,
        **changes,
    }
    return EspaceOptions(**chosen)


def test_setting_options_records_them() -> None:
    school = new_school()
    school.set_options(
        Espace.PARENTS, options(password_recovery=True, online_justification=True, inactivity_minutes=45)
    )
    school.set_options(Espace.STUDENTS, options(bulletin_publication_date=date(2027, 1, 15)))
    parents, students = school.espaces[Espace.PARENTS].options, school.espaces[Espace.STUDENTS].options
    assert (parents.password_recovery, parents.online_justification, parents.inactivity_minutes) == (True, True, 45)
    assert students.bulletin_publication_date == date(2027, 1, 15)
    assert [type(e) for e in school.collect_events()] == [School.EspaceOptionsChanged] * 2


@pytest.mark.parametrize("espace", [e for e in Espace if e is not Espace.PARENTS])
def test_only_the_parents_espace_justifies_absences_online(espace: Espace) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().set_options(espace, options(online_justification=True))
    assert raised.value.field == "online_justification"


def test_setting_the_same_options_is_refused() -> None:
    with pytest.raises(RuleViolated, match="options of the teachers Espace are unchanged"):
        new_school().set_options(Espace.TEACHERS, options())


@pytest.mark.parametrize("minutes", [-1, 100_000])
def test_an_inactivity_delay_out_of_range_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().set_options(Espace.PARENTS, options(inactivity_minutes=minutes))
    assert raised.value.field == "inactivity_minutes"


def test_a_family_espace_grants_its_rubrics_and_online_justification_only_with_the_absences() -> None:
    school = new_school()
    school.choose_rubrics(Espace.PARENTS, frozenset({Rubric.GRADES, Rubric.COMMUNICATION}))
    school.set_options(Espace.PARENTS, options(online_justification=True))
    without_absences = school.espaces[Espace.PARENTS].rubric_permissions()
    school.choose_rubrics(Espace.PARENTS, frozenset({Rubric.ABSENCES}))
    with_absences = school.espaces[Espace.PARENTS].rubric_permissions()

    assert without_absences == {
        Permission.SESSION,
        Permission.GRADES_READ,
        Permission.COMMUNICATION_READ,
        Permission.COMMUNICATION_SEND,
    }
    assert with_absences == {Permission.SESSION, Permission.ABSENCES_READ, Permission.ABSENCES_JUSTIFY}
    assert school.espaces[Espace.STUDENTS].rubric_permissions() == {
        Permission.SESSION,
        Permission.STUDENTS_READ,
        Permission.CLASSES_READ,
        Permission.STUDENT_ACCESS_HISTORY,
        Permission.TIMETABLES_READ,
        Permission.ABSENCES_READ,
    }


@pytest.mark.parametrize("teacher_seats", [30, 50, 80, None])
def test_the_teacher_licence_is_30_50_80_or_unlimited(teacher_seats: int | None) -> None:
    school = new_school()
    school.change_licences(admin_seats=6, teacher_seats=teacher_seats)
    assert (school.admin_seats, school.teacher_seats) == (6, teacher_seats)
    [changed] = school.collect_events()
    assert isinstance(changed, School.LicencesChanged)


@pytest.mark.parametrize("teacher_seats", [0, 31, 40, 100])
def test_another_teacher_licence_is_refused(teacher_seats: int) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().change_licences(admin_seats=4, teacher_seats=teacher_seats)
    assert raised.value.field == "teacher_seats"


@pytest.mark.parametrize("admin_seats", [0, -1, 101])
def test_admin_seats_are_1_to_100(admin_seats: int) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().change_licences(admin_seats=admin_seats, teacher_seats=None)
    assert raised.value.field == "admin_seats"


def test_the_same_licences_are_refused() -> None:
    with pytest.raises(RuleViolated, match="licences are unchanged"):
        new_school().change_licences(admin_seats=DEFAULT_ADMIN_SEATS, teacher_seats=None)


PAGE = {
    "address": " 12  rue de la Paix, 75002 Paris ",
    "phone": "01 23 45 67 89",
    "email": "ce.0750655e@ac-paris.fr",
    "website": "https://college-jean-moulin.example.fr",
    "information": "Portes ouvertes le samedi 14 mars.",
}


def test_changing_the_public_page_records_it_normalised() -> None:
    school = new_school()
    school.change_public_page(PublicPage(**PAGE))
    assert school.public_page == PublicPage(**{**PAGE, "address": "12 rue de la Paix, 75002 Paris"})
    [changed] = school.collect_events()
    assert isinstance(changed, School.PublicPageChanged)


def test_blank_fields_of_the_public_page_are_cleared() -> None:
    school = new_school()
    school.change_public_page(PublicPage(**PAGE))
    school.change_public_page(PublicPage(**{**PAGE, "phone": "  ", "information": ""}))
    assert (school.public_page.phone, school.public_page.information) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "secretariat"),
        ("phone", "appelez-nous"),
        ("website", "college.example.fr"),
        ("website", "javascript:alert(1)"),
        ("website", "https://a b.fr"),
        ("address", "x" * 301),
        ("information", "x" * 4001),
    ],
)
def test_a_malformed_public_page_field_is_refused_naming_it(field: str, value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        new_school().change_public_page(PublicPage(**{**PAGE, field: value}))
    assert raised.value.field == field


def test_an_unchanged_public_page_is_refused() -> None:
    school = new_school()
    school.change_public_page(PublicPage(**PAGE))
    with pytest.raises(RuleViolated, match="public page is unchanged"):
        school.change_public_page(PublicPage(**PAGE))


class SchoolMachine(RuleBasedStateMachine):
    """Any sequence of the school's settings: the state is what its events replay to; refusals change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.school = School.register(uai="0750655E", name="Collège Jean Moulin", year=2026)
        self.events: list[CanMutateAggregate[UUID]] = list(self.school.collect_events())

    def attempt(self, change: Callable[[], None]) -> DomainError | None:
        before = copy.deepcopy(vars(self.school))
        try:
            change()
        except DomainError as error:
            assert not self.school.pending_events
            assert vars(self.school) == before
            return error
        self.events += self.school.collect_events()
        return None

    @rule(espace=st.sampled_from(list(Espace)))
    def publish(self, espace: Espace) -> None:
        was = self.school.espaces[espace].published
        error = self.attempt(lambda: self.school.publish(espace))
        assert isinstance(error, RuleViolated) if was else error is None
        assert self.school.espaces[espace].published

    @rule(espace=st.sampled_from(list(Espace)))
    def stop(self, espace: Espace) -> None:
        was = self.school.espaces[espace].published
        error = self.attempt(lambda: self.school.stop(espace))
        assert error is None if was else isinstance(error, RuleViolated)
        assert not self.school.espaces[espace].published

    @rule(espace=st.sampled_from(list(Espace)), rubrics=st.frozensets(st.sampled_from(list(Rubric)), max_size=3))
    def choose_rubrics(self, espace: Espace, rubrics: frozenset[Rubric]) -> None:
        was = self.school.espaces[espace].rubrics
        error = self.attempt(lambda: self.school.choose_rubrics(espace, rubrics))
        if espace not in FAMILY_ESPACES:
            assert isinstance(error, InvalidValue)
        elif rubrics == was:
            assert isinstance(error, RuleViolated)
        else:
            assert error is None
            assert self.school.espaces[espace].rubrics == rubrics

    @rule(espace=st.sampled_from(list(Espace)), recovery=st.booleans(), justification=st.booleans())
    def set_options(self, espace: Espace, recovery: bool, justification: bool) -> None:
        error = self.attempt(
            lambda: self.school.set_options(
                espace,
                EspaceOptions(
                    password_recovery=recovery,
                    online_justification=justification,
                    bulletin_publication_date=None,
                    inactivity_minutes=20,
                ),
            )
        )
        if justification and espace is not Espace.PARENTS:
            assert isinstance(error, InvalidValue)
        elif error is None:
            assert self.school.espaces[espace].options.password_recovery is recovery
        else:
            assert isinstance(error, RuleViolated)

    @rule(admin_seats=st.integers(0, 6), teacher_seats=st.sampled_from([30, 50, 80, None, 40]))
    def change_licences(self, admin_seats: int, teacher_seats: int | None) -> None:
        error = self.attempt(lambda: self.school.change_licences(admin_seats=admin_seats, teacher_seats=teacher_seats))
        if error is None:
            assert (self.school.admin_seats, self.school.teacher_seats) == (admin_seats, teacher_seats)

    @invariant()
    def replaying_the_events_gives_the_same_school(self) -> None:
        assert replay(self.events) == self.school


SchoolMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestSchoolMachine = SchoolMachine.TestCase
