"""Timetable feeds: an iCalendar address a family's phone subscribes to.

The address holds a random token, shown once; the base keeps its SHA-256 only. Reading a feed
checks again that its account may still see that timetable (a guardian who lost the legal link, a
family Espace stopped or its timetable rubric withdrawn: the feed answers 404), and records the
day's first read on the feed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.errors import NotFound
from application.permissions import FAMILY_ROLES, Principal
from application.timetable import Reach, TimetableUseCases, TimetableWeek
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.calendar_feed import CalendarFeed
from domain.espaces import Espace, Role
from domain.permissions import Permission

TOKEN_BYTES = 32


@dataclass(frozen=True)
class IssuedFeed:
    feed_id: UUID
    token: str  # shown once: the subscription address holds it


class TimetableFeeds(TimetableUseCases):
    """Issuing, revoking and serving timetable feeds."""

    def issue_feed(self, principal: Principal, kind: str, key: str) -> IssuedFeed:
        """A feed of a timetable the caller may read now (the same checks as reading it)."""
        today = self.today()
        self.timetable(principal, kind, key, today, today)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        feed = CalendarFeed.issue(token_digest=_digest(token), account_id=principal.account_id, kind=kind, key=key)
        self.execute(lambda unit: unit.create(feed))
        return IssuedFeed(feed_id=feed.id, token=token)

    def revoke_feed(self, principal: Principal, feed_id: UUID) -> None:
        """Its owner, or the super-administrator, stops a feed; anyone else learns nothing of it."""

        def run(unit: UnitOfWork) -> None:
            feed = unit.find(CalendarFeed, feed_id)
            if feed is None or (feed.account_id != principal.account_id and principal.role is not Role.SUPER_ADMIN):
                raise NotFound(f"feed {feed_id} does not exist")
            feed.revoke()

        self.execute(run)

    def read_feed(self, token: str) -> TimetableWeek:
        """The whole school year of the feed's timetable, if its account may still read it."""
        unknown = NotFound("no such feed")
        unit = UnitOfWork(self)
        feed = unit.find(CalendarFeed, CalendarFeed.create_id(_digest(token)))
        if feed is None or feed.revoked:
            raise unknown
        account = unit.find(Account, feed.account_id)
        if account is None:
            raise unknown
        reach = self._reach_of(account)
        if reach is None:
            raise unknown
        days = self.calendar_days()
        week = self.timetable_within(reach, feed.kind, feed.key, days.first_day, days.last_day)
        self._record_fetch(feed.id, self.today())
        return week

    def _reach_of(self, account: Account) -> Reach | None:
        """What the account may read through a feed now; None when nothing (a stopped Espace).

        Families through their Espace, when it is published with its timetable rubric; teachers the
        students they teach (a feed is not their profile's session); the office every student.
        """
        if account.role in {Role.GUARDIAN, Role.STUDENT}:
            espace = Espace.PARENTS if account.role is Role.GUARDIAN else Espace.STUDENTS
            settings = self.registered_school().espaces[espace]
            if not settings.published or Permission.TIMETABLES_READ not in settings.rubric_permissions():
                return None
        elif account.role in {Role.STAFF, Role.SUPER_ADMIN}:
            return Reach(family=False, scope=None)
        elif account.role is not Role.TEACHER:
            return None
        if account.person_id is None:
            return None
        with self.reading() as connection:
            scope = self.students_reached(connection, account.role, account.person_id)
        return Reach(family=account.role in FAMILY_ROLES, scope=scope)

    def _record_fetch(self, feed_id: UUID, on: date) -> None:
        self.execute(lambda unit: unit.get(CalendarFeed, feed_id, "feed").fetch(on))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
