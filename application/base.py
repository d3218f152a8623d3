"""The application of one school-year base: every use case, over one event store."""

from __future__ import annotations

from application.accounts import AccountUseCases
from application.directory import DirectoryCommands
from application.directory_queries import DirectoryQueries
from application.imports.importer import ImportUseCases


class SchoolYearBase(AccountUseCases, DirectoryCommands, DirectoryQueries, ImportUseCases):
    """One school in one year. The name is fixed: it names the PostgreSQL tables of every base."""

    name = "cartable"
