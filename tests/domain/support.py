"""What the aggregates' tests share: rebuilding an aggregate from its events, as the event store would."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate

A = TypeVar("A", bound=Aggregate)


def replay(events: Iterable[CanMutateAggregate[UUID]]) -> Any:
    """The aggregate the events rebuild, one after the other from nothing (None when there are none)."""
    aggregate: Any = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def replayed(aggregate: A) -> A:
    """``aggregate`` rebuilt from the events it has pending (they are collected)."""
    copy = replay(aggregate.collect_events())
    assert isinstance(copy, type(aggregate))
    return copy
