"""What every step of one import shares: the unit of work, the directory's keys, the report."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from eventsourcing.domain import Aggregate

from application.imports.records import Origin
from application.imports.report import ImportReport
from application.unit_of_work import UnitOfWork
from domain.errors import DomainError
from domain.values import sort_key
from projections.directory_index import DirectoryIndex


@dataclass
class ImportContext:
    unit: UnitOfWork
    index: DirectoryIndex
    report: ImportReport
    today: date

    @contextmanager
    def record(self, origin: Origin, *aggregates: Aggregate) -> Iterator[None]:
        """Import one record all or nothing: a refusal restores the aggregates it touched and is reported.

        The aggregates may carry events of earlier records of this import; only this record's go.
        """
        saved = [_snapshot(aggregate) for aggregate in aggregates]
        try:
            yield
        except DomainError as error:
            for aggregate in saved:
                self.unit.replace(aggregate)
            self.report.reject(origin, error.message)


def _snapshot(aggregate: Aggregate) -> Aggregate:
    """A copy to restore: the aggregates' containers hold immutable values (ids, codes, frozen
    records, events), so copying each container is enough, and far cheaper than a deep copy."""
    clone = copy.copy(aggregate)
    for name, value in vars(aggregate).items():
        if isinstance(value, dict | set | list):
            vars(clone)[name] = copy.copy(value)
    return clone


def outcome(aggregate: Aggregate, events_before: int) -> str:
    """``updated`` when the record gave the aggregate new events, else ``unchanged``."""
    return "updated" if len(aggregate.pending_events) > events_before else "unchanged"


def pending(aggregate: Aggregate) -> int:
    return len(aggregate.pending_events)


def name_key(last_name: str | None, first_name: str | None) -> str:
    """The directory's sort key of a name as a file writes it (spaces folded as the domain folds them)."""
    return sort_key(" ".join((last_name or "").split()), " ".join((first_name or "").split()))
