"""Who is acting: the session on whose behalf commands run, so that every write names its author.

The HTTP edge sets it around each request of a logged-in caller; a unit of work that commits
changes while it is set adds ``Session.ChangesMade`` to the same transaction. Operators' CLI
commands run with no session, and their writes are logged instead.

It also carries a keep-alive that is due (the session was last used a minute ago or more): the
request's first write to its session (its journal line, or the attribution of its changes) takes it
along in the same transaction; a request that writes nothing to its session writes it at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass
class Acting:
    session_id: UUID
    keep_alive_at: datetime | None = None  # due and not written yet


_acting: ContextVar[Acting | None] = ContextVar("acting", default=None)


def acting() -> Acting | None:
    return _acting.get()


def acting_session() -> UUID | None:
    current = _acting.get()
    return current.session_id if current is not None else None


@contextmanager
def acting_as(session_id: UUID, keep_alive_at: datetime | None = None) -> Iterator[Acting]:
    current = Acting(session_id, keep_alive_at)
    token = _acting.set(current)
    try:
        yield current
    finally:
        _acting.reset(token)
