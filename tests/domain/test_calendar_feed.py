"""A timetable feed: keyed by its token's digest, read once a day on record, revoked for good."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.calendar_feed import CalendarFeed
from domain.errors import RuleViolated


def feed() -> CalendarFeed:
    return CalendarFeed.issue(token_digest="d" * 64, account_id=uuid4(), kind="student", key=str(uuid4()))


def test_a_feed_is_keyed_by_the_digest_of_its_token() -> None:
    assert feed().id == CalendarFeed.create_id("d" * 64)
    assert CalendarFeed.create_id("d" * 64) != CalendarFeed.create_id("e" * 64)


def test_only_the_first_read_of_a_day_is_recorded() -> None:
    subject = feed()

    for day in (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2)):
        subject.fetch(day)

    fetched = [e for e in subject.collect_events() if isinstance(e, CalendarFeed.Fetched)]
    assert [e.on for e in fetched] == [date(2026, 12, 1), date(2026, 12, 2)]


def test_a_revoked_feed_is_not_read_nor_revoked_again() -> None:
    subject = feed()
    subject.revoke()

    with pytest.raises(RuleViolated) as read:
        subject.fetch(date(2026, 12, 1))
    with pytest.raises(RuleViolated) as again:
        subject.revoke()

    assert (read.value.field, again.value.field) == ("token", "feed_id")
