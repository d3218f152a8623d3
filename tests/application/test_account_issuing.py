"""Issuing a population's accounts: who gets one, who gets a new password, letters and real e-mails.

The e-mails go to a real SMTP server (``tests/smtp.py``: aiosmtpd on a loopback port), which refuses every address at
``refused.example``; the letters are real PDFs, read back with pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from uuid import UUID, uuid4

import pypdf
import pytest
from structlog.testing import capture_logs

from adapters.letters import Fpdf2LetterPrinter
from adapters.mail import SmtpMailer
from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.bootstrap import build_bases
from application.account_issuing import IssuedAccount, IssueReport, IssueStatus
from application.account_opening import PersonKind
from application.base import SchoolYearBase
from application.directory import ChildLink
from application.errors import Forbidden, NotFound
from application.permissions import Principal
from application.ports import Clock, ConnectionLetter, SchoolLetterhead
from application.registry import Bases
from application.sessions import LoginAttempt
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import InvalidValue, RuleViolated
from domain.espaces import Role
from domain.session import Session
from domain.student import Student
from tests.smtp import Collector, SmtpServer

PUBLIC_URL = "https://cartable.college-jaures.example.fr"
SCHOOL_NAME = "Collège Jean-Jaurès"
CHOSEN = "Cahier-de-textes-2026"


@dataclass
class RecordingPrinter:
    """The real fpdf2 printer, keeping what it was asked to print."""

    real: Fpdf2LetterPrinter = field(default_factory=Fpdf2LetterPrinter)
    calls: list[tuple[SchoolLetterhead, str, list[ConnectionLetter]]] = field(default_factory=list)

    def render(self, school: SchoolLetterhead, population: str, letters: list[ConnectionLetter]) -> bytes:
        self.calls.append((school, population, letters))
        return self.real.render(school, population, letters)


@dataclass
class School:
    """A small school: two classes, families (one left, one without e-mail, one refused by the mail server)."""

    base: SchoolYearBase
    spr: Principal
    smtp: Collector
    printer: RecordingPrinter
    ids: dict[str, UUID]

    def issue(
        self,
        population: str,
        *,
        class_code: str | None = None,
        person_ids: set[UUID] | None = None,
        delivery: str = "json",
    ) -> IssueReport:
        return self.base.issue_accounts(
            self.spr, population, class_code=class_code, person_ids=person_ids, delivery=delivery
        )

    def head(self) -> int:
        return self.base.recorder.max_notification_id() or 0

    def account(self, login: str) -> Account:
        account: Account = self.base.repository.get(Account.create_id(login))
        return account

    def mails(self) -> dict[str, EmailMessage]:
        """The mails the SMTP server received, by recipient."""
        return {message["To"]: message for message in self.smtp.messages()}


def populate(base: SchoolYearBase) -> dict[str, UUID]:
    def fill(unit: UnitOfWork) -> dict[str, UUID]:
        base.open_class(unit, code="3A", label="Troisième A", level="3E")
        base.open_class(unit, code="4B", label="Quatrième B", level="4E")

        def enrol(last: str, first: str, class_code: str) -> UUID:
            return base.enrol_student(
                unit, last_name=last, first_name=first, birth_date=date(2012, 3, 4), sex="F", class_code=class_code
            )

        ids = {
            "lea": enrol("Martin", "Léa", "3A"),
            "zoe": enrol("Dupont", "Zoé", "3A"),
            "tom": enrol("Bernard", "Tom", "3A"),
            "hugo": enrol("Martin", "Hugo", "4B"),
        }
        ids["claire"] = base.register_guardian(
            unit,
            last_name="Martin",
            first_name="Claire",
            email="claire.martin@example.fr",
            children=[ChildLink(ids["lea"], "MERE"), ChildLink(ids["hugo"], "MERE")],
        )
        ids["paul"] = base.register_guardian(
            unit, last_name="Dupont", first_name="Paul", children=[ChildLink(ids["zoe"], "PERE")]
        )
        ids["marc"] = base.register_guardian(
            unit,
            last_name="Dupont",
            first_name="Marc",
            email="marc.dupont@refused.example",
            children=[ChildLink(ids["zoe"], "TUTEUR")],
        )
        ids["sophie"] = base.register_guardian(
            unit,
            last_name="Bernard",
            first_name="Sophie",
            email="sophie.bernard@example.fr",
            children=[ChildLink(ids["tom"], "MERE")],
        )
        ids["leoti"] = base.register_teacher(
            unit, last_name="Léoti", first_name="Sébastien", email="s.leoti@example.fr", disciplines=["Mathématiques"]
        )
        ids["roux"] = base.register_staff_member(
            unit, last_name="Roux", first_name="Anne", function="Direction", email="a.roux@example.fr"
        )
        ids["petit"] = base.register_staff_member(unit, last_name="Petit", first_name="Marc", function="CPE")
        ids["benali"] = base.register_staff_member(unit, last_name="Benali", first_name="Nadia", function="AESH")
        return ids

    ids = base.execute(fill)
    base.execute(
        lambda unit: unit.get(Student, ids["tom"], "student").leave(on=date(2026, 11, 2), reason="Déménagement")
    )
    return ids


def log_in(base: SchoolYearBase, login: str, password: str) -> Principal:
    return base.authenticate(base.log_in(LoginAttempt(login=login, password=password)).token)


@pytest.fixture
def registry(
    settings: Settings, fast_hasher: Argon2Hasher, clock: Clock, smtp_server: SmtpServer
) -> Iterator[tuple[Bases, RecordingPrinter]]:
    printer = RecordingPrinter()
    mailer = SmtpMailer("127.0.0.1", smtp_server.port, f"{SCHOOL_NAME} <vie-scolaire@example.fr>", timeout=5.0)
    bases = build_bases(
        settings.model_copy(update={"public_url": PUBLIC_URL}),
        hasher=fast_hasher,
        clock=clock,
        mailer=mailer,
        printer=printer,
    )
    yield bases, printer
    bases.close()


@pytest.fixture
def school(registry: tuple[Bases, RecordingPrinter], uai_factory: Callable[[], str], smtp_server: SmtpServer) -> School:
    bases, printer = registry
    base, credentials = bases.create(uai_factory(), 2026, SCHOOL_NAME)
    return School(
        base=base,
        spr=log_in(base, credentials.login, credentials.password),
        smtp=smtp_server.collector,
        printer=printer,
        ids=populate(base),
    )


def by_login(report: IssueReport) -> dict[str | None, IssuedAccount]:
    return {item.login: item for item in report.items}


def statuses(report: IssueReport) -> dict[str, str]:
    return {item.full_name: item.status.value for item in report.items}


# -- who gets an account ----------------------------------------------------------------------------


def test_the_students_of_a_class_get_accounts_and_no_one_else(school: School, fast_hasher: Argon2Hasher) -> None:
    report = school.issue("students", class_code="3A")

    assert [(i.full_name, i.detail, i.login, i.status) for i in report.items] == [
        ("Zoé DUPONT", "Élève de 3A", "ZDUPONT", IssueStatus.CREATED),
        ("Léa MARTIN", "Élève de 3A", "LMARTIN", IssueStatus.CREATED),
    ]
    for item in report.items:
        assert item.login is not None and item.password is not None
        account = school.account(item.login)
        assert (account.role, account.person_id, account.must_change_password) == (Role.STUDENT, item.person_id, True)
        assert fast_hasher.verify(account.password_hash, item.password)
    with school.base.reading() as connection:
        logins = school.base.directory.logins_of(connection)
    assert set(logins) == {school.ids["zoe"], school.ids["lea"]}  # not Tom (left), not Hugo (4B)


def test_all_students_come_by_class_then_name(school: School) -> None:
    report = school.issue("students")

    assert [(i.full_name, i.detail) for i in report.items] == [
        ("Zoé DUPONT", "Élève de 3A"),
        ("Léa MARTIN", "Élève de 3A"),
        ("Hugo MARTIN", "Élève de 4B"),
    ]
    assert report.counts == {"created": 3, "reissued": 0, "active": 0, "no-email": 0, "mailed": 0, "mail-failed": 0}


def test_the_guardians_of_a_class_are_the_families_of_its_students_still_here(school: School) -> None:
    report = school.issue("guardians", class_code="3A")

    assert [(i.full_name, i.detail, i.login) for i in report.items] == [
        ("Marc DUPONT", "Responsable de Zoé DUPONT (3A)", "MDUPONT"),
        ("Paul DUPONT", "Responsable de Zoé DUPONT (3A)", "PDUPONT"),
        ("Claire MARTIN", "Responsable de Hugo MARTIN (4B), Léa MARTIN (3A)", "CMARTIN"),
    ]  # not Sophie Bernard: her only child left the school
    assert school.account("CMARTIN").email == "claire.martin@example.fr"
    assert school.account("CMARTIN").role is Role.GUARDIAN


def test_staff_and_support_assistants_are_told_apart_by_function(school: School) -> None:
    staff = school.issue("staff")
    aesh = school.issue("support-assistants")
    teachers = school.issue("teachers")

    assert [(i.full_name, i.detail, i.login) for i in staff.items] == [
        ("Marc PETIT", "CPE", "MPETIT"),
        ("Anne ROUX", "Direction", "AROUX"),
    ]
    assert [(i.full_name, i.detail, i.login) for i in aesh.items] == [("Nadia BENALI", "AESH", "NBENALI")]
    assert [(i.full_name, i.detail) for i in teachers.items] == [("Sébastien LÉOTI", "Professeur — Mathématiques")]
    assert school.account("NBENALI").role is Role.SUPPORT_ASSISTANT
    assert school.account("AROUX").role is Role.STAFF


def test_person_ids_narrow_the_population_and_must_belong_to_it(school: School) -> None:
    report = school.issue("students", person_ids={school.ids["hugo"]})
    assert [i.login for i in report.items] == ["HMARTIN"]

    head = school.head()
    with pytest.raises(NotFound, match="not among the students") as refused:
        school.issue("students", person_ids={school.ids["claire"], uuid4()})
    assert refused.value.field == "person_ids"
    assert school.head() == head


# -- issuing again ------------------------------------------------------------------------------------


def test_issuing_again_gives_never_used_accounts_a_new_password_and_the_old_one_stops_working(
    school: School, fast_hasher: Argon2Hasher
) -> None:
    first = by_login(school.issue("teachers"))["SLEOTI"]

    again = by_login(school.issue("teachers"))["SLEOTI"]

    assert again.status is IssueStatus.REISSUED
    assert again.password is not None and again.password != first.password
    account = school.account("SLEOTI")
    assert fast_hasher.verify(account.password_hash, again.password)
    assert first.password is not None and not fast_hasher.verify(account.password_hash, first.password)
    assert account.must_change_password
    with school.base.reading() as connection:  # still one account for the person
        assert school.base.directory.logins_of(connection, {school.ids["leoti"]}) == {school.ids["leoti"]: "SLEOTI"}


def test_people_who_chose_their_password_are_active_and_left_alone(school: School) -> None:
    first = by_login(school.issue("teachers"))["SLEOTI"]
    assert first.password is not None
    teacher = log_in(school.base, "SLEOTI", first.password)
    school.base.change_password(teacher, current=first.password, new=CHOSEN)
    version = school.account("SLEOTI").version

    again = by_login(school.issue("teachers", delivery="letters"))["SLEOTI"]

    assert (again.status, again.password) == (IssueStatus.ACTIVE, None)
    assert school.account("SLEOTI").version == version
    log_in(school.base, "SLEOTI", CHOSEN)
    (_, _, letters) = school.printer.calls[-1]
    assert letters == []  # nothing to print for an active account


# -- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "options", "field_name", "message"),
    [
        ("parents", {}, "population", "population 'parents' is not one of 'students'"),
        ("students", {"delivery": "sms"}, "delivery", "delivery 'sms' is not one of 'json', 'letters', 'email'"),
        ("teachers", {"class_code": "3A"}, "class_code", "narrows students and guardians only"),
        ("students", {"class_code": "6Z"}, "class_code", "class_code '6Z' is not a class of this school"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    school: School, population: str, options: dict[str, str], field_name: str, message: str
) -> None:
    head = school.head()

    with pytest.raises(InvalidValue, match=message) as refused:
        school.issue(population, class_code=options.get("class_code"), delivery=options.get("delivery", "json"))

    assert refused.value.field == field_name
    assert school.head() == head


def test_without_a_mail_server_e_mail_delivery_is_refused_before_anything_is_issued(
    settings: Settings, fast_hasher: Argon2Hasher, clock: Clock, uai_factory: Callable[[], str]
) -> None:
    bases = Bases(build_bases(settings, hasher=fast_hasher, clock=clock).storage, fast_hasher, clock)
    try:
        base, _ = bases.create(uai_factory(), 2026, SCHOOL_NAME)
        populate(base)
        head = base.recorder.max_notification_id()
        for delivery in ("email", "letters"):
            with pytest.raises(RuleViolated, match=r"no mail server|no letter printer") as refused:
                base.issue_accounts(None, "guardians", delivery=delivery)
            assert refused.value.field == "delivery"
        assert base.recorder.max_notification_id() == head
    finally:
        bases.close()


# -- letters -------------------------------------------------------------------------------------------


def test_letters_hold_each_new_login_and_password_with_the_connection_url(school: School) -> None:
    report = school.issue("guardians", class_code="3A", delivery="letters")

    assert report.letters is not None
    ((letterhead, title, letters),) = school.printer.calls
    assert letterhead == SchoolLetterhead(name=SCHOOL_NAME, uai=school.base.uai, address=None)
    assert title == "Responsables (3A)"
    uai = school.base.uai
    assert [(letter.full_name, letter.login, letter.connection_url) for letter in letters] == [
        ("Marc DUPONT", "MDUPONT", f"{PUBLIC_URL}/?uai={uai}&login=MDUPONT"),
        ("Paul DUPONT", "PDUPONT", f"{PUBLIC_URL}/?uai={uai}&login=PDUPONT"),
        ("Claire MARTIN", "CMARTIN", f"{PUBLIC_URL}/?uai={uai}&login=CMARTIN"),
    ]
    assert [letter.password for letter in letters] == [item.password for item in report.items]
    assert letters[2].detail == "Responsable de Hugo MARTIN (4B), Léa MARTIN (3A)"

    reader = pypdf.PdfReader(io.BytesIO(report.letters))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Responsables (3A)" in text
    for letter in letters:
        assert letter.login in text
        assert letter.password in text
        assert letter.connection_url in text.replace("\n", "")


def test_the_connection_url_is_url_encoded(school: School) -> None:
    school.base.public_url = "https://ent.example.fr/cartable"

    assert school.base.connection_url("J.D-2") == f"https://ent.example.fr/cartable/?uai={school.base.uai}&login=J.D-2"
    assert school.base.connection_url("A&B=C") == (
        f"https://ent.example.fr/cartable/?uai={school.base.uai}&login=A%26B%3DC"
    )


# -- e-mails, through a real SMTP server -----------------------------------------------------------------


def test_each_guardian_with_an_address_is_mailed_their_login_and_password(
    school: School, fast_hasher: Argon2Hasher
) -> None:
    report = school.issue("guardians", class_code="3A", delivery="email")

    assert statuses(report) == {
        "Marc DUPONT": "mail-failed",  # the server refuses refused.example
        "Paul DUPONT": "no-email",
        "Claire MARTIN": "mailed",
    }
    assert all(item.password is None for item in report.items)  # mailed, never shown
    mails = school.mails()
    assert list(mails) == ["claire.martin@example.fr"]
    mail = mails["claire.martin@example.fr"]
    assert mail["Subject"] == f"Vos identifiants {SCHOOL_NAME}"
    body = mail.get_content()
    assert "Bonjour Claire Martin" in body
    assert "Identifiant : CMARTIN" in body
    password = body.split("Mot de passe provisoire : ")[1].split()[0]
    assert fast_hasher.verify(school.account("CMARTIN").password_hash, password)
    assert f"{PUBLIC_URL}/?uai={school.base.uai}&login=CMARTIN" in body


def test_a_failed_mail_keeps_its_account_and_no_password_is_issued_to_someone_without_an_address(
    school: School,
) -> None:
    report = by_login(school.issue("guardians", class_code="3A", delivery="email"))

    assert report["MDUPONT"].status is IssueStatus.MAIL_FAILED
    assert school.account("MDUPONT").must_change_password  # kept: letters or another mail can follow
    paul = report[None]
    assert (paul.full_name, paul.status) == ("Paul DUPONT", IssueStatus.NO_EMAIL)
    with school.base.reading() as connection:
        assert school.ids["paul"] not in school.base.directory.logins_of(connection)


def test_by_e_mail_a_never_used_account_is_mailed_at_the_directorys_current_address(school: School) -> None:
    school.issue("guardians", class_code="3A")  # handed out on paper, never used
    school.base.execute(
        lambda unit: school.base.change_guardian_contact(
            unit, guardian_id=school.ids["marc"], email="marc.dupont@example.fr", phone=None, address=None
        )
    )

    report = by_login(school.issue("guardians", class_code="3A", delivery="email"))

    assert report["MDUPONT"].status is IssueStatus.MAILED
    assert report["PDUPONT"].status is IssueStatus.NO_EMAIL
    assert school.account("MDUPONT").email == "marc.dupont@example.fr"
    assert sorted(school.mails()) == ["claire.martin@example.fr", "marc.dupont@example.fr"]


def test_passwords_never_reach_the_logs(school: School) -> None:
    with capture_logs() as logs:
        shown = school.issue("guardians", delivery="letters")
        school.issue("guardians", delivery="email")

    passwords = [item.password for item in shown.items if item.password]
    assert passwords
    assert logs
    assert not [line for line in logs for password in passwords if password in repr(line)]


# -- journal, list, one-time passwords -----------------------------------------------------------------


def journal(school: School, after: int) -> list[Session.ListConsulted]:
    notifications = school.base.recorder.select_notifications(start=after + 1, limit=10_000)
    events = [school.base.mapper.to_domain_event(n) for n in notifications]
    return [e for e in events if isinstance(e, Session.ListConsulted)]


def test_issuing_is_journaled_as_a_list_read_by_the_session(school: School) -> None:
    head = school.head()

    school.issue("students", class_code="3A", delivery="letters")

    (line,) = journal(school, head)
    assert (line.originator_id, line.resource, line.count) == (school.spr.session_id, "accounts-issued", 2)
    assert line.filters == {"population": "students", "delivery": "letters", "class_code": "3A"}


def test_the_list_of_accounts_says_whose_password_is_still_provisional(school: School) -> None:
    teacher = by_login(school.issue("teachers"))["SLEOTI"]
    school.issue("support-assistants")
    school.issue("staff")
    assert teacher.password is not None
    school.base.change_password(log_in(school.base, "SLEOTI", teacher.password), current=teacher.password, new=CHOSEN)
    head = school.head()

    everyone = school.base.list_accounts(school.spr)
    aesh = school.base.list_accounts(school.spr, "support-assistants")
    staff = school.base.list_accounts(school.spr, "staff")

    assert [(i.login, i.role, i.person_kind, i.detail, i.must_change_password) for i in everyone] == [
        ("SLEOTI", Role.TEACHER, PersonKind.TEACHER, None, False),
        ("NBENALI", Role.SUPPORT_ASSISTANT, PersonKind.STAFF, "AESH", True),
        ("MPETIT", Role.STAFF, PersonKind.STAFF, "CPE", True),
        ("AROUX", Role.STAFF, PersonKind.STAFF, "Direction", True),
    ]
    assert [i.login for i in aesh] == ["NBENALI"]
    assert [i.login for i in staff] == ["MPETIT", "AROUX"]
    assert [(line.resource, line.filters, line.count) for line in journal(school, head)] == [
        ("accounts", {}, 4),
        ("accounts", {"population": "support-assistants"}, 1),
        ("accounts", {"population": "staff"}, 2),
    ]
    with pytest.raises(InvalidValue) as refused:
        school.base.list_accounts(school.spr, "everyone")
    assert refused.value.field == "population"


def test_a_one_time_password_replaces_the_old_one(school: School, fast_hasher: Argon2Hasher) -> None:
    first = by_login(school.issue("teachers"))["SLEOTI"]

    credentials = school.base.reset_account_password(school.spr, "sleoti")

    assert credentials.login == "SLEOTI"
    account = school.account("SLEOTI")
    assert fast_hasher.verify(account.password_hash, credentials.password)
    assert first.password is not None and not fast_hasher.verify(account.password_hash, first.password)
    with pytest.raises(NotFound) as unknown:
        school.base.reset_account_password(school.spr, "NOBODY")
    assert unknown.value.field == "login"


def test_only_the_super_administrator_resets_the_super_administrators_password(school: School) -> None:
    direction = by_login(school.issue("staff"))["AROUX"]
    assert direction.password is not None
    caller = log_in(school.base, "AROUX", direction.password)
    head = school.head()

    with pytest.raises(Forbidden, match="super-administrator"):
        school.base.reset_account_password(caller, "SPR")

    assert school.head() == head
