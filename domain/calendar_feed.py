"""A timetable feed: the address a phone's calendar subscribes to, to follow a timetable.

Calendar apps cannot send a bearer token, so the address itself carries a secret: a random token
shown once, of which the base keeps only a digest (the feed's id is derived from it). The feed
belongs to the account that asked for it; revoking it, or losing the right to that timetable,
stops it. Each day a feed is read is recorded once: a read of a student's timetable is a read of
personal data, and a phone polls every hour.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.ids import natural_id


class CalendarFeed(Aggregate):
    class Issued(Aggregate.Created):
        account_id: UUID
        kind: str  # class, group, teacher, room or student
        key: str

    class Fetched(Aggregate.Event):
        """The feed was read on that day (the first read of the day)."""

        on: date

    class Revoked(Aggregate.Event):
        pass

    @staticmethod
    def create_id(token_digest: str) -> UUID:
        return natural_id("calendar-feed", token_digest)

    @classmethod
    def issue(cls, *, token_digest: str, account_id: UUID, kind: str, key: str) -> CalendarFeed:
        return cls._create(cls.Issued, id=cls.create_id(token_digest), account_id=account_id, kind=kind, key=key)

    @event(Issued)
    def __init__(self, *, account_id: UUID, kind: str, key: str) -> None:
        self.account_id = account_id
        self.kind = kind
        self.key = key
        self.last_fetched: date | None = None
        self.revoked = False

    def fetch(self, on: date) -> None:
        """Record the day's first read; later reads that day write nothing."""
        if self.revoked:
            raise RuleViolated("this feed was revoked", field="token")
        if self.last_fetched != on:
            self._fetched(on=on)

    @event(Fetched)
    def _fetched(self, *, on: date) -> None:
        self.last_fetched = on

    def revoke(self) -> None:
        if self.revoked:
            raise RuleViolated("this feed is already revoked", field="feed_id")
        self._revoked()

    @event(Revoked)
    def _revoked(self) -> None:
        self.revoked = True
