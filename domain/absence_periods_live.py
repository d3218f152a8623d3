"""One student's absence periods kept up to date as the registers' events arrive, one change at a time.

A change touches only the runs of missed lessons next to it (a split, a merge) instead of sorting
the whole year's lessons again; reasons are resolved when periods are read, since a reason set later
changes lessons already grouped. It gives what :func:`domain.absence_periods.summarize` gives on the
same entries, whatever the order of the changes (a property the tests check).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, time
from uuid import UUID

from domain.absence_periods import (
    EntryKey,
    Period,
    ReasonSpan,
    StudentEntry,
    Summary,
    lateness_of,
    period_of,
    summary_of,
)
from domain.register import MarkKind


class AbsencePeriods:
    """One student's entries and the runs of consecutive missed lessons among them.

    Entries are keyed by register (a student is expected once in a register); the runs are lists of
    entry keys shared by their members, so that finding the run of a lesson is one look-up.
    """

    def __init__(self, entries: Iterable[StudentEntry] = (), spans: Iterable[ReasonSpan] = ()) -> None:
        self._spans = list(spans)
        self._entries: dict[UUID, StudentEntry] = {}
        self._keys: list[EntryKey] = []  # every entry, in order
        self._runs: dict[UUID, list[EntryKey]] = {}  # a missed lesson -> its run (shared by its members)
        self._starts: list[EntryKey] = []  # the first lesson of each run, in order
        self._late: list[EntryKey] = []
        for entry in entries:
            self.expect(entry)

    @property
    def entries(self) -> tuple[StudentEntry, ...]:
        return tuple(self._entries[key[3]] for key in self._keys)

    def expect(self, entry: StudentEntry) -> None:
        """A register that now expects the student (opened, or the student joined it)."""
        if entry.register_id in self._entries:
            raise ValueError(f"register {entry.register_id} already holds this student")
        self._put(entry)

    def withdraw(self, register_id: UUID) -> None:
        """A register that no longer counts (its lesson was cancelled): its neighbours become consecutive."""
        self._take(register_id)

    def mark(self, register_id: UUID, mark: MarkKind, minutes: int | None = None) -> None:
        self._put(replace(self._take(register_id), mark=mark, minutes=minutes))

    def clear(self, register_id: UUID) -> None:
        self._put(replace(self._take(register_id), mark=None, minutes=None))

    def close(self, register_id: UUID) -> None:
        self._put(replace(self._take(register_id), taken=True))

    def move(self, register_id: UUID, day: date, start: time, end: time) -> None:
        self._put(replace(self._take(register_id), day=day, start=start, end=end))

    def set_reason(self, span: ReasonSpan) -> None:
        self._spans.append(span)

    def periods(self, *, published_only: bool = False) -> tuple[Period, ...]:
        runs = ([self._entries[key[3]] for key in self._runs[start[3]]] for start in self._starts)
        return tuple(period_of(run, self._spans, published_only) for run in runs)

    def summary(self, *, published_only: bool = False) -> Summary:
        late = tuple(lateness_of(self._entries[key[3]], self._spans, published_only) for key in self._late)
        return summary_of(self.periods(published_only=published_only), late)

    # -- keeping the runs -------------------------------------------------------------------------

    def _put(self, entry: StudentEntry) -> None:
        key = entry.key
        position = bisect_left(self._keys, key)
        self._keys.insert(position, key)
        self._entries[entry.register_id] = entry
        if entry.mark is MarkKind.LATE:
            insort(self._late, key)
        left, right = self._absent_at(position - 1), self._absent_at(position + 1)
        if left is not None and right is not None and self._runs[left] is self._runs[right]:
            run = self._runs[left]  # the entry lands inside a run: it splits it, or joins it back below
            cut = run.index(self._entries[right].key)
            self._replace_runs([run], [run[:cut], run[cut:]])
        if entry.absent:
            before = [self._runs[left]] if left is not None else []
            after = [self._runs[right]] if right is not None else []
            merged = [*(before[0] if before else []), key, *(after[0] if after else [])]
            self._replace_runs([*before, *after], [merged])

    def _take(self, register_id: UUID) -> StudentEntry:
        entry = self._entries.get(register_id)
        if entry is None:
            raise KeyError(f"register {register_id} does not hold this student")
        key = entry.key
        if entry.absent:
            run = self._runs.pop(register_id)
            cut = run.index(key)
            self._replace_runs([run], [run[:cut], run[cut + 1 :]])
        if entry.mark is MarkKind.LATE:
            del self._late[bisect_left(self._late, key)]
        position = bisect_left(self._keys, key)
        del self._keys[position]
        del self._entries[register_id]
        left, right = self._absent_at(position - 1), self._absent_at(position)
        if left is not None and right is not None and self._runs[left] is not self._runs[right]:
            # two runs the entry kept apart are now consecutive
            self._replace_runs([self._runs[left], self._runs[right]], [self._runs[left] + self._runs[right]])
        return entry

    def _absent_at(self, position: int) -> UUID | None:
        if not 0 <= position < len(self._keys):
            return None
        register_id = self._keys[position][3]
        return register_id if self._entries[register_id].absent else None

    def _replace_runs(self, old: list[list[EntryKey]], new: list[list[EntryKey]]) -> None:
        for run in old:
            del self._starts[bisect_left(self._starts, run[0])]
        for run in new:
            if run:
                insort(self._starts, run[0])
                for key in run:
                    self._runs[key[3]] = run
