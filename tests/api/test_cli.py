"""The operators' command line, driven as an operator would: options in, text or JSON out, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.passwords import Argon2Hasher
from application.base import SchoolYearBase
from application.errors import Unauthenticated
from application.ports import Clock
from application.sessions import LoginAttempt
from domain.absence_reason import DEFAULT_REASONS
from domain.profile import default_profiles
from projections.directory import Directory
from tests.api.cli_support import Operator
from tests.conftest import YEAR

UAI = "0750655E"
STUDENTS = 60


@pytest.fixture
def operator(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock) -> Iterator[Operator]:
    operator = Operator(tmp_path / "var", fast_hasher, clock, UAI)
    yield operator
    operator.close()


def logs_in(base: SchoolYearBase, login: str, password: str) -> bool:
    try:
        base.log_in(LoginAttempt(login=login, password=password))
    except Unauthenticated:
        return False
    return True


def directory_rows(base: SchoolYearBase) -> list[list[str]]:
    with base.reading() as connection:
        return [sorted(repr(tuple(row)) for row in connection.execute(select(table))) for table in Directory.tables()]


# -- school create --------------------------------------------------------------------------------


def test_school_create_prints_the_super_admin_and_a_password_that_logs_in(operator: Operator) -> None:
    created = operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")

    assert created.keys() == {"uai", "year", "login", "password"}
    assert (created["uai"], created["year"], created["login"]) == (UAI, YEAR, "SPR")
    assert logs_in(operator.base(), "SPR", created["password"])


def test_school_create_reads_well_without_json(operator: Operator) -> None:
    result = operator.run("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand", "--year", "2026")

    assert result.exit_code == 0
    assert "SPR" in result.stdout
    assert "2026-2027" in result.stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--uai", "0750655X", "--uai: uai '0750655X' has a wrong check letter"),
        ("--year", "1999", "--year: year 1999"),
        ("--year", "2028", "not a plausible school year"),
    ],
)
def test_school_create_refuses_bad_input_and_writes_nothing(
    operator: Operator, option: str, value: str, message: str
) -> None:
    arguments = {"--uai": UAI, "--name": "Lycée Louis-le-Grand", "--year": "2026", option: value}

    result = operator.run("school", "create", *[item for pair in arguments.items() for item in pair])

    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not operator.data_dir.exists()


def test_school_create_refuses_an_existing_base_and_writes_nothing(operator: Operator) -> None:
    operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")
    before = operator.head()

    result = operator.run("school", "create", "--uai", UAI, "--name", "Autre", "--year", "2026")

    assert result.exit_code == 1
    assert "already has a base for 2026" in result.stderr
    assert operator.head() == before


def test_a_missing_option_is_a_usage_error(operator: Operator) -> None:
    result = operator.run("school", "create", "--uai", UAI)

    assert result.exit_code == 2
    assert "--name" in result.stderr


# -- demo -----------------------------------------------------------------------------------------


def test_demo_creates_the_base_and_prints_its_figures(operator: Operator) -> None:
    demo = operator.json("demo", "--uai", UAI, "--students", str(STUDENTS), "--name", "Lycée Louis-le-Grand")

    school = operator.base().school()
    assert school is not None
    assert school.name == "Lycée Louis-le-Grand"
    assert demo.keys() == {"uai", "year", "login", "password", "students", "lessons", "events", "seconds"}
    assert (demo["uai"], demo["year"], demo["students"]) == (UAI, YEAR, STUDENTS)
    # The school, its SPR account and its default profiles come first.
    assert demo["events"] == operator.head() - 2 - len(default_profiles()) - len(DEFAULT_REASONS)
    assert logs_in(operator.base(), "SPR", demo["password"])


def test_demo_refuses_a_base_that_has_people_and_writes_nothing(operator: Operator) -> None:
    first = operator.json("demo", "--uai", UAI, "--students", str(STUDENTS))
    before = operator.head()

    result = operator.run("demo", "--uai", UAI, "--students", str(STUDENTS), "--json")

    assert result.exit_code == 1
    assert "already has people" in result.stderr
    assert result.stdout == ""
    assert operator.head() == before
    assert logs_in(operator.base(), "SPR", first["password"])


def test_demo_fills_a_base_made_by_school_create_with_a_new_password(operator: Operator) -> None:
    created = operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")

    demo = operator.json("demo", "--uai", UAI, "--students", str(STUDENTS))

    assert demo["password"] != created["password"]
    assert logs_in(operator.base(), "SPR", demo["password"])
    assert not logs_in(operator.base(), "SPR", created["password"])


def test_demo_if_missing_loads_once_then_tells_how_to_log_in(operator: Operator) -> None:
    loaded = operator.json("demo", "--uai", UAI, "--students", str(STUDENTS), "--if-missing")
    before = operator.head()

    again = operator.json("demo", "--uai", UAI, "--students", str(STUDENTS), "--if-missing")
    readable = operator.run("demo", "--uai", UAI, "--if-missing")

    assert "password" in loaded
    assert again == {
        "uai": UAI,
        "year": YEAR,
        "login": "SPR",
        "loaded": False,
        "reset_password": f"cartable account reset-password --uai {UAI} --year {YEAR} --login SPR",
    }
    assert readable.exit_code == 0
    assert "cartable account reset-password" in readable.stdout
    assert operator.head() == before


# -- projections ----------------------------------------------------------------------------------


def test_status_shows_the_directory_at_the_head_of_the_log(operator: Operator) -> None:
    operator.json("demo", "--uai", UAI, "--students", str(STUDENTS))

    status = operator.json("projections", "status", "--uai", UAI)
    table = operator.run("projections", "status", "--uai", UAI, "--year", str(YEAR))

    assert [p["projection"] for p in status["projections"]] == sorted(operator.base().projectors)
    for projection in status["projections"]:
        assert projection["position"] == projection["head"] == operator.head()
        assert projection["behind"] == 0
        assert projection["projection"] in table.stdout


def test_rebuild_leaves_the_rows_live_updating_built(operator: Operator) -> None:
    operator.json("demo", "--uai", UAI, "--students", str(STUDENTS))
    live = directory_rows(operator.base())

    result = operator.run("projections", "rebuild", "directory", "--uai", UAI)

    assert result.exit_code == 0, result.output
    assert "Rebuilt directory" in result.stdout
    assert "0 rows changed" in result.stdout
    assert directory_rows(operator.base()) == live


def test_rebuild_of_an_unknown_projection_lists_the_known_ones(operator: Operator) -> None:
    operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")

    result = operator.run("projections", "rebuild", "timetable", "--uai", UAI)

    assert result.exit_code == 2
    assert (
        "unknown projection 'timetable'; known projections: " + ", ".join(sorted(operator.base().projectors))
        in result.stderr
    )


def test_status_of_a_school_without_base_is_an_error(operator: Operator) -> None:
    result = operator.run("projections", "status", "--uai", UAI)

    assert result.exit_code == 1
    assert f"school {UAI} has no base for {YEAR}" in result.stderr


# -- account --------------------------------------------------------------------------------------


def test_reset_password_issues_a_password_that_logs_in(operator: Operator) -> None:
    created = operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")

    reset = operator.json("account", "reset-password", "--uai", UAI, "--login", "SPR")

    assert reset.keys() == {"uai", "year", "login", "password"}
    assert logs_in(operator.base(), "SPR", reset["password"])
    assert not logs_in(operator.base(), "SPR", created["password"])


def test_reset_password_of_an_unknown_login_names_the_field(operator: Operator) -> None:
    operator.json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")

    result = operator.run("account", "reset-password", "--uai", UAI, "--login", "NOBODY")

    assert result.exit_code == 2
    assert "--login: login 'NOBODY' is not an account" in result.stderr


# -- the installed command ------------------------------------------------------------------------


def test_the_console_script_keeps_logs_off_the_json(tmp_path: Path) -> None:
    """The real entry point, real argon2 and real settings: stdout holds the JSON, the logs go to stderr."""
    env = {**os.environ, "CARTABLE_DATA_DIR": str(tmp_path / "var"), "CARTABLE_DATABASE_URL": ""}
    command = [sys.executable, "-c", "from api.cli import main; main()"]

    result = subprocess.run(
        [*command, "school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["login"] == "SPR"
    assert '"event": "base_created"' in result.stderr
