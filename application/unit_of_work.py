"""The aggregates one command (or one batch of a bulk job) changes, saved together.

Use cases load and create aggregates through a unit of work instead of saving them: the API commits
after each command, bulk callers (demo, imports) every few hundred aggregates, which is where the
store's throughput is (one ``save`` of many aggregates is one transaction).
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from application.acting import Acting, acting
from application.errors import NotFound
from domain.errors import AlreadyExists
from domain.session import Session

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    """An identity map of the aggregates a command touches; ``commit`` saves them in one transaction."""

    def __init__(self, app: Application[UUID], *, read_only: bool = False) -> None:
        self._app = app
        # A reader (a request's authentication) looks at the cached aggregates themselves instead of
        # a deep copy of each, which cost a third of loading them; it may never change or save them.
        self.read_only = read_only
        self._aggregates: dict[UUID, Aggregate] = {}
        # Ids found to have no events: asking again (a login looks at its guards twice) costs a query each.
        self._absent: set[UUID] = set()
        self.events = 0
        self.committed_kinds: set[type] = set()  # the event classes saved so far: which projections to feed
        self.committed_up_to = 0  # the notification id of the last event saved: how far they must get

    def __len__(self) -> int:
        return len(self._aggregates)

    def create(self, aggregate: A, *, natural_key: str | None = None) -> A:
        """Add a new aggregate; with a natural key, refuse one that exists already."""
        if natural_key is not None and self._exists(aggregate.id):
            raise AlreadyExists(f"{natural_key} already exists", field=natural_key.split(" ", 1)[0])
        self._aggregates[aggregate.id] = aggregate
        self._absent.discard(aggregate.id)
        return aggregate

    def find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with that id, from this unit or the store, or None."""
        aggregate = self._aggregates.get(aggregate_id)
        if aggregate is None:
            if aggregate_id in self._absent:
                return None
            try:
                aggregate = self._app.repository.get(aggregate_id, deepcopy_from_cache=not self.read_only)
            except AggregateNotFoundError:
                self._absent.add(aggregate_id)
                return None
            self._aggregates[aggregate_id] = aggregate
        return aggregate if isinstance(aggregate, kind) else None

    def get(self, kind: type[A], aggregate_id: UUID, what: str) -> A:
        """Like :meth:`find`, but an unknown id is :class:`NotFound` naming ``what``."""
        aggregate = self.find(kind, aggregate_id)
        if aggregate is None:
            raise NotFound(f"{what} {aggregate_id} does not exist")
        return aggregate

    def prefetch(self, aggregate_ids: set[UUID], page_size: int = 5000) -> None:
        """Load many aggregates in one pass over the notification log instead of one query each.

        An import touches thousands of aggregates: one query each costs a round trip each (seconds on
        PostgreSQL); reading the log in pages and folding the wanted events costs a fraction of that.
        """
        wanted = aggregate_ids - self._aggregates.keys()
        events: dict[UUID, list[Any]] = {}
        position = 0
        while wanted:
            page = self._app.recorder.select_notifications(start=position, limit=page_size, inclusive_of_start=False)
            if not page:
                break
            for notification in page:
                if notification.originator_id in wanted:
                    events.setdefault(UUID(str(notification.originator_id)), []).append(notification)
            position = page[-1].id
        for aggregate_id, notifications in events.items():
            aggregate: Any = None
            for notification in notifications:
                domain_event: Any = self._app.mapper.to_domain_event(notification)
                aggregate = domain_event.mutate(aggregate)
            if aggregate is not None:
                self._aggregates[aggregate_id] = aggregate

    def replace(self, aggregate: Aggregate) -> None:
        """Put back an earlier copy of an aggregate (an import undoing a refused record's changes)."""
        self._aggregates[aggregate.id] = aggregate

    def changes(self) -> list[Any]:
        """The events this unit would save now, in order, aggregate by aggregate."""
        return [e for a in self._aggregates.values() for e in a.pending_events]

    @property
    def pending_events(self) -> int:
        return sum(len(a.pending_events) for a in self._aggregates.values())

    def _attribute(self) -> Acting | None:
        """Attribute the changes to the acting session; the acting session when its due keep-alive went with them."""
        current = acting()
        if current is None:
            return None
        changes = [
            {"aggregate_id": str(e.originator_id), "event": type(e).__qualname__}
            for e in self.changes()
            if e.originator_id != current.session_id
        ]
        session: Session | None = None
        if changes:
            session = self.get(Session, current.session_id, "session")
            session.record_changes(changes)
        elif isinstance(found := self._aggregates.get(current.session_id), Session) and found.pending_events:
            session = found  # the request's journal line
        if session is None or current.keep_alive_at is None:
            return None
        session.mark_used(current.keep_alive_at)
        return current

    def _exists(self, aggregate_id: UUID) -> bool:
        if aggregate_id in self._aggregates:
            return True
        return bool(self._app.recorder.select_events(aggregate_id, limit=1))

    def commit(self) -> int:
        """Save every pending event in one transaction; returns how many were written.

        Changes made on behalf of a session are attributed to it in the same transaction.
        """
        if self.read_only:
            raise RuntimeError("a read-only unit of work holds the cached aggregates themselves: it never saves")
        kept_alive = self._attribute()
        pending = [a for a in self._aggregates.values() if a.pending_events]
        count = sum(len(a.pending_events) for a in pending)
        if pending:
            kinds = {type(e) for a in pending for e in a.pending_events}
            recordings = self._app.save(*pending)
            if kept_alive is not None:
                kept_alive.keep_alive_at = None  # written: the end of the request has nothing left to do
            self.committed_kinds |= kinds
            self.committed_up_to = max([self.committed_up_to, *(r.notification.id for r in recordings)])
        self._aggregates.clear()
        self._absent.clear()
        self.events += count
        return count
