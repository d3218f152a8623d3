"""The registry of bases: opens (school, year) bases lazily and keeps a bounded number open.

It is the only place that knows how a base is found: HTTP routes and logins name a school, and use
its current base (its newest); the CLI names a year, defaulting to the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import partial

import structlog

from application.accounts import Credentials
from application.base import SchoolYearBase
from application.calendar import current_school_year, parse_plausible_year
from application.errors import NotFound
from application.ports import BaseStorage, Clock, LetterPrinter, Mailer, PasswordHasher
from domain.errors import AlreadyExists
from domain.values import Uai, parse_text, parse_uai

DEFAULT_MAX_OPEN = 16
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

log = structlog.get_logger(__name__)


class Bases:
    """Every school-year base this service holds, through one storage (SQLite folders or PG schemas).

    Every base it opens shares the registry's ways to reach people: the mailer (none: no mail is
    sent), the printer of connection letters (none: no letters) and the public address printed in both.
    """

    def __init__(
        self,
        storage: BaseStorage,
        hasher: PasswordHasher,
        clock: Clock,
        *,
        max_open: int = DEFAULT_MAX_OPEN,
        mailer: Mailer | None = None,
        printer: LetterPrinter | None = None,
        public_url: str = DEFAULT_PUBLIC_URL,
    ) -> None:
        self.storage = storage
        self.hasher = hasher
        self.clock = clock
        self.max_open = max_open
        self.mailer = mailer
        self.printer = printer
        self.public_url = public_url
        self._open: OrderedDict[tuple[str, int], SchoolYearBase] = OrderedDict()
        self._lock = threading.RLock()

    def school_year_now(self) -> int:
        return current_school_year(self.clock())

    def default_year(self, uai: str) -> int:
        """The year a command means when it names none: the school's newest base, else this school year."""
        school = parse_uai(uai)
        for year in self.storage.years(school):
            if self._load(school, year) is not None:
                return year
        return self.school_year_now()

    def current(self, uai: str) -> SchoolYearBase:
        """The school's current base: its newest (sealing comes with the rollover)."""
        school = parse_uai(uai)
        for year in self.storage.years(school):
            base = self._load(school, year)
            if base is not None:
                return base
        raise NotFound(f"school {school} has no base")

    def open(self, uai: str, year: int) -> SchoolYearBase:
        """An existing base; an unknown one is :class:`NotFound` and nothing is created."""
        school = parse_uai(uai)
        base = self._load(school, year)
        if base is None:
            raise NotFound(f"school {school} has no base for {year}")
        return base

    def create(self, uai: str, year: int, name: str) -> tuple[SchoolYearBase, Credentials]:
        """A new base with its school and super-administrator; refused whole if anything is wrong."""
        school = parse_uai(uai)
        parse_plausible_year(year, self.clock())
        school_name = parse_text(name, "name", max_length=200)
        with self._lock:
            if self._load(school, year) is not None:
                raise AlreadyExists(f"school {school} already has a base for {year}", field="year")
            self.storage.prepare(school, year)
            base = self._construct(school, year)
            try:
                credentials = base.execute(lambda unit: base.register_school(unit, name=school_name))
            except BaseException:
                self._release(school, year, base)
                raise
            log.info("base_created", uai=school, year=year)
            return self._remember(school, year, base), credentials

    def close(self) -> None:
        with self._lock:
            while self._open:
                (school, year), base = self._open.popitem(last=False)
                self._release(school, year, base)
        self.storage.close()

    def _construct(self, uai: Uai, year: int) -> SchoolYearBase:
        return SchoolYearBase(
            uai=uai,
            year=year,
            env=self.storage.event_store_env(uai, year),
            views=self.storage.views_engine(uai, year),
            exclusive=partial(self.storage.exclusive, uai, year),
            hasher=self.hasher,
            clock=self.clock,
            mailer=self.mailer,
            printer=self.printer,
            public_url=self.public_url,
        )

    def _load(self, uai: Uai, year: int) -> SchoolYearBase | None:
        """The open base, or the base opened now if its school is registered, else None."""
        with self._lock:
            base = self._open.get((uai, year))
            if base is not None:
                self._open.move_to_end((uai, year))
                return base
            if year not in self.storage.years(uai):
                return None
            base = self._construct(uai, year)
            if base.school() is None:  # a creation that failed half-way: not a base
                self._release(uai, year, base)
                return None
            return self._remember(uai, year, base)

    def _remember(self, uai: Uai, year: int, base: SchoolYearBase) -> SchoolYearBase:
        self._open[(uai, year)] = base
        while len(self._open) > self.max_open:
            (old_uai, old_year), old = self._open.popitem(last=False)
            self._release(old_uai, old_year, old)
        return base

    def _release(self, uai: str, year: int, base: SchoolYearBase) -> None:
        base.close()
        self.storage.release(uai, year)
