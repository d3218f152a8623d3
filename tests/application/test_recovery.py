"""Password recovery on real stores, with a clock the tests move and an outbox standing for the mail server."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from structlog.testing import capture_logs

from adapters.passwords import Argon2Hasher
from application.account_opening import OpenedAccount, PersonKind
from application.base import SchoolYearBase
from application.errors import Unauthenticated
from application.ports import Mail
from application.recovery import RecoveryTokenInvalid, french_time, recovery_base
from application.sessions import LoginAttempt
from domain.account import Account
from domain.espaces import Espace
from domain.password_policy import PasswordRefused, PasswordRule
from domain.school import EspaceOptions
from tests.conftest import FIXED_NOW, YEAR, MovableClock, join_recovery_mails

NEW_PASSWORD = "Nouveau-mot-de-passe-7"
EMAIL = "lea.martin@famille.example.fr"


class Outbox:
    """Keeps the mails sent (from the background thread that sends recovery mails)."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self._arrived = threading.Condition()

    def send(self, mail: Mail) -> None:
        with self._arrived:
            self.mails.append(mail)
            self._arrived.notify_all()

    def wait_for(self, count: int) -> list[Mail]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.mails) >= count, timeout=10), self.mails
            return list(self.mails)


@pytest.fixture
def outbox(base: SchoolYearBase) -> Outbox:
    box = Outbox()
    base.mailer = box
    return box


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def allow_recovery(base: SchoolYearBase, espace: Espace, *, allowed: bool = True) -> None:
    options = EspaceOptions(
        password_recovery=allowed, online_justification=False, bulletin_publication_date=None, inactivity_minutes=20
    )
    base.execute(lambda unit: base.set_espace_options(unit, espace, options))


def guardian(base: SchoolYearBase, email: str | None = EMAIL) -> OpenedAccount:
    guardian_id = base.execute(
        lambda unit: base.register_guardian(unit, last_name="Martin", first_name="Léa", email=email)
    )
    return base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.GUARDIAN, person_id=guardian_id))


@pytest.fixture
def parent(base: SchoolYearBase, outbox: Outbox) -> OpenedAccount:
    """A guardian with an e-mail address, in a published Parents Espace that allows recovery."""
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    allow_recovery(base, Espace.PARENTS)
    return guardian(base)


def token_of(mail: Mail) -> str:
    match = re.search(r"/recovery\?token=(\S+)", mail.body)
    assert match is not None, mail.body
    return match.group(1)


def recover(base: SchoolYearBase, outbox: Outbox, login: str) -> str:
    """Ask for a link and read its token from the mail."""
    sent = len(outbox.mails)
    base.request_recovery(login)
    return token_of(outbox.wait_for(sent + 1)[-1])


def account(base: SchoolYearBase, opened: OpenedAccount) -> Account:
    found: Account = base.repository.get(opened.account_id)
    return found


def test_a_request_mails_a_link_holding_a_token_of_the_base_and_account(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    base.request_recovery(parent.login.lower())

    [mail] = outbox.wait_for(1)
    assert mail.to == EMAIL
    assert mail.subject == "Réinitialisation de votre mot de passe Collège Jean Moulin"
    assert "Bonjour Léa Martin" in mail.body
    assert f"pour votre compte {parent.login}." in mail.body
    assert "n’est plus valable après le 24/11/2026 à 09h30." in mail.body  # 08:00Z + 30 min, Paris time
    token = token_of(mail)
    assert mail.body.count(f"{base.public_url}/recovery?token={token}") == 1
    uai, year, account_hex, secret = token.split(".")
    assert (uai, int(year), account_hex) == (base.uai, YEAR, parent.account_id.hex)
    assert len(secret) >= 43
    assert recovery_base(token) == (base.uai, YEAR)


def test_only_the_digest_of_the_token_is_stored_with_its_expiry(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    token = recover(base, outbox, parent.login)

    stored = [n.state for n in base.recorder.select_notifications(start=1, limit=10_000)]
    assert all(token.split(".")[-1].encode() not in state for state in stored)
    recovery = account(base, parent).recovery
    assert recovery is not None
    assert recovery[1] == FIXED_NOW + timedelta(minutes=30)


@pytest.mark.parametrize("login", ["NOBODY", "not a login!", ""])
def test_an_unknown_or_malformed_login_writes_and_mails_nothing(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount, login: str
) -> None:
    before = head(base)
    base.request_recovery(login)
    assert head(base) == before
    assert outbox.mails == []


def test_an_account_without_an_email_address_gets_nothing(base: SchoolYearBase, outbox: Outbox) -> None:
    base.execute(lambda unit: base.publish_espace(unit, Espace.PARENTS))
    allow_recovery(base, Espace.PARENTS)
    opened = guardian(base, email=None)
    before = head(base)
    base.request_recovery(opened.login)
    assert head(base) == before
    assert outbox.mails == []


def test_an_espace_without_recovery_gets_nothing(base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount) -> None:
    allow_recovery(base, Espace.PARENTS, allowed=False)
    before = head(base)
    base.request_recovery(parent.login)
    assert head(base) == before
    assert outbox.mails == []


def test_a_stopped_espace_mails_no_links(base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount) -> None:
    base.execute(lambda unit: base.stop_espace(unit, Espace.PARENTS))
    before = head(base)
    base.request_recovery(parent.login)
    assert head(base) == before
    assert outbox.mails == []


def test_the_espace_of_the_accounts_first_mode_decides(base: SchoolYearBase, outbox: Outbox) -> None:
    staff_id = base.execute(
        lambda unit: base.register_staff_member(
            unit, last_name="Durand", first_name="Paul", function="Direction", email="paul.durand@college.example.fr"
        )
    )
    staff = base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.STAFF, person_id=staff_id))
    allow_recovery(base, Espace.SCHOOL_LIFE)
    base.request_recovery(staff.login)
    assert outbox.mails == []  # staff connect first in admin mode: the Direction Espace decides

    allow_recovery(base, Espace.MANAGEMENT)
    base.request_recovery(staff.login)
    assert [mail.to for mail in outbox.wait_for(1)] == ["paul.durand@college.example.fr"]


def test_a_second_request_within_a_minute_is_ignored_and_a_later_one_replaces_the_token(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount, clock: MovableClock
) -> None:
    first = recover(base, outbox, parent.login)
    before = head(base)
    clock.advance(timedelta(seconds=59))
    base.request_recovery(parent.login)
    assert head(base) == before

    clock.advance(timedelta(seconds=2))
    second = recover(base, outbox, parent.login)

    assert len(outbox.mails) == 2
    with pytest.raises(RecoveryTokenInvalid):
        base.confirm_recovery(first, NEW_PASSWORD)
    base.confirm_recovery(second, NEW_PASSWORD)


def test_confirming_sets_the_password_and_spends_the_token(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount, fast_hasher: Argon2Hasher
) -> None:
    token = recover(base, outbox, parent.login)
    assert account(base, parent).must_change_password

    base.confirm_recovery(token, NEW_PASSWORD)

    changed = account(base, parent)
    assert fast_hasher.verify(changed.password_hash, NEW_PASSWORD)
    assert not changed.must_change_password
    assert changed.recovery is None
    opened = base.log_in(LoginAttempt(login=parent.login, password=NEW_PASSWORD))
    assert not opened.must_change_password
    with pytest.raises(RecoveryTokenInvalid):
        base.confirm_recovery(token, "Encore-un-autre-8")


def test_a_recovered_password_closes_the_sessions_opened_with_the_old_one(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    earlier = base.log_in(LoginAttempt(login=parent.login, password=parent.password)).token
    token = recover(base, outbox, parent.login)

    base.confirm_recovery(token, NEW_PASSWORD)

    with pytest.raises(Unauthenticated):
        base.authenticate(earlier)


def test_an_expired_token_is_refused(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount, clock: MovableClock
) -> None:
    token = recover(base, outbox, parent.login)
    clock.advance(timedelta(minutes=30))
    before = head(base)
    with pytest.raises(RecoveryTokenInvalid) as raised:
        base.confirm_recovery(token, NEW_PASSWORD)
    assert raised.value.field == "token"
    assert head(base) == before


def test_a_token_is_refused_once_the_school_turns_recovery_off(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    token = recover(base, outbox, parent.login)
    allow_recovery(base, Espace.PARENTS, allowed=False)
    with pytest.raises(RecoveryTokenInvalid):
        base.confirm_recovery(token, NEW_PASSWORD)


def test_tampered_and_malformed_tokens_are_refused_alike(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    token = recover(base, outbox, parent.login)
    uai, year, account_hex, secret = token.split(".")
    tampered = [
        f"{uai}.{year}.{account_hex}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        f"{uai}.{int(year) + 1}.{account_hex}.{secret}",
        f"{uai}.{year}.{Account.create_id('SPR').hex}.{secret}",
        f"{uai}.{year}.{'z' * 32}.{secret}",
        f"{uai}.{year}.{account_hex}",
        f"{uai}.{year}.{account_hex}.",
        "nothing-like-a-token",
    ]
    for bad in tampered:
        with pytest.raises(RecoveryTokenInvalid) as raised:
            base.confirm_recovery(bad, NEW_PASSWORD)
        assert str(raised.value) == "this recovery link is unknown, already used or expired: ask for a new one"
    base.confirm_recovery(token, NEW_PASSWORD)


def test_a_password_against_the_policy_is_refused_and_the_token_stays_usable(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    token = recover(base, outbox, parent.login)
    with pytest.raises(PasswordRefused) as raised:
        base.confirm_recovery(token, "martin")
    assert raised.value.rules == [
        PasswordRule.LENGTH,
        PasswordRule.DIGIT,
        PasswordRule.UPPER_CASE,
        PasswordRule.NOT_NAME,
    ]
    base.confirm_recovery(token, NEW_PASSWORD)


def test_the_expiry_is_written_in_paris_time() -> None:
    assert french_time(datetime.fromisoformat("2027-07-01T21:05:00+00:00")) == "01/07/2027 à 23h05"
    assert french_time(datetime.fromisoformat("2026-12-31T23:30:00+00:00")) == "01/01/2027 à 00h30"


@pytest.fixture(autouse=True)
def _no_mail_left_behind() -> Iterator[None]:
    """Recovery mails go out on daemon threads: wait for them, so none outlives its test's base."""
    yield
    join_recovery_mails()


def test_the_logs_name_the_login_but_never_the_token(
    base: SchoolYearBase, outbox: Outbox, parent: OpenedAccount
) -> None:
    with capture_logs() as logs:
        token = recover(base, outbox, parent.login)
        base.confirm_recovery(token, NEW_PASSWORD)
    events = [line["event"] for line in logs]
    assert "recovery_issued" in events and "recovery_confirmed" in events
    secret = token.rsplit(".", 1)[1]
    assert all(secret not in str(value) for line in logs for value in line.values())
