"""Who is acting: the session on whose behalf commands run, so that every write names its author.

The HTTP edge sets it around each request of a logged-in caller; a unit of work that commits
changes while it is set adds ``Session.ChangesMade`` to the same transaction. Operators' CLI
commands run with no session, and their writes are logged instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

_acting_session: ContextVar[UUID | None] = ContextVar("acting_session", default=None)


def acting_session() -> UUID | None:
    return _acting_session.get()


@contextmanager
def acting_as(session_id: UUID) -> Iterator[None]:
    token = _acting_session.set(session_id)
    try:
        yield
    finally:
        _acting_session.reset(token)
