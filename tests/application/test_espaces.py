"""The school's Espaces, licences and public page on real stores, and what they change for logins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from application.account_opening import OpenedAccount, PersonKind
from application.base import SchoolYearBase
from application.registry import Bases
from application.sessions import EspaceClosed, LicenceExhausted, LoginAttempt, OpenedSession
from domain.errors import InvalidValue, RuleViolated
from domain.espaces import ESPACE_LABELS, Espace, Mode, Rubric
from domain.permissions import Permission
from domain.school import DEFAULT_FAMILY_RUBRICS, EspaceOptions, PublicPage
from tests.conftest import NewBase


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def guardian_account(base: SchoolYearBase) -> OpenedAccount:
    guardian_id = base.execute(
        lambda unit: base.register_guardian(
            unit, last_name="Martin", first_name="Léa", email="lea.martin@famille.example.fr"
        )
    )
    return base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.GUARDIAN, person_id=guardian_id))


def direction_account(base: SchoolYearBase, last_name: str) -> OpenedAccount:
    staff_id = base.execute(
        lambda unit: base.register_staff_member(unit, last_name=last_name, first_name="Paul", function="Direction")
    )
    return base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.STAFF, person_id=staff_id))


def log_in(base: SchoolYearBase, account: OpenedAccount, mode: Mode | None = None) -> OpenedSession:
    return base.log_in(LoginAttempt(login=account.login, password=account.password, mode=mode))


def test_the_settings_list_every_espace_with_its_label_and_the_default_licences(base: SchoolYearBase) -> None:
    view = base.espaces_settings()
    assert [(item.espace, item.label) for item in view.espaces] == [(e, ESPACE_LABELS[e]) for e in Espace]
    published = {item.espace for item in view.espaces if item.settings.published}
    assert published == {Espace.MANAGEMENT, Espace.SCHOOL_LIFE, Espace.TEACHERS}
    assert base.espace_settings(Espace.PARENTS).settings.rubrics == DEFAULT_FAMILY_RUBRICS
    assert (view.admin_seats, view.teacher_seats) == (4, None)


def test_published_and_stopped_espaces_are_stored(new_base: NewBase, bases_factory: Callable[..., Bases]) -> None:
    base = new_base.base
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    base.execute(lambda unit: base.stop_espace(unit, Espace.TEACHERS))

    reopened = bases_factory().open(new_base.uai, base.year)
    assert reopened.espace_settings(Espace.PARENTS).settings.published
    assert not reopened.espace_settings(Espace.TEACHERS).settings.published


def test_a_no_op_change_is_refused_and_writes_nothing(base: SchoolYearBase) -> None:
    before = head(base)
    with pytest.raises(RuleViolated):
        base.execute(lambda unit: base.publish_espace(unit, Espace.MANAGEMENT))
    with pytest.raises(RuleViolated):
        base.execute(lambda unit: base.stop_espace(unit, Espace.PARENTS))
    with pytest.raises(RuleViolated):
        base.execute(lambda unit: base.change_licences(unit, admin_seats=4, teacher_seats=None))
    assert head(base) == before


def test_a_guardian_is_refused_while_the_parents_espace_is_stopped_and_gets_in_once_published(
    base: SchoolYearBase,
) -> None:
    account = guardian_account(base)
    with pytest.raises(EspaceClosed, match="Espace Parents is closed"):
        log_in(base, account)

    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))

    assert log_in(base, account).mode is Mode.PARENTS


def test_stopping_an_espace_leaves_open_sessions_but_refuses_new_ones(base: SchoolYearBase) -> None:
    account = guardian_account(base)
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    token = log_in(base, account).token

    base.execute(lambda unit: base.stop_espace(unit, Espace.PARENTS))

    assert base.authenticate(token).mode is Mode.PARENTS
    with pytest.raises(EspaceClosed):
        log_in(base, account)


def test_a_family_session_holds_the_rights_of_the_rubrics_published_now(base: SchoolYearBase) -> None:
    account = guardian_account(base)
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    token = log_in(base, account).token
    assert base.authenticate(token).can(Permission.STUDENTS_READ)

    base.execute(lambda unit: base.choose_rubrics(unit, Espace.PARENTS, frozenset({Rubric.GRADES})))

    principal = base.authenticate(token)
    assert principal.permissions == {Permission.SESSION, Permission.GRADES_READ}


def test_online_justification_gives_parents_the_right_to_justify(base: SchoolYearBase) -> None:
    account = guardian_account(base)
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    token = log_in(base, account).token
    assert not base.authenticate(token).can(Permission.ABSENCES_JUSTIFY)

    base.execute(
        lambda unit: base.set_espace_options(
            unit,
            Espace.PARENTS,
            EspaceOptions(
                password_recovery=True,
                online_justification=True,
                bulletin_publication_date=date(2027, 1, 15),
                inactivity_minutes=30,
            ),
        )
    )

    assert base.authenticate(token).can(Permission.ABSENCES_JUSTIFY)
    settings = base.espace_settings(Espace.PARENTS).settings.options
    assert (settings.password_recovery, settings.bulletin_publication_date) == (True, date(2027, 1, 15))


def test_rubrics_of_a_staff_espace_are_refused_naming_the_espace(base: SchoolYearBase) -> None:
    with pytest.raises(InvalidValue) as raised:
        base.execute(lambda unit: base.choose_rubrics(unit, Espace.TEACHERS, frozenset({Rubric.GRADES})))
    assert raised.value.field == "espace"


def test_admin_mode_logins_beyond_the_licence_are_refused(base: SchoolYearBase) -> None:
    first, second = direction_account(base, "Durand"), direction_account(base, "Bernard")
    base.execute(lambda unit: base.change_licences(unit, admin_seats=1, teacher_seats=30))

    log_in(base, first, Mode.ADMIN)
    with pytest.raises(LicenceExhausted) as raised:
        log_in(base, second, Mode.ADMIN)
    assert [seat.login for seat in raised.value.seats] == [first.login]
    assert log_in(base, second, Mode.SCHOOL_LIFE).mode is Mode.SCHOOL_LIFE  # school-life mode holds no licence


def test_the_public_page_holds_the_school_its_page_and_its_open_espaces(base: SchoolYearBase) -> None:
    base.execute(
        lambda unit: base.change_public_page(
            unit,
            PublicPage(
                address="12 rue de la Paix, 75002 Paris",
                phone="01 23 45 67 89",
                email="ce@college.example.fr",
                website="https://college.example.fr",
                information=None,
            ),
        )
    )
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    base.execute(lambda unit: base.stop_espace(unit, Espace.SCHOOL_LIFE))

    page = base.public_page()

    assert (page.uai, page.name) == (base.uai, "Collège Jean Moulin")
    assert (page.address, page.phone, page.website, page.information) == (
        "12 rue de la Paix, 75002 Paris",
        "01 23 45 67 89",
        "https://college.example.fr",
        None,
    )
    assert page.espaces == [
        (Espace.MANAGEMENT, "Espace Direction"),
        (Espace.TEACHERS, "Espace Professeurs"),
        (Espace.PARENTS, "Espace Parents"),
    ]
