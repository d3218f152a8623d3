"""How a student's register marks become absence periods and the figures a bulletin prints.

Nothing here is stored: periods follow from the marks, and change whenever a mark is corrected, so
they are worked out when they are read, from the student's register entries and the reasons the
school-life office set over spans of time (see :mod:`domain.attendance_file`).

- Consecutive missed lessons form one period, across the midday break and across days; anything
  else in between breaks it: a lesson the student attended, a lateness, an exclusion, a visit to the
  infirmary, and a call not taken with no mark (we do not know, so we never guess).
- A lesson's reason is that of the last span set that contains its start: a later decision over the
  same time wins, whatever the periods look like today. A span is half-open, ``[first, last)``, so a
  span ending at 10:00 does not cover the lesson starting at 10:00. It covers absences and
  latenesses alike, whatever the reason's kind: the office chose the span.
- A missed lesson counts (on the bulletin) unless its reason says it does not (a school trip, an
  exam); one with no reason counts. Half-days are PRONOTE's "demi-journées brutes": one missed
  counting lesson makes its half-day an absence, justified when every counting lesson missed in it
  has a justified reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from uuid import UUID

from domain.absence_reason import ReasonFlags, ReasonKind
from domain.register import MarkKind
from domain.school_calendar import HeldOnADay, half_day

HalfDay = tuple[date, int]  # (day, 0) morning, (day, 1) afternoon
EntryKey = tuple[date, time, time, UUID]  # the order of a student's lessons: day, start, end, register


@dataclass(frozen=True)
class ReasonView:
    """A reason as the rules need it: its code, label and flags as they are now."""

    code: str
    label: str
    kind: ReasonKind
    flags: ReasonFlags


@dataclass(frozen=True)
class ReasonSpan:
    """A reason set over ``[first, last)`` (UTC instants); ``settled``: the office closed the matter."""

    first: datetime
    last: datetime
    reason: ReasonView
    settled: bool

    def covers(self, at: datetime) -> bool:
        return self.first <= at < self.last


@dataclass(frozen=True)
class StudentEntry(HeldOnADay):
    """One lesson a student was expected in: when it took place and what the call says of them.

    ``taken``: the call was closed; ``mark`` None is "present" when it was, "unknown" when it was not.
    """

    register_id: UUID
    day: date
    start: time
    end: time
    taken: bool
    mark: MarkKind | None = None
    minutes: int | None = None  # a lateness's minutes

    @property
    def key(self) -> EntryKey:
        return (self.day, self.start, self.end, self.register_id)

    @property
    def absent(self) -> bool:
        return self.mark is MarkKind.ABSENT


@dataclass(frozen=True)
class AbsentLesson:
    """A missed lesson with what its reason makes of it (``reason`` None: none, or hidden from families)."""

    register_id: UUID
    day: date
    start: time
    end: time
    minutes: int
    reason: ReasonView | None
    justified: bool
    settled: bool
    counts: bool

    @property
    def half_day(self) -> HalfDay:
        return half_day(self.day, self.start)


@dataclass(frozen=True)
class Period:
    """Consecutive missed lessons: from the start of the first to the end of the last."""

    first: datetime
    last: datetime
    lessons: tuple[AbsentLesson, ...]
    reason: ReasonView | None  # the lessons' reason when they all have the same one
    justified: bool  # every lesson has a justified reason
    settled: bool  # every lesson's reason was set as settled
    counts: bool  # some lesson counts as an absence

    @property
    def register_ids(self) -> tuple[UUID, ...]:
        return tuple(lesson.register_id for lesson in self.lessons)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def half_days(self) -> frozenset[HalfDay]:
        return frozenset(lesson.half_day for lesson in self.lessons)


@dataclass(frozen=True)
class Lateness:
    register_id: UUID
    day: date
    start: time
    minutes: int
    reason: ReasonView | None
    justified: bool


@dataclass(frozen=True)
class Figures:
    """What a bulletin prints about attendance over a period of the year."""

    absence_half_days: int
    justified_half_days: int
    unjustified_half_days: int
    absence_minutes: int  # of counting lessons
    lateness_count: int
    lateness_minutes: int
    unjustified_lateness: int


@dataclass(frozen=True)
class Summary(Figures):
    """The figures with the periods and latenesses they come from, in order."""

    periods: tuple[Period, ...]
    latenesses: tuple[Lateness, ...]

    def figures(self) -> Figures:
        return Figures(**{field.name: getattr(self, field.name) for field in fields(Figures)})


def reason_at(spans: Sequence[ReasonSpan], at: datetime) -> ReasonSpan | None:
    """The span that decides the reason of what starts at ``at``: the last one set that contains it."""
    for span in reversed(spans):
        if span.covers(at):
            return span
    return None


def absence_periods(
    entries: Iterable[StudentEntry], spans: Sequence[ReasonSpan], *, published_only: bool = False
) -> tuple[Period, ...]:
    """The periods of one student's entries (any order), in order."""
    runs: list[list[StudentEntry]] = []
    previous_absent = False
    for entry in sorted(entries, key=lambda e: e.key):
        if entry.absent:
            if not previous_absent:
                runs.append([])
            runs[-1].append(entry)
        previous_absent = entry.absent
    return tuple(period_of(run, spans, published_only) for run in runs)


def latenesses(
    entries: Iterable[StudentEntry], spans: Sequence[ReasonSpan], *, published_only: bool = False
) -> tuple[Lateness, ...]:
    """Each late entry, in order: one lateness per lesson, whatever its minutes."""
    late = sorted((e for e in entries if e.mark is MarkKind.LATE), key=lambda e: e.key)
    return tuple(lateness_of(entry, spans, published_only) for entry in late)


def summarize(entries: Iterable[StudentEntry], spans: Sequence[ReasonSpan], *, published_only: bool = False) -> Summary:
    """One student's figures, periods and latenesses over ``entries`` (canteen registers left out).

    ``published_only`` is the families' view: a confidential reason is hidden (shown as none), the
    figures stay what the school counts.
    """
    listed = list(entries)
    return summary_of(
        absence_periods(listed, spans, published_only=published_only),
        latenesses(listed, spans, published_only=published_only),
    )


def absent_half_days(periods: Iterable[Period]) -> dict[HalfDay, bool]:
    """Every half-day with a counting missed lesson, and whether it is justified."""
    justified: dict[HalfDay, bool] = {}
    for lesson in (lesson for period in periods for lesson in period.lessons if lesson.counts):
        justified[lesson.half_day] = justified.get(lesson.half_day, True) and lesson.justified
    return justified


def summary_of(periods: tuple[Period, ...], late: tuple[Lateness, ...]) -> Summary:
    """The figures of periods and latenesses already worked out."""
    half_days = absent_half_days(periods)
    justified = sum(half_days.values())
    return Summary(
        absence_half_days=len(half_days),
        justified_half_days=justified,
        unjustified_half_days=len(half_days) - justified,
        absence_minutes=sum(lesson.minutes for period in periods for lesson in period.lessons if lesson.counts),
        lateness_count=len(late),
        lateness_minutes=sum(lateness.minutes for lateness in late),
        unjustified_lateness=sum(not lateness.justified for lateness in late),
        periods=periods,
        latenesses=late,
    )


def _shown(reason: ReasonView | None, published_only: bool) -> ReasonView | None:
    return None if reason is None or (published_only and not reason.flags.published) else reason


def _absent_lesson(entry: StudentEntry, spans: Sequence[ReasonSpan], published_only: bool) -> AbsentLesson:
    span = reason_at(spans, entry.starts_at)
    reason = None if span is None else span.reason
    return AbsentLesson(
        register_id=entry.register_id,
        day=entry.day,
        start=entry.start,
        end=entry.end,
        minutes=max(0, int((entry.ends_at - entry.starts_at).total_seconds()) // 60),
        reason=_shown(reason, published_only),
        justified=reason is not None and reason.flags.justified,
        settled=span is not None and span.settled,
        counts=reason is None or reason.flags.counts_as_absence,
    )


def period_of(run: Sequence[StudentEntry], spans: Sequence[ReasonSpan], published_only: bool) -> Period:
    """The period of consecutive missed lessons ``run`` (in order), with their reasons."""
    lessons = tuple(_absent_lesson(entry, spans, published_only) for entry in run)
    reasons = {lesson.reason for lesson in lessons}
    return Period(
        first=run[0].starts_at,
        last=max(entry.ends_at for entry in run),
        lessons=lessons,
        reason=next(iter(reasons)) if len(reasons) == 1 else None,
        justified=all(lesson.justified for lesson in lessons),
        settled=all(lesson.settled for lesson in lessons),
        counts=any(lesson.counts for lesson in lessons),
    )


def lateness_of(entry: StudentEntry, spans: Sequence[ReasonSpan], published_only: bool) -> Lateness:
    """A late entry with its reason."""
    span = reason_at(spans, entry.starts_at)
    reason = None if span is None else span.reason
    return Lateness(
        register_id=entry.register_id,
        day=entry.day,
        start=entry.start,
        minutes=entry.minutes or 0,
        reason=_shown(reason, published_only),
        justified=reason is not None and reason.flags.justified,
    )
