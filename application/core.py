"""What every use case of a base relies on: its stores, its read models, commands with retry."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import ClassVar, TypeVar
from uuid import UUID

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from sqlalchemy import Connection, Engine

from application.acting import acting_session
from application.errors import ConcurrencyConflict
from application.ports import Clock, LetterPrinter, Mailer, PasswordHasher
from application.transcodings import DateAsISO
from application.unit_of_work import A, UnitOfWork
from domain.school import School
from domain.session import CloseReason, Session
from projections.access_history import AccessHistory
from projections.attendance import Attendance
from projections.directory import Directory
from projections.engine import EventLog, Progress, Projector
from projections.profiles import Profiles
from projections.timetables import Timetables

R = TypeVar("R")

# A session's events: its opening and closing, a line for every read and write, a keep-alive once a
# minute of use. They feed only the access history, whose readers (auditors, families, the lists of
# sessions, the licence count) catch it up first: no command waits for them.
JOURNAL_EVENTS = frozenset(
    {
        Session.Opened,
        Session.RecordConsulted,
        Session.ListConsulted,
        Session.ChangesMade,
        Session.Active,
        Session.Closed,
    }
)

MAX_ATTEMPTS = 5
# A journal line appended to a session commutes with any other: it is retried longer rather than
# refusing a read (or the read-back of a write already saved) because the session is busy.
JOURNAL_ATTEMPTS = 12
RETRY_PAUSE_MS = 2
DEFAULT_BULK_SIZE = 500

log = structlog.get_logger(__name__)


class BaseCore(Application[UUID]):
    """One school-year base: its event store, its read models, and how commands are run on it."""

    # Sessions gain an event per read of personal data: cached aggregates are only fast-forwarded.
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "2000"}

    def __init__(
        self,
        *,
        uai: str,
        year: int,
        env: Mapping[str, str],
        views: Engine,
        exclusive: Callable[[str], AbstractContextManager[None]],
        hasher: PasswordHasher,
        clock: Clock,
        mailer: Mailer | None = None,
        printer: LetterPrinter | None = None,
        public_url: str = "http://127.0.0.1:8000",
    ) -> None:
        super().__init__(env=env)
        self.uai = uai
        self.year = year
        self.views = views
        self.hasher = hasher
        self.clock = clock
        self.mailer = mailer
        self.printer = printer
        # Logins that take a licence count the seats one at a time, across every serving process.
        self.exclusive = exclusive
        self.public_url = public_url.rstrip("/")
        # Mails to families leave after their command, one at a time, off the request's path.
        self.notices = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"notices-{uai}")
        self.last_command = time.monotonic()  # when a command last started: background work waits for calm
        self.directory = Directory()
        self.access_history = AccessHistory()
        self.profiles = Profiles()
        self.timetables = Timetables()
        log_of_events = EventLog(application_name=self.name, recorder=self.recorder, mapper=self.mapper)
        self.projectors: dict[str, Projector] = {
            projection.name: Projector(projection, views, log_of_events)
            for projection in (self.directory, self.access_history, self.profiles, self.timetables, Attendance())
        }
        for projector in self.projectors.values():
            projector.create_tables()

    def wait_for_calm(self, quiet: float, at_most: float) -> None:
        """Wait until no command has started for ``quiet`` seconds, or ``at_most`` seconds have passed.

        Background work (mails) in the serving process competes with requests for the interpreter:
        during the 8 o'clock rush, mails built between two database calls of a request tripled its
        time. Waiting for a pause keeps the requests fast and delays the mails by seconds.
        """
        deadline = time.monotonic() + at_most
        while (now := time.monotonic()) < deadline and now - self.last_command < quiet:
            time.sleep(min(quiet, deadline - now))

    def close(self) -> None:
        """Send the notices still queued, then let go of the stores."""
        self.notices.shutdown(wait=True)
        super().close()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def today(self) -> date:
        return self.clock().date()

    def execute(self, command: Callable[[UnitOfWork], R], *, attempts: int = MAX_ATTEMPTS) -> R:
        """Run one command and commit it; on a version conflict, run it again on the fresh state.

        The read models are caught up before returning, so the caller reads what it just wrote.
        """
        self.last_command = time.monotonic()
        for attempt in range(1, attempts + 1):
            unit = UnitOfWork(self)
            result = command(unit)
            try:
                unit.commit()
            except IntegrityError:
                log.info("command_conflict_retried", uai=self.uai, year=self.year, attempt=attempt)
                # A random pause, growing with each attempt, so that racing writers stop colliding in step.
                time.sleep(secrets.randbelow(RETRY_PAUSE_MS << attempt) / 1000)
                continue
            self.catch_up_after(unit.committed_kinds, unit.committed_up_to)
            return result
        raise ConcurrencyConflict(f"the data kept changing under this command; gave up after {attempts} attempts")

    @contextmanager
    def bulk(self, size: int = DEFAULT_BULK_SIZE) -> Iterator[BulkUnit]:
        """A unit of work for bulk callers, committed every ``size`` aggregates and at the end.

        The read models catch up once, at the end (bulk writers are alone on the base).
        """
        unit = BulkUnit(self, size)
        yield unit
        unit.commit()
        self.catch_up()

    def catch_up(self, progress: Progress | None = None) -> int:
        return sum(projector.catch_up(progress) for projector in self.projectors.values())

    def catch_up_after(self, kinds: set[type], up_to: int) -> int:
        """Catch up to ``up_to`` the projections that read any of these event classes, those a command just saved.

        The others have nothing new for the caller to read: their position may stay behind the head
        over events they do not read (a login is a session's events, which the directory ignores),
        and a write transaction per projection and command is saved. They catch up at their next
        event, over everything in between, exactly once as always.

        A session's events (opened, a read consulted, a write attributed, kept alive, closed) are not
        waited for: every login, read and write makes one (and a keep-alive goes with the first
        request after a minute's pause), and catching the access history up after each cost as much
        as the command. Whoever reads the journal or the sessions catches it up first
        (:meth:`journal_caught_up`).
        """
        eager = kinds - JOURNAL_EVENTS
        return sum(p.catch_up_to(up_to) for p in self.projectors.values() if p.projection.reads_any(eager))

    def journal_caught_up(self) -> None:
        """Bring the access history up to the head before reading the journal from it."""
        self.projectors[self.access_history.name].catch_up()

    def school(self, unit: UnitOfWork | None = None) -> School | None:
        """The base's school (as ``unit`` holds it, when given), or None while the base is not registered."""
        return (unit if unit is not None else UnitOfWork(self)).find(School, School.create_id(self.uai))

    def registered_school(self, unit: UnitOfWork | None = None) -> School:
        """The base's school, which every registered base has."""
        return (unit if unit is not None else UnitOfWork(self)).get(
            School, School.create_id(self.uai), f"school {self.uai}"
        )

    def close_sessions_of(self, unit: UnitOfWork, account_id: UUID, reason: CloseReason) -> int:
        """Close every open session of an account (its password was replaced: whoever held it is out).

        The session doing it stays open: it is the one the change is attributed to.
        """
        acting = acting_session()
        self.journal_caught_up()  # sessions opened a moment ago included
        with self.reading() as connection:
            candidates = [
                item.id for item in self.access_history.open_sessions(connection) if item.account_id == account_id
            ]
        closed = 0
        for session_id in candidates:
            session = unit.find(Session, session_id)
            if session is not None and session.is_open and session.id != acting:
                session.close(reason)
                closed += 1
        return closed

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection to the read models, for queries."""
        with self.views.connect() as connection:
            yield connection


class BulkUnit(UnitOfWork):
    """A unit of work that commits itself every ``size`` aggregates."""

    def __init__(self, app: Application[UUID], size: int) -> None:
        super().__init__(app)
        self.size = size

    def create(self, aggregate: A, *, natural_key: str | None = None) -> A:
        # Commit before adding, not after: the caller may still change the aggregate it creates.
        if len(self) >= self.size:
            self.commit()
        return super().create(aggregate, natural_key=natural_key)
