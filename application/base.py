"""The application of one school-year base: every use case, over one event store."""

from __future__ import annotations

from application.absences import AbsenceUseCases
from application.access_queries import AccessQueries
from application.account_issuing import AccountIssuing
from application.account_opening import AccountOpening
from application.accounts import AccountUseCases
from application.directory import DirectoryCommands
from application.espaces import EspaceUseCases
from application.imports.importer import ImportUseCases
from application.profiles import ProfileUseCases
from application.recovery import RecoveryUseCases
from application.registers import RegisterUseCases
from application.sessions import SessionUseCases
from application.timetable_feeds import TimetableFeeds


class SchoolYearBase(
    AccountUseCases,
    AccountIssuing,
    AccountOpening,
    SessionUseCases,
    DirectoryCommands,
    AccessQueries,
    ImportUseCases,
    ProfileUseCases,
    EspaceUseCases,
    RecoveryUseCases,
    RegisterUseCases,
    AbsenceUseCases,
    TimetableFeeds,
):
    """One school in one year. The name is fixed: it names the PostgreSQL tables of every base."""

    name = "cartable"
