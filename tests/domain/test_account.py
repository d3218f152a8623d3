from __future__ import annotations

import pytest

from domain.account import Account, parse_login
from domain.errors import InvalidValue
from domain.espaces import Role


def open_account(login: str = "spr") -> Account:
    return Account.open(login=login, password_hash="$argon2id$hash", role=Role.SUPER_ADMIN)


def test_login_is_stored_upper_case_and_trimmed() -> None:
    assert parse_login("  jean.dupont-2_b ") == "JEAN.DUPONT-2_B"


@pytest.mark.parametrize("login", ["", "   ", "jean dupont", "élodie", "jean@dupont", "x" * 65])
def test_login_with_other_characters_or_longer_than_64_is_refused(login: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_login(login)
    assert raised.value.field == "login"


def test_account_id_is_derived_from_its_login_so_a_login_is_given_once() -> None:
    assert open_account("spr").id == open_account("SPR").id == Account.create_id("SPR")
    assert open_account("spr2").id != open_account("spr").id


def test_new_account_must_change_its_one_time_password() -> None:
    account = open_account()
    assert account.must_change_password
    assert (account.login, account.role, account.password_hash) == ("SPR", "super-admin", "$argon2id$hash")
    [created] = account.collect_events()
    assert isinstance(created, Account.Created)


def test_resetting_the_password_replaces_the_hash_and_asks_for_a_change() -> None:
    account = open_account()
    account.must_change_password = False
    account.reset_password(password_hash="$argon2id$new")
    assert account.password_hash == "$argon2id$new"
    assert account.must_change_password
    assert [type(e) for e in account.collect_events()] == [Account.Created, Account.PasswordReset]
