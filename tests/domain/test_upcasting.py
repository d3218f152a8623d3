"""Events stored before the accounts issue still load: the v1 shapes of ``Session.Opened`` and
``Account.Created`` are upcast to v2 when read, as the stores of existing bases hold them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from application.base import SchoolYearBase
from domain.account import Account
from domain.espaces import Role
from domain.session import Session

OPENED_AT = datetime(2026, 11, 24, 8, tzinfo=UTC)


def store_as_v1(base: SchoolYearBase, event: object, dropped: set[str]) -> None:
    """Store ``event`` as the previous code wrote it: without the v2 fields and without a class version."""
    stored = base.mapper.to_stored_event(event)  # type: ignore[arg-type]
    state = json.loads(stored.state)
    for name in dropped | {"class_version"}:
        state.pop(name, None)
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    base.recorder.insert_events([old])


def test_a_session_opened_before_modes_loads_as_an_admin_session(base: SchoolYearBase) -> None:
    session = Session(
        account_id=Account.create_id("SPR"),
        login="SPR",
        role=Role.SUPER_ADMIN.value,
        token_digest="ab" * 32,
        address="10.0.0.1",
        user_agent="curl",
        mode="school-life",
        person_id=uuid4(),
        display_name="Someone",
        device="cd" * 32,
        inactivity_minutes=5,
        at=OPENED_AT,
    )
    [opened] = session.collect_events()
    store_as_v1(base, opened, {"mode", "person_id", "display_name", "device", "inactivity_minutes", "at"})

    loaded: Session = base.repository.get(session.id)

    assert (loaded.login, loaded.role, loaded.mode, loaded.person_id) == ("SPR", "super-admin", "admin", None)
    assert (loaded.display_name, loaded.inactivity_minutes) == ("SPR", 20)
    assert loaded.last_activity == loaded.created_on
    assert loaded.is_open


def test_an_account_created_before_names_and_email_loads_without_them(base: SchoolYearBase) -> None:
    account = Account.open(
        login="OLD",
        password_hash="$argon2id$v=19$old",
        role=Role.TEACHER,
        person_id=uuid4(),
        first_name="Anne",
        last_name="Ancienne",
        email="anne@example.org",
    )
    [created] = account.collect_events()
    store_as_v1(base, created, {"first_name", "last_name", "email"})

    loaded: Account = base.repository.get(account.id)

    assert (loaded.login, loaded.role, loaded.must_change_password) == ("OLD", Role.TEACHER, True)
    assert (loaded.first_name, loaded.last_name, loaded.email, loaded.display_name) == (None, None, None, "OLD")
