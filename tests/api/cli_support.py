"""``cartable`` driven as an operator would: commands on one data directory, and its bases opened as
another process would open them, to check what the commands wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.bootstrap import build_bases
from api.cli import make_cli
from application.base import SchoolYearBase
from application.ports import Clock
from application.registry import Bases
from tests.conftest import YEAR


class Operator:
    """Runs ``cartable`` commands on one data directory (SQLite), with ``env`` added to its settings;
    :meth:`base` opens the base of ``uai`` unless told another."""

    def __init__(
        self, data_dir: Path, hasher: Argon2Hasher, clock: Clock, uai: str, env: dict[str, str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.uai = uai
        self.hasher = hasher
        self.clock = clock
        self.runner = CliRunner()
        self.env = {
            "CARTABLE_DATA_DIR": str(data_dir),
            "CARTABLE_DATABASE_URL": "",
            "CARTABLE_LOG_LEVEL": "info",
            **(env or {}),
        }
        self.cli = make_cli(self.registry)
        self._opened: list[Bases] = []

    def registry(self, settings: Settings | None = None) -> Bases:
        """A registry of bases, built as the command line builds it (fast hasher, the test's clock)."""
        chosen = settings or Settings(data_dir=self.data_dir, database_url=None)
        return build_bases(chosen, hasher=self.hasher, clock=self.clock)

    def run(self, *args: str) -> Result:
        return self.runner.invoke(self.cli, list(args), env=self.env)

    def json(self, *args: str) -> dict[str, Any]:
        """Run with ``--json``: the command must succeed; its one JSON object."""
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        payload: dict[str, Any] = json.loads(result.stdout)
        return payload

    def base(self, uai: str | None = None, year: int = YEAR) -> SchoolYearBase:
        """The base as another process sees it, through a registry of its own."""
        registry = self.registry()
        self._opened.append(registry)
        return registry.open(uai or self.uai, year)

    def head(self) -> int:
        """The head of the base's event log: the notification id of the last event written."""
        return self.base().recorder.max_notification_id() or 0

    def close(self) -> None:
        for registry in self._opened:
            registry.close()
