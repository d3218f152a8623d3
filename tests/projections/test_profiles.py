"""The profiles read model: live updating and a rebuild from zero give the same rows."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import Engine, select

from application.base import SchoolYearBase
from domain.profile import TEACHER_DEFAULT, Profile, ProfileKind
from projections.profiles import Profiles
from tests.projections.support import head, rebuild_from_empty_tables

Rows = dict[str, list[dict[str, Any]]]


def dump(engine: Engine) -> Rows:
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Profiles.tables()
        }


def write_profiles(base: SchoolYearBase) -> None:
    """A profile created then edited twice, and a copy of a default one."""
    created = base.execute(
        lambda unit: base.create_profile(
            unit,
            kind="school-life",
            name="Vie scolaire 2",
            permissions=["absences.read"],
            inactivity_minutes=30,
            sees_all_students=False,
        )
    )
    for minutes in (45, 0):
        edit = partial(
            base.edit_profile,
            profile_id=created,
            permissions=["grades.read"],
            inactivity_minutes=minutes,
            sees_all_students=False,
        )
        base.execute(edit)
    source = Profile.create_id(ProfileKind.TEACHER.value, TEACHER_DEFAULT)
    base.execute(lambda unit: base.copy_profile(unit, profile_id=source, name="Profil 2"))


def test_rebuild_gives_the_rows_that_live_updating_built(base: SchoolYearBase) -> None:
    write_profiles(base)
    live = dump(base.views)
    assert len(live["profiles"]) == 7  # the five of a new base, one created, one copied
    projector = base.projectors[Profiles.name]

    rebuilt = projector.rebuild()
    assert (rebuilt.events, rebuilt.rows_changed) == (5 + 4, 0)
    assert dump(base.views) == live
    rebuild_from_empty_tables(projector)
    assert dump(base.views) == live
    assert projector.status().position == head(base)


def test_the_rows_hold_the_last_edit_and_the_copys_source(base: SchoolYearBase) -> None:
    write_profiles(base)

    with base.reading() as connection:
        edited = base.profiles.get_profile(connection, Profile.create_id("school-life", "Vie scolaire 2"))
        copy = base.profiles.get_profile(connection, Profile.create_id("teacher", "Profil 2"))

    assert edited is not None and copy is not None
    assert (edited.permissions, edited.inactivity_minutes) == (["grades.read", "session"], 0)
    assert copy.copied_from == Profile.create_id("teacher", TEACHER_DEFAULT)
