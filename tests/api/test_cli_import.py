"""``cartable import``: the corpus's STS-WEB sample imported from the command line, exit codes and JSON report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from adapters.passwords import Argon2Hasher
from application.ports import Clock
from tests.api.cli_support import Operator
from tests.corpus import CORPUS, REPORT_KEYS

STS = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"
EDT_STS = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"
UAI = "0750001U"  # the valid code next to the sample's constructed 0750001A

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@pytest.fixture
def cli(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock) -> Iterator[Operator]:
    """``cartable`` on one data directory, with a school created in it."""
    operator = Operator(tmp_path / "var", fast_hasher, clock, UAI)
    created = operator.run("school", "create", "--uai", UAI, "--name", "Collège du corpus", "--json")
    assert created.exit_code == 0, created.output
    yield operator
    operator.close()


def report(cli: Operator, *args: str) -> dict[str, Any]:
    """The import's JSON report, with every key a report has."""
    payload = cli.json(*args)
    assert set(payload) == REPORT_KEYS
    return payload


def import_sts(cli: Operator, *options: str) -> Result:
    return cli.run("import", "sts", str(STS), "--uai", UAI, "--year", "2026", *options)


def test_a_file_of_another_school_is_refused_naming_its_uai(cli: Operator) -> None:
    result = import_sts(cli)

    assert result.exit_code == 2, result.output
    assert "0750001A" in result.output
    assert "--force-uai" in result.output
    assert report(cli, "import", "sts", str(STS), "--uai", UAI, "--dry-run", "--force-uai")["created"] > 0


def test_with_force_uai_the_sample_imports_and_a_second_run_writes_nothing(cli: Operator) -> None:
    first = report(cli, "import", "sts", str(STS), "--uai", UAI, "--year", "2026", "--force-uai")

    assert first["kind"] == "sts"
    assert first["dry_run"] is False
    assert first["rejected"] == []
    assert first["created"] > 0
    assert first["events"] > 0
    assert first["files"] == [{"name": STS.name, "sha256": first["file_sha256"]}]

    again = report(cli, "import", "sts", str(STS), "--uai", UAI, "--year", "2026", "--force-uai")
    assert (again["created"], again["updated"], again["events"]) == (0, 0, 0)
    assert again["unchanged"] == first["created"]


def test_the_text_report_names_the_counts_and_the_file(cli: Operator) -> None:
    result = import_sts(cli, "--force-uai")

    assert result.exit_code == 0, result.output
    assert "sts import" in result.stdout
    assert STS.name in result.stdout


def test_an_unknown_kind_is_a_usage_error(cli: Operator) -> None:
    result = cli.run("import", "gepi", str(STS), "--uai", UAI)

    assert result.exit_code == 2
    assert "unknown import 'gepi'" in result.output


def test_a_missing_file_is_a_usage_error(cli: Operator, tmp_path: Path) -> None:
    missing = tmp_path / "absent.xml"

    result = cli.run("import", "sts", str(missing), "--uai", UAI)

    assert result.exit_code == 2
    assert "no such file" in result.output


def test_the_timetable_emp_sts_file_is_refused_with_an_explicit_message(cli: Operator) -> None:
    result = cli.run("import", "sts", str(EDT_STS), "--uai", UAI, "--force-uai")

    assert result.exit_code == 2, result.output
    assert "emp_sts timetable file (EDT_STS)" in " ".join(result.output.split())
