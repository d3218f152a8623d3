"""The registry of bases: creating, finding and opening school-year bases on both backends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from application.base import SchoolYearBase
from application.calendar import current_school_year
from application.errors import NotFound
from application.ports import Clock
from application.registry import Bases
from application.sessions import LoginAttempt
from domain.absence_reason import DEFAULT_REASONS
from domain.errors import AlreadyExists, InvalidValue
from domain.profile import default_profiles
from tests.conftest import YEAR, NewBase


class BrokenHasher:
    """A hasher that fails, to break a base's creation half-way."""

    def hash(self, password: str) -> str:
        raise RuntimeError("no entropy today")

    def verify(self, password_hash: str, password: str) -> bool:
        return False


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def test_a_created_base_is_found_by_its_school_and_year(new_base: NewBase, bases: Bases) -> None:
    assert bases.open(new_base.uai, YEAR) is new_base.base
    assert bases.open(new_base.uai.lower(), YEAR) is new_base.base
    assert bases.current(new_base.uai) is new_base.base


def test_a_second_base_for_the_same_school_and_year_is_refused_and_nothing_is_written(
    new_base: NewBase, bases: Bases
) -> None:
    before = head(new_base.base)
    with pytest.raises(AlreadyExists) as raised:
        bases.create(new_base.uai, YEAR, "Doublon")
    assert raised.value.field == "year"
    assert head(new_base.base) == before
    school = new_base.base.school()
    assert school is not None
    assert school.name == "Collège Jean Moulin"


def wrong_check_letter(uai: str) -> str:
    return uai[:7] + ("A" if uai[7] != "A" else "B")


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (lambda uai: (wrong_check_letter(uai), YEAR, "Lycée"), "uai"),
        (lambda uai: (uai[:6], YEAR, "Lycée"), "uai"),
        (lambda uai: (uai, 2028, "Lycée"), "year"),
        (lambda uai: (uai, 1999, "Lycée"), "year"),
        (lambda uai: (uai, YEAR, "   "), "name"),
    ],
)
def test_a_base_with_a_bad_uai_implausible_year_or_no_name_is_refused_and_nothing_is_prepared(
    bases: Bases, uai_factory: Callable[[], str], spoil: Callable[[str], tuple[str, int, str]], field: str
) -> None:
    uai = uai_factory()
    with pytest.raises(InvalidValue) as raised:
        bases.create(*spoil(uai))
    assert raised.value.field == field
    assert bases.storage.years(uai) == []


def test_next_school_year_is_plausible_for_a_base(bases: Bases, uai_factory: Callable[[], str]) -> None:
    base, _ = bases.create(uai_factory(), YEAR + 1, "Collège")
    assert base.year == 2027


def test_the_year_2000_is_the_first_plausible_one(bases: Bases, uai_factory: Callable[[], str]) -> None:
    assert bases.create(uai_factory(), 2000, "Collège")[0].year == 2000


def test_opening_a_base_that_does_not_exist_is_not_found_and_creates_nothing(
    bases: Bases, uai_factory: Callable[[], str]
) -> None:
    uai = uai_factory()
    with pytest.raises(NotFound):
        bases.open(uai, YEAR)
    with pytest.raises(NotFound):
        bases.current(uai)
    assert bases.storage.years(uai) == []


def test_a_schools_current_base_is_its_newest(bases: Bases, uai_factory: Callable[[], str]) -> None:
    uai = uai_factory()
    bases.create(uai, 2025, "Collège")
    newest, _ = bases.create(uai, 2026, "Collège")
    bases.create(uai_factory(), 2027, "Another school")
    assert bases.current(uai) is newest
    assert bases.default_year(uai) == 2026
    assert bases.storage.years(uai) == [2026, 2025]


def test_the_default_year_of_a_school_without_base_is_the_current_school_year(
    bases: Bases, uai_factory: Callable[[], str]
) -> None:
    assert bases.default_year(uai_factory()) == 2026 == bases.school_year_now()


@pytest.mark.parametrize(
    ("instant", "year"),
    [
        (datetime(2026, 8, 31, 21, 59, tzinfo=UTC), 2025),  # 23:59 in Paris
        (datetime(2026, 8, 31, 22, 0, tzinfo=UTC), 2026),  # midnight, 1 September, in Paris
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), 2026),
    ],
)
def test_a_school_year_starts_on_1_september_in_paris(instant: datetime, year: int) -> None:
    assert current_school_year(instant) == year


def test_a_base_is_found_again_after_a_restart(new_base: NewBase, bases_factory: Callable[..., Bases]) -> None:
    restarted = bases_factory()
    base = restarted.open(new_base.uai, YEAR)
    assert base is not new_base.base
    credentials = new_base.credentials
    opened = base.log_in(LoginAttempt(login=credentials.login, password=credentials.password))
    assert base.authenticate(opened.token).login == "SPR"


def test_a_creation_that_failed_half_way_leaves_no_base_and_can_be_retried(
    bases: Bases, uai_factory: Callable[[], str], clock: Clock
) -> None:
    uai = uai_factory()
    broken = Bases(bases.storage, BrokenHasher(), clock)
    with pytest.raises(RuntimeError):
        broken.create(uai, YEAR, "Collège")
    with pytest.raises(NotFound):
        bases.open(uai, YEAR)
    assert bases.default_year(uai) == 2026
    base, _ = bases.create(uai, YEAR, "Collège")
    assert base.school() is not None


def test_a_registry_keeps_a_bounded_number_of_bases_open(
    bases_factory: Callable[..., Bases], uai_factory: Callable[[], str]
) -> None:
    bases = bases_factory(max_open=1)
    first, _ = bases.create(uai_factory(), YEAR, "Premier")
    second, _ = bases.create(uai_factory(), YEAR, "Second")
    reopened = bases.open(first.uai, YEAR)
    assert reopened is not first
    assert reopened.school() is not None
    assert bases.open(first.uai, YEAR) is reopened
    assert bases.open(second.uai, YEAR) is not second


def test_two_requests_creating_the_same_base_at_once_create_it_once(
    bases: Bases, uai_factory: Callable[[], str]
) -> None:
    uai = uai_factory()
    start = threading.Barrier(2, timeout=10)
    outcomes: list[BaseException | None] = []

    def create() -> None:
        start.wait()
        try:
            bases.create(uai, YEAR, "Collège")
        except BaseException as error:
            outcomes.append(error)
        else:
            outcomes.append(None)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2
    assert outcomes.count(None) == 1
    assert any(isinstance(outcome, AlreadyExists) for outcome in outcomes)
    # One school, one super-administrator, one set of default profiles.
    assert head(bases.open(uai, YEAR)) == 2 + len(default_profiles()) + len(DEFAULT_REASONS)
