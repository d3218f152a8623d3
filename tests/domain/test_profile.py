"""Profiles and groups: defined, copied and edited by the super-admin, keyed by kind and name."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import InvalidValue, RuleViolated
from domain.permissions import Permission
from domain.profile import (
    ADMINISTRATION,
    CLASS_COUNCIL,
    DOCUMENTALIST,
    MAX_INACTIVITY_MINUTES,
    SCHOOL_LIFE,
    TEACHER_DEFAULT,
    Profile,
    ProfileKind,
    default_profiles,
)
from tests.domain.support import replay, replayed

READ = frozenset({Permission.STUDENTS_READ, Permission.CLASSES_READ})


def define(kind: ProfileKind = ProfileKind.TEACHER, name: str = "Profil 2", **options: Any) -> Profile:
    return Profile.define(kind=kind, name=name, permissions=options.pop("permissions", READ), **options)


def state(profile: Profile) -> tuple[Any, ...]:
    return (
        profile.id,
        profile.kind,
        profile.name,
        profile.permissions,
        profile.inactivity_minutes,
        profile.sees_all_students,
        profile.copied_from,
    )


def test_a_profile_always_grants_the_session() -> None:
    profile = define(permissions=frozenset())

    assert profile.permissions == {Permission.SESSION}


def test_defining_a_profile_records_its_rights_sorted() -> None:
    profile = define(inactivity_minutes=45)

    [created] = profile.collect_events()
    assert isinstance(created, Profile.Created)
    assert created.permissions == ["classes.read", "session", "students.read"]
    assert (created.kind, created.name, created.inactivity_minutes) == ("teacher", "Profil 2", 45)
    assert created.copied_from is None


def test_the_id_is_the_kind_and_the_name_whatever_its_case() -> None:
    assert define(name="Profil 2").id == define(name="PROFIL 2").id == Profile.create_id("teacher", "profil 2")
    assert define(ProfileKind.SCHOOL_LIFE, "Profil 2").id != define(ProfileKind.TEACHER, "Profil 2").id


def test_the_name_is_trimmed_and_its_spaces_folded() -> None:
    assert define(name="  Vie   scolaire 2 ").name == "Vie scolaire 2"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_blank_or_long_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        define(name=name)
    assert raised.value.field == "name"


@pytest.mark.parametrize("minutes", [0, 1, MAX_INACTIVITY_MINUTES])
def test_an_inactivity_delay_of_zero_to_a_day_is_accepted(minutes: int) -> None:
    assert define(inactivity_minutes=minutes).inactivity_minutes == minutes


@pytest.mark.parametrize("minutes", [-1, MAX_INACTIVITY_MINUTES + 1])
def test_an_inactivity_delay_outside_a_day_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidValue) as raised:
        define(inactivity_minutes=minutes)
    assert raised.value.field == "inactivity_minutes"


@pytest.mark.parametrize("kind", [ProfileKind.GROUP, ProfileKind.SCHOOL_LIFE])
def test_only_a_teacher_profile_may_see_every_student(kind: ProfileKind) -> None:
    with pytest.raises(InvalidValue) as raised:
        define(kind, sees_all_students=True)
    assert raised.value.field == "sees_all_students"


def test_a_copy_has_the_same_kind_and_rights_under_its_own_name() -> None:
    source = define(inactivity_minutes=30, sees_all_students=True)

    copy = source.copy("Profil 3")

    assert (copy.kind, copy.permissions, copy.inactivity_minutes, copy.sees_all_students) == (
        source.kind,
        source.permissions,
        30,
        True,
    )
    assert copy.name == "Profil 3"
    assert copy.id == Profile.create_id("teacher", "Profil 3") != source.id
    assert copy.copied_from == source.id
    [created] = copy.collect_events()
    assert isinstance(created, Profile.Created)
    assert created.copied_from == source.id


def test_a_copy_under_the_same_name_has_the_same_id_so_the_store_refuses_it() -> None:
    source = define(name="Profil 2")

    assert source.copy("profil 2").id == source.id


def test_editing_replaces_the_rights_and_records_them() -> None:
    profile = define()

    profile.edit(permissions=frozenset({Permission.GRADES_READ}), inactivity_minutes=0, sees_all_students=True)

    assert profile.permissions == {Permission.GRADES_READ, Permission.SESSION}
    assert (profile.inactivity_minutes, profile.sees_all_students) == (0, True)
    events = profile.collect_events()
    assert [type(e) for e in events] == [Profile.Created, Profile.Edited]
    edited = events[1]
    assert isinstance(edited, Profile.Edited)
    assert edited.permissions == ["grades.read", "session"]


def test_editing_without_change_is_refused() -> None:
    profile = define(inactivity_minutes=20)

    with pytest.raises(RuleViolated, match="unchanged"):
        profile.edit(permissions=READ | {Permission.SESSION}, inactivity_minutes=20, sees_all_students=False)


def test_editing_a_group_to_see_every_student_is_refused() -> None:
    group = define(ProfileKind.GROUP, "Direction adjointe")

    with pytest.raises(InvalidValue) as raised:
        group.edit(permissions=READ, inactivity_minutes=20, sees_all_students=True)
    assert raised.value.field == "sees_all_students"


def test_editing_with_an_inactivity_delay_out_of_bounds_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        define().edit(permissions=READ, inactivity_minutes=-5, sees_all_students=False)
    assert raised.value.field == "inactivity_minutes"


def test_replaying_the_events_gives_the_same_profile() -> None:
    profile = define()
    profile.edit(permissions=frozenset(Permission), inactivity_minutes=90, sees_all_students=True)
    expected = state(profile)

    assert state(replayed(profile)) == expected


def test_a_new_base_has_the_profiles_and_groups_of_the_field() -> None:
    profiles = {(p.kind, p.name): p for p in default_profiles()}

    assert set(profiles) == {
        (ProfileKind.GROUP, ADMINISTRATION),
        (ProfileKind.GROUP, CLASS_COUNCIL),
        (ProfileKind.SCHOOL_LIFE, SCHOOL_LIFE),
        (ProfileKind.TEACHER, TEACHER_DEFAULT),
        (ProfileKind.TEACHER, DOCUMENTALIST),
    }
    administration = profiles[ProfileKind.GROUP, ADMINISTRATION]
    teacher = profiles[ProfileKind.TEACHER, TEACHER_DEFAULT]
    documentalist = profiles[ProfileKind.TEACHER, DOCUMENTALIST]
    assert administration.permissions == frozenset(Permission) - {Permission.PROFILES_MANAGE}
    assert documentalist.permissions == teacher.permissions
    assert (documentalist.sees_all_students, teacher.sees_all_students) == (True, False)
    assert all(Permission.SESSION in p.permissions for p in profiles.values())


def test_only_the_super_admin_manages_profiles_by_default() -> None:
    assert all(Permission.PROFILES_MANAGE not in p.permissions for p in default_profiles())


class ProfileMachine(RuleBasedStateMachine):
    """Any sequence of edits keeps the session granted, and replaying the events gives the same profile."""

    def __init__(self) -> None:
        super().__init__()
        self.profile = define()
        self.edits = 0

    @rule(
        permissions=st.frozensets(st.sampled_from(list(Permission))),
        minutes=st.integers(-2, MAX_INACTIVITY_MINUTES + 2),
        sees_all=st.booleans(),
    )
    def edit(self, permissions: frozenset[Permission], minutes: int, sees_all: bool) -> None:
        before = state(self.profile)
        unchanged = (permissions | {Permission.SESSION}, minutes, sees_all) == before[3:6]
        in_bounds = 0 <= minutes <= MAX_INACTIVITY_MINUTES
        try:
            self.profile.edit(permissions=permissions, inactivity_minutes=minutes, sees_all_students=sees_all)
        except InvalidValue:
            assert not in_bounds
            assert state(self.profile) == before
            return
        except RuleViolated:
            assert unchanged
            assert state(self.profile) == before
            return
        assert in_bounds and not unchanged
        self.edits += 1

    @invariant()
    def session_is_granted(self) -> None:
        assert Permission.SESSION in self.profile.permissions

    @invariant()
    def replay_gives_the_same_profile(self) -> None:
        events = list(self.profile.pending_events)
        assert len(events) == 1 + self.edits
        assert state(replay(events)) == state(self.profile)


ProfileMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestProfileMachine = ProfileMachine.TestCase
