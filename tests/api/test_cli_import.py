"""``cartable import``: the corpus's STS-WEB sample imported from the command line, exit codes and JSON report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.bootstrap import build_bases
from api.cli import make_cli
from application.ports import Clock
from application.registry import Bases
from tests.corpus import CORPUS, REPORT_KEYS

STS = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"
EDT_STS = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"
UAI = "0750001U"  # the valid code next to the sample's constructed 0750001A

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


class Cli:
    """``cartable`` on one data directory, with a school created in it."""

    def __init__(self, data_dir: Path, registry: Callable[[Settings], Bases]) -> None:
        self.runner = CliRunner()
        self.cli = make_cli(registry)
        self.env = {"CARTABLE_DATA_DIR": str(data_dir), "CARTABLE_DATABASE_URL": "", "CARTABLE_LOG_LEVEL": "info"}

    def run(self, *args: str) -> Result:
        return self.runner.invoke(self.cli, list(args), env=self.env)

    def report(self, *args: str) -> dict[str, Any]:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        payload: dict[str, Any] = json.loads(result.stdout)
        assert set(payload) == REPORT_KEYS
        return payload


@pytest.fixture
def cli(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock) -> Cli:
    def registry(settings: Settings) -> Bases:
        return build_bases(settings, hasher=fast_hasher, clock=clock)

    runner = Cli(tmp_path / "var", registry)
    created = runner.run("school", "create", "--uai", UAI, "--name", "Collège du corpus", "--json")
    assert created.exit_code == 0, created.output
    return runner


def import_sts(cli: Cli, *options: str) -> Result:
    return cli.run("import", "sts", str(STS), "--uai", UAI, "--year", "2026", *options)


def test_a_file_of_another_school_is_refused_naming_its_uai(cli: Cli) -> None:
    result = import_sts(cli)

    assert result.exit_code == 2, result.output
    assert "0750001A" in result.output
    assert "--force-uai" in result.output
    assert cli.report("import", "sts", str(STS), "--uai", UAI, "--dry-run", "--force-uai")["created"] > 0


def test_with_force_uai_the_sample_imports_and_a_second_run_writes_nothing(cli: Cli) -> None:
    first = cli.report("import", "sts", str(STS), "--uai", UAI, "--year", "2026", "--force-uai")

    assert first["kind"] == "sts"
    assert first["dry_run"] is False
    assert first["rejected"] == []
    assert first["created"] > 0
    assert first["events"] > 0
    assert first["files"] == [{"name": STS.name, "sha256": first["file_sha256"]}]

    again = cli.report("import", "sts", str(STS), "--uai", UAI, "--year", "2026", "--force-uai")
    assert (again["created"], again["updated"], again["events"]) == (0, 0, 0)
    assert again["unchanged"] == first["created"]


def test_the_text_report_names_the_counts_and_the_file(cli: Cli) -> None:
    result = import_sts(cli, "--force-uai")

    assert result.exit_code == 0, result.output
    assert "sts import" in result.stdout
    assert STS.name in result.stdout


def test_an_unknown_kind_is_a_usage_error(cli: Cli) -> None:
    result = cli.run("import", "gepi", str(STS), "--uai", UAI)

    assert result.exit_code == 2
    assert "unknown import 'gepi'" in result.output


def test_a_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "absent.xml"

    result = cli.run("import", "sts", str(missing), "--uai", UAI)

    assert result.exit_code == 2
    assert "no such file" in result.output


def test_the_timetable_emp_sts_file_is_refused_with_an_explicit_message(cli: Cli) -> None:
    result = cli.run("import", "sts", str(EDT_STS), "--uai", UAI, "--force-uai")

    assert result.exit_code == 2, result.output
    assert "emp_sts timetable file (EDT_STS)" in " ".join(result.output.split())
