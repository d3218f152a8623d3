"""The corpus's timetable file imported from the command line, then a week of registers made from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.passwords import Argon2Hasher
from application.ports import Clock
from tests.api.cli_support import Operator
from tests.corpus import CORPUS

STS = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"
EDT = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"
UAI = "0750001U"  # the valid code next to the samples' constructed 0750001A

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@pytest.fixture
def cli(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock) -> Iterator[Operator]:
    operator = Operator(tmp_path / "var", fast_hasher, clock, UAI)
    assert operator.run("school", "create", "--uai", UAI, "--name", "Collège du corpus", "--json").exit_code == 0
    yield operator
    operator.close()


def test_the_timetable_needs_its_teachers_from_sts_first(cli: Operator) -> None:
    refused = cli.json("import", "timetable", str(EDT), "--uai", UAI, "--force-uai", "--json")

    assert refused["created"] == 1  # the calendar's alternations; every lesson names an unknown teacher
    assert len(refused["rejected"]) == 10
    assert "import STS-WEB first" in refused["rejected"][0]["reason"]


def test_the_corpus_timetable_imports_once_and_makes_registers(cli: Operator) -> None:
    assert cli.run("import", "sts", str(STS), "--uai", UAI, "--force-uai", "--json").exit_code == 0

    imported = cli.json("import", "timetable", str(EDT), "--uai", UAI, "--force-uai", "--json")
    again = cli.json("import", "timetable", str(EDT), "--uai", UAI, "--force-uai", "--json")
    week = cli.json("registers", "generate", "--uai", UAI, "--from", "2026-11-23", "--to", "2026-11-27", "--json")
    same_week = cli.json("registers", "generate", "--uai", UAI, "--from", "2026-11-23", "--to", "2026-11-27", "--json")

    assert (imported["created"], imported["rejected"]) == (11, [])  # the alternations and 10 lessons
    assert (again["events"], again["unchanged"]) == (0, 11)
    # 2026-11-23 is an A week: two groups × (4 weekly lessons + the A-week Wednesday for German).
    assert (week["school_days"], week["created"]) == (5, 9)
    assert (same_week["created"], same_week["existing"]) == (0, 9)


def test_registers_for_more_than_a_month_are_a_usage_error(cli: Operator) -> None:
    result = cli.run("registers", "generate", "--uai", UAI, "--from", "2026-11-02", "--to", "2026-12-31")

    assert result.exit_code == 2
    assert "last" in result.output
