"""Accounts for a whole population at once, and how their provisional passwords reach people.

``issue_accounts`` opens the accounts that are missing, gives a new provisional password to every
account that was never used (its password is still the provisional one: the letter was lost, the
mail not read), and leaves alone the people who already chose their password. The passwords go out
as connection letters (a PDF of labels), as e-mails sent after the commit, or in the report itself.

Passwords are shown once and never logged; only their hashes reach the store.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import structlog
from eventsourcing.persistence import IntegrityError

from application.account_opening import PERSON_CLASSES, AccountOpening, PersonKind, role_of
from application.accounts import Credentials, find_account
from application.directory_queries import DirectoryQueries
from application.errors import ConcurrencyConflict, Forbidden, NotFound
from application.mail import send_templated
from application.passwords import generate_password
from application.permissions import Principal
from application.populations import (
    POPULATION_KINDS,
    POPULATION_LABELS,
    Member,
    Population,
    class_filter,
    members_of,
    only,
    row_in,
)
from application.ports import ConnectionLetter, SchoolLetterhead
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import RuleViolated
from domain.espaces import Role
from domain.mail_templates import TemplateKind
from domain.session import CloseReason
from domain.values import parse_choice

log = structlog.get_logger(__name__)


class Delivery(StrEnum):
    """How the provisional passwords reach people."""

    JSON = "json"  # in the report, for the caller to hand out
    LETTERS = "letters"  # in the report and in a PDF of labels to print
    EMAIL = "email"  # by e-mail only, to those who have an address


class IssueStatus(StrEnum):
    CREATED = "created"  # a new account, with its provisional password
    REISSUED = "reissued"  # a never-used account, with a new provisional password (the old one stops working)
    ACTIVE = "active"  # its owner chose a password: untouched
    NO_EMAIL = "no-email"  # e-mail delivery to someone without an address: nothing issued
    MAILED = "mailed"  # created or reissued, and the mail server took the mail
    MAIL_FAILED = "mail-failed"  # created or reissued, but the mail was not sent (the account stays)


@dataclass(frozen=True)
class IssuedAccount:
    """What became of one person's account."""

    person_id: UUID
    person_kind: PersonKind
    first_name: str
    last_name: str
    detail: str | None  # the class of a student, the children of a guardian, the function of staff
    status: IssueStatus
    login: str | None  # None: no account (no-email, nothing opened)
    password: str | None = None  # only created or reissued, by json and letters deliveries

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"


@dataclass(frozen=True)
class IssueReport:
    """Every person of the population, in the order of the letters, and the letters themselves."""

    population: Population
    class_code: str | None
    delivery: Delivery
    items: list[IssuedAccount]
    letters: bytes | None = None  # the PDF, for letters delivery

    @property
    def counts(self) -> dict[str, int]:
        """How many people got each status (every status listed, zeros included)."""
        found = Counter(item.status for item in self.items)
        return {status.value: found[status] for status in IssueStatus}


@dataclass(frozen=True)
class AccountItem:
    """An account of a person, as the list of accounts shows it."""

    account_id: UUID
    person_id: UUID
    person_kind: PersonKind
    role: Role
    login: str
    first_name: str
    last_name: str
    detail: str | None  # a student's class, a staff member's function
    must_change_password: bool  # True: never connected since its provisional password


@dataclass(frozen=True)
class _Issued:
    member: Member
    status: IssueStatus
    login: str | None
    password: str | None = None
    account: Account | None = None


class AccountIssuing(AccountOpening, DirectoryQueries):
    """Accounts of whole populations: issued in bulk, listed, their passwords reset one by one."""

    def issue_accounts(
        self,
        principal: Principal | None,
        population: str,
        *,
        class_code: str | None = None,
        person_ids: set[UUID] | None = None,
        delivery: str = Delivery.JSON,
    ) -> IssueReport:
        """Open the missing accounts of the population and reissue the never-used provisional passwords.

        ``class_code`` narrows students to a class and guardians to that class's families;
        ``person_ids`` to some people of the population. By e-mail, people without an address get
        nothing (no password is issued that nobody would receive), and a mail that fails is reported
        for its person without undoing anything. ``principal`` None is an operator at the console.
        """
        chosen = parse_choice(Population, population, "population")
        how = parse_choice(Delivery, delivery, "delivery")
        self._require_delivery(how)
        with self.reading() as connection:
            code = class_filter(self.directory, connection, chosen, class_code)
            found = members_of(self.directory, connection, chosen, code, self.today())
        if person_ids is not None:
            found = only(found, person_ids, chosen)
        school = self.registered_school()
        issued = self._issue(found, how)
        if how is Delivery.EMAIL:
            items = [self._mail(each, school.name) for each in issued]
        else:
            items = [_item(each, each.password) for each in issued]
        letters = None
        if how is Delivery.LETTERS and self.printer is not None:
            letters = self.printer.render(
                SchoolLetterhead(name=school.name, uai=self.uai, address=school.public_page.address),
                _title(chosen, code),
                [self._letter(item) for item in items if item.password is not None],
            )
        report = IssueReport(population=chosen, class_code=code, delivery=how, items=items, letters=letters)
        filters = {"population": chosen.value, "delivery": how.value, **({"class_code": code} if code else {})}
        self._journal_or_log(principal, "accounts-issued", filters, len(items))
        log.info("accounts_issued", uai=self.uai, year=self.year, **filters, **report.counts)
        return report

    def list_accounts(self, principal: Principal | None, population: str | None = None) -> list[AccountItem]:
        """The accounts of people (of a population), by kind then name; journaled as a list read."""
        chosen = parse_choice(Population, population, "population") if population is not None else None
        kinds = {POPULATION_KINDS[chosen].value} if chosen is not None else None
        with self.reading() as connection:
            rows = self.directory.accounts_list(connection, kinds)
        items = [_account_item(row) for row in rows if row_in(row, chosen)]
        self._journal_or_log(principal, "accounts", {"population": chosen.value} if chosen else {}, len(items))
        return items

    def reset_account_password(self, principal: Principal, login: str) -> Credentials:
        """A new provisional password for one account; only the super-administrator resets their own kind."""

        def reset(unit: UnitOfWork) -> Credentials:
            account = find_account(unit, login)
            if account is None:
                raise NotFound(f"account {login!r} does not exist", field="login")
            if account.role is Role.SUPER_ADMIN and principal.role is not Role.SUPER_ADMIN:
                raise Forbidden("only the super-administrator may reset the super-administrator's password")
            password = generate_password()
            account.reset_password(password_hash=self.hasher.hash(password))
            self.close_sessions_of(unit, account.id, CloseReason.PASSWORD_REPLACED)
            return Credentials(login=account.login, password=password)

        credentials = self.execute(reset)
        log.info("password_reissued", uai=self.uai, year=self.year, login=credentials.login, by=principal.login)
        return credentials

    def connection_url(self, login: str) -> str:
        """Where a person logs in, with their school and login filled in (what the QR code holds)."""
        return f"{self.public_url}/?{urlencode({'uai': self.uai, 'login': login})}"

    # -- what an issue needs --------------------------------------------------------------------------

    def _require_delivery(self, how: Delivery) -> None:
        if how is Delivery.EMAIL and self.mailer is None:
            raise RuleViolated("this service has no mail server: no e-mail can be sent", field="delivery")
        if how is Delivery.LETTERS and self.printer is None:
            raise RuleViolated("this service has no letter printer: no letter can be made", field="delivery")

    # -- issuing --------------------------------------------------------------------------------------

    def _issue(self, members: list[Member], how: Delivery) -> list[_Issued]:
        issued: list[_Issued] = []
        try:
            with self.bulk() as unit:
                for member in members:
                    issued.append(self._issue_one(unit, member, how))
        except IntegrityError:
            # Batches saved before the collision keep their accounts; a new run reissues what was not handed out.
            raise ConcurrencyConflict(
                "these people or their accounts changed during the issue; run it again "
                "(provisional passwords that were not handed out are issued anew)"
            ) from None
        return issued

    def _issue_one(self, unit: UnitOfWork, member: Member, how: Delivery) -> _Issued:
        person = unit.get(PERSON_CLASSES[member.person_kind], member.person_id, member.person_kind.value)
        login = person.account_login
        if login is None:
            if how is Delivery.EMAIL and member.email is None:
                return _Issued(member, IssueStatus.NO_EMAIL, None)
            opened = self.open_account(unit, person_kind=member.person_kind, person_id=member.person_id)
            account = unit.get(Account, opened.account_id, "account")
            return _Issued(member, IssueStatus.CREATED, opened.login, opened.password, account)
        account = unit.get(Account, Account.create_id(login), "account")
        if not account.must_change_password:
            return _Issued(member, IssueStatus.ACTIVE, login)
        if how is Delivery.EMAIL:
            address = member.email or account.email
            if address is None:
                return _Issued(member, IssueStatus.NO_EMAIL, login)
            if address != account.email:
                # Never connected, so the owner never chose an address: the directory's is the one to use.
                account.change_email(address)
        password = generate_password()
        account.reset_password(password_hash=self.hasher.hash(password))
        return _Issued(member, IssueStatus.REISSUED, login, password, account)

    def _mail(self, issued: _Issued, school: str) -> IssuedAccount:
        """After the commit: the credentials mail; its failure is this person's status, nothing more."""
        account, password = issued.account, issued.password
        if account is None or password is None:
            return _item(issued, None)
        if account.email is None:
            return _item(issued, None, IssueStatus.NO_EMAIL)
        variables = {"password": password, "school": school, "url": self.connection_url(account.login)}
        sent = send_templated(self, TemplateKind.CREDENTIALS, account, variables)
        return _item(issued, None, IssueStatus.MAILED if sent else IssueStatus.MAIL_FAILED)

    def _letter(self, item: IssuedAccount) -> ConnectionLetter:
        if item.login is None or item.password is None:
            raise ValueError("a letter needs a login and a password")
        return ConnectionLetter(
            full_name=item.full_name,
            detail=item.detail,
            login=item.login,
            password=item.password,
            connection_url=self.connection_url(item.login),
        )

    def _journal_or_log(self, principal: Principal | None, resource: str, filters: dict[str, str], count: int) -> None:
        """Sessions journal what they read; an operator at the console has no session, so a log line says it."""
        if principal is None:
            log.info(
                "operator_list_read", uai=self.uai, year=self.year, resource=resource, filters=filters, count=count
            )
            return
        self._journal_list(principal, resource, filters, count)


def _title(population: Population, class_code: str | None) -> str:
    label = POPULATION_LABELS[population]
    if class_code is None:
        return label
    # Short: the title shares the top line of each page with the school's name.
    return f"{label} de {class_code}" if population is Population.STUDENTS else f"{label} ({class_code})"


def _item(issued: _Issued, password: str | None, status: IssueStatus | None = None) -> IssuedAccount:
    member = issued.member
    return IssuedAccount(
        person_id=member.person_id,
        person_kind=member.person_kind,
        first_name=member.first_name,
        last_name=member.last_name,
        detail=member.detail,
        status=status or issued.status,
        login=issued.login,
        password=password,
    )


def _account_item(row: dict[str, Any]) -> AccountItem:
    kind = PersonKind(row["person_kind"])
    return AccountItem(
        account_id=row["account_id"],
        person_id=row["person_id"],
        person_kind=kind,
        role=role_of(kind, row["function"]),
        login=row["login"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        detail=row["class_code"] or row["function"],
        must_change_password=row["must_change_password"],
    )
