"""The small engine that feeds read models from a base's notification log, in batches.

The library's stock runner writes one transaction per event and cannot follow a SQLite store; this
one reads pages of notifications, lets the projection's handlers collect row changes, and writes the
rows and the new position in one transaction (exactly once, resumable after a crash).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import get_topic
from sqlalchemy import Connection, Engine, MetaData, Table

from projections import tracking
from projections.batch import RowBatch
from projections.bulk import empty_tables

Handler = Callable[[Any, RowBatch, Any], None]
Progress = Callable[[int, int], None]

DEFAULT_BATCH_SIZE = 1000
REBUILD_FLUSH_ROWS = 50_000


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes."""

    def mark(handler: Handler) -> Handler:
        handler.__dict__["handles"] = event_classes
        return handler

    return mark


class Projection:
    """A read model: its tables, one handler per event class, and the queries the application calls.

    ``name`` fixes the table prefix and the projection's own tracking row.
    """

    name: ClassVar[str]
    metadata: ClassVar[MetaData]
    _handlers: ClassVar[dict[type, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for attribute in vars(cls).values():
            for event_class in getattr(attribute, "handles", ()):
                cls._handlers[event_class] = attribute

    @classmethod
    def topics(cls) -> list[str]:
        """The stored topics of the events this projection reads; the log is filtered on them in SQL."""
        return sorted(get_topic(event_class) for event_class in cls._handlers)

    @classmethod
    def tables(cls) -> list[Table]:
        return list(cls.metadata.sorted_tables)

    @classmethod
    def reads_any(cls, event_classes: set[type]) -> bool:
        return not cls._handlers.keys().isdisjoint(event_classes)

    def apply(self, batch: RowBatch, domain_event: DomainEventProtocol[Any]) -> None:
        self._handlers[type(domain_event)](self, batch, domain_event)


@dataclass(frozen=True)
class EventLog:
    """The part of an application projections read: its notification log and the mapper to decode it."""

    application_name: str
    recorder: ApplicationRecorder
    mapper: Mapper[Any]

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int, stop: int, topics: Sequence[str]) -> Sequence[Notification]:
        return self.recorder.select_notifications(
            start=after, limit=limit, stop=stop, topics=topics, inclusive_of_start=False
        )

    def decode(self, notification: Notification) -> DomainEventProtocol[Any]:
        return self.mapper.to_domain_event(notification)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: the events it replayed, and the rows it had to change (inserted, replaced or
    deleted; None when it emptied the tables and wrote them whole)."""

    events: int
    rows_changed: int | None


@dataclass(frozen=True)
class Status:
    """Where a projection stands against the head of the log."""

    projection: str
    position: int
    head: int
    behind: int  # events it reads between its position and the head


class Projector:
    """Runs one projection over one base: catch-up, rebuild and status."""

    def __init__(
        self, projection: Projection, engine: Engine, log: EventLog, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> None:
        self.projection = projection
        self.engine = engine
        self.log = log
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one catch-up or rebuild at a time in this process
        # A position this process knows the projection has reached (the stored one may be further on).
        self._reached = 0

    @property
    def name(self) -> str:
        return self.projection.name

    def create_tables(self) -> None:
        with self.engine.begin() as connection:
            tracking.metadata.create_all(connection)
            self.projection.metadata.create_all(connection)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction that holds the projection's position (SQLite: ``BEGIN IMMEDIATE``)."""
        with self.engine.connect() as connection:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every event after the projection's position; returns how many were applied.

        One transaction per page, so a long catch-up holds the row lock briefly and resumes where it stopped.
        """
        with self._lock:
            return self._catch_up(progress)

    def catch_up_to(self, position: int) -> int:
        """Make sure the events up to ``position`` (a command's own) are applied; returns how many this call applied.

        Commands finishing together each need the read model past their events, not a catch-up each:
        a catch-up reads the head when it starts, so one that is running, or that ran since the
        command committed, may have applied them already. Waiting for it and checking the position
        makes the busy moments (the 8 o'clock rush) one catch-up for many commands instead of a queue
        of write transactions on the projection's position, each finding almost nothing to do.
        """
        if self._reached >= position:
            return 0
        with self._lock:
            if self._reached >= position:
                return 0
            return self._catch_up(None)

    def _catch_up(self, progress: Progress | None) -> int:
        applied = 0
        while True:
            with self._writing() as connection:
                position = tracking.lock_position(connection, self.name, self.log.application_name)
                batch = RowBatch(connection)
                count, position, head = self._apply_page(batch, position)
                batch.flush()
                tracking.write_position(connection, self.name, position)
            self._reached = max(self._reached, position)
            applied += count
            if progress is not None:
                progress(position, head)
            if position >= head:
                return applied

    def rebuild(self, progress: Progress | None = None) -> Rebuilt:
        """Replay the whole log and make the tables hold exactly what it gives, in ONE transaction.

        Readers keep seeing the old rows until the commit (MVCC on PostgreSQL, WAL on SQLite), so no
        one ever reads a half-built table, and a crash leaves the old tables whole. Rows are merged in
        memory across pages, then compared with the stored ones: only the rows that differ are
        written (none, when live updating kept the tables right, which the result tells). A rebuild
        of more than ``REBUILD_FLUSH_ROWS`` rows empties the tables instead and fills them in flushes
        of that size, with plain inserts.
        """
        applied, emptied = 0, False
        tables = self.projection.tables()
        with self._lock, self._writing() as connection:
            tracking.lock_position(connection, self.name, self.log.application_name)
            tracking.reset_position(connection, self.name)
            position = tracking.lock_position(connection, self.name, self.log.application_name)
            batch = RowBatch(connection, tables_empty=True)
            while True:
                count, position, head = self._apply_page(batch, position)
                applied += count
                if batch.pending >= REBUILD_FLUSH_ROWS:
                    if not emptied:
                        empty_tables(connection, tables)
                        emptied = True
                    batch.flush()
                if progress is not None:
                    progress(position, head)
                if position >= head:
                    break
            if emptied:
                batch.flush()
                changed = None
            else:
                changed = batch.replace(tables)
            tracking.write_position(connection, self.name, position)
        self._reached = max(self._reached, position)
        return Rebuilt(events=applied, rows_changed=changed)

    def _apply_page(self, batch: RowBatch, position: int) -> tuple[int, int, int]:
        """Apply one page of events after ``position`` to ``batch``; returns (applied, new position, head)."""
        head = self.log.head()
        if position >= head:
            return 0, position, head
        notifications = self.log.read(position, self.batch_size, head, self.projection.topics())
        for notification in notifications:
            self.projection.apply(batch, self.log.decode(notification))
        # A short page means nothing the projection reads lies between its last event and the head.
        new_position = notifications[-1].id if len(notifications) == self.batch_size else head
        return len(notifications), new_position, head

    def status(self) -> Status:
        with self.engine.connect() as connection:
            position = tracking.read_position(connection, self.name)
        head = self.log.head()
        pending = self.log.read(position, head, head, self.projection.topics()) if position < head else []
        return Status(projection=self.name, position=position, head=head, behind=len(pending))
